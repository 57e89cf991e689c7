/**
 * Errors of the signals layer. Each has a code the contract maps to a typed error and a sentence for
 * the operator; a bad parameter or an unknown alpha never changes what is registered.
 */
export const SIGNAL_ERROR_CODES = [
  /** No alpha of that name is registered. */
  'UNKNOWN_ALPHA',
  /** An alpha of that name is already registered. */
  'DUPLICATE_ALPHA',
  /** The alpha has no parameter of that name. */
  'UNKNOWN_PARAM',
  /** The value does not satisfy the parameter's schema; issues say why. */
  'BAD_PARAM',
  /** Input data an alpha or the aggregator cannot use (non-finite price, out-of-order bar). */
  'BAD_INPUT',
] as const;
export type SignalErrorCode = (typeof SIGNAL_ERROR_CODES)[number];

export interface SignalErrorIssue {
  path: string;
  message: string;
}

export class SignalError extends Error {
  readonly code: SignalErrorCode;
  readonly issues: readonly SignalErrorIssue[];
  constructor(code: SignalErrorCode, message: string, issues: readonly SignalErrorIssue[] = []) {
    super(message);
    this.name = 'SignalError';
    this.code = code;
    this.issues = issues;
  }
}
