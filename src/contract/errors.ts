/** Error codes a request can fail with. A failed request never changes engine state. */
export const ERROR_CODES = [
  'BAD_FRAME',
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNKNOWN_SYMBOL',
  'UNKNOWN_ORDER',
  'ORDER_NOT_OPEN',
  /** A manual order breached soft limits: resubmit with confirm: true (issues list the breaches). */
  'RISK_CONFIRM_REQUIRED',
  /** L1 refused a change to a working order (a larger algo quantity, resuming an algo while halted); issues list the breaches. */
  'RISK_DENIED',
  /** A limit update was refused (issues[0].path is the limit error code). */
  'LIMIT_REJECTED',
  /** A trading-state change was refused: CONFIRM_REQUIRED, BAD_CONFIRMATION, NOT_A_RESUME in issues. */
  'STATE_REJECTED',
  /** A venue request was refused: a configuration, keys, or a reconciliation action that does not apply (issues[0].path names the reason). */
  'VENUE_REJECTED',
  'UNAUTHORIZED',
  /** L2: no alpha of that name, no such parameter, or a value its schema refuses (issues say why). */
  'UNKNOWN_ALPHA',
  'UNKNOWN_PARAM',
  'BAD_PARAM',
  /** Portfolio construction: inputs that cannot describe a portfolio, or constraints nothing satisfies. */
  'BAD_INPUT',
  'INFEASIBLE',
  /** Approval queue: no such proposal; it is no longer waiting; the queue is frozen (kill switch / HALTED). */
  'UNKNOWN_PROPOSAL',
  'PROPOSAL_NOT_PENDING',
  'QUEUE_FROZEN',
  'NOT_CONNECTED',
  'TIMEOUT',
  /** A file (a replay tape, a recording, a data file) cannot be read or is malformed; the message names the line. */
  'BAD_FILE',
  /** A replay control was sent while no replay is loaded. */
  'REPLAY_NOT_LOADED',
  /** Backtests: no kept run or running job by that id, or no backtest service on this host. */
  'BACKTEST_NOT_FOUND',
  'BACKTEST_UNAVAILABLE',
  /** A sweep's result was asked for while it still runs. */
  'BACKTEST_RUNNING',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDto {
  code: ErrorCode;
  message: string;
  /** Field-level problems for BAD_REQUEST: path and message. */
  issues?: { path: string; message: string }[];
  /**
   * Whether the same request may succeed when tried again unchanged (a timeout, a lost connection),
   * as the domain decided it; absent on errors the contract edge made itself (a malformed frame).
   */
  retryable?: boolean;
}

/** Thrown by handlers and rejected by clients; carries a code so callers can branch on it. */
export class RpcError extends Error {
  readonly code: ErrorCode;
  readonly issues: ErrorDto['issues'];
  readonly retryable: boolean | undefined;
  constructor(code: ErrorCode, message: string, issues?: ErrorDto['issues'], retryable?: boolean) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.issues = issues;
    this.retryable = retryable;
  }

  toDto(): ErrorDto {
    const dto: ErrorDto = this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
    if (this.retryable !== undefined) dto.retryable = this.retryable;
    return dto;
  }
}
