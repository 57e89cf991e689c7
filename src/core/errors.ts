/**
 * Errors of the domain: what execution, risk and the kernel throw when a request cannot be done.
 * They carry a code callers branch on and whether trying again later may succeed (a timeout or a
 * lost connection may; an unknown order never will). The wire's RpcError is made from them at the
 * contract edge (src/kernel/wire.ts), so domain code never depends on the transport.
 */

export const DOMAIN_ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_SYMBOL',
  'UNKNOWN_ORDER',
  'ORDER_NOT_OPEN',
  /** A manual order breached soft limits: resubmit with confirm: true (issues list the breaches). */
  'RISK_CONFIRM_REQUIRED',
  /** L1 refused a change to a working order; issues list the breaches. */
  'RISK_DENIED',
  'LIMIT_REJECTED',
  'STATE_REJECTED',
  /** A venue request was refused: a configuration, keys, or a reconciliation action that does not apply (issues[0].path names the reason). */
  'VENUE_REJECTED',
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
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** Codes whose requests may succeed when tried again unchanged. */
const RETRYABLE: ReadonlySet<DomainErrorCode> = new Set<DomainErrorCode>(['NOT_CONNECTED', 'TIMEOUT']);

export interface DomainIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly retryable: boolean;
  /** Field-level or per-breach detail: path (a field or a breach code) and message. */
  readonly issues: DomainIssue[] | undefined;
  constructor(code: DomainErrorCode, message: string, issues?: DomainIssue[], retryable = RETRYABLE.has(code)) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.issues = issues;
    this.retryable = retryable;
  }
}
