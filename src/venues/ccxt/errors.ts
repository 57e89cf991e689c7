/**
 * What a ccxt error means for Strata. ccxt throws a class per kind of failure; this maps each to a
 * fault kind, a Strata reason code and what to do with a read or a create. Classes are tested most
 * specific first, because ccxt's hierarchy nests them: OrderNotFound and DuplicateOrderId are
 * InvalidOrders, DDoSProtection / RequestTimeout / InvalidNonce / ExchangeNotAvailable are
 * NetworkErrors, PermissionDenied is an AuthenticationError.
 *
 * The classes come from the loaded ccxt module (`CcxtErrorClasses`), so this file needs no value
 * import of ccxt and stays off the start-up path.
 */
import type { VenueRequestOutcome } from './port.ts';

export type FaultKind =
  | 'rate_limited'
  | 'banned'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'clock_skew'
  | 'auth'
  | 'insufficient_funds'
  | 'duplicate_client_id'
  | 'order_not_found'
  | 'invalid_order'
  | 'bad_request'
  | 'not_supported'
  | 'rejected'
  | 'bad_response'
  | 'unknown';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The ccxt error classes this classification needs (the loaded module satisfies it). */
export interface CcxtErrorClasses {
  AuthenticationError: ErrorClass;
  InsufficientFunds: ErrorClass;
  InvalidOrder: ErrorClass;
  OrderNotFound: ErrorClass;
  DuplicateOrderId: ErrorClass;
  BadRequest: ErrorClass;
  BadSymbol: ErrorClass;
  ArgumentsRequired: ErrorClass;
  NotSupported: ErrorClass;
  ExchangeError: ErrorClass;
  NetworkError: ErrorClass;
  DDoSProtection: ErrorClass;
  RateLimitExceeded: ErrorClass;
  ExchangeNotAvailable: ErrorClass;
  InvalidNonce: ErrorClass;
  RequestTimeout: ErrorClass;
  BadResponse: ErrorClass;
}

export interface Fault {
  kind: FaultKind;
  /** Strata's reason code (what an order's reason or an alert carries). */
  code: string;
  /** Human text with the exchange's own code and message when it sent one; secrets redacted. */
  message: string;
  /** The exchange's error code when the body carried one (Binance: -2010, -1013, …). */
  venueCode?: string;
  /** The class ccxt threw, for logs and tests. */
  ccxtClass: string;
}

const CODES: Record<FaultKind, string> = {
  rate_limited: 'VENUE_RATE_LIMITED',
  banned: 'VENUE_IP_BANNED',
  unavailable: 'VENUE_UNAVAILABLE',
  timeout: 'VENUE_TIMEOUT',
  network: 'VENUE_DISCONNECTED',
  clock_skew: 'VENUE_CLOCK_SKEW',
  auth: 'VENUE_AUTH_FAILED',
  insufficient_funds: 'INSUFFICIENT_FUNDS',
  duplicate_client_id: 'DUPLICATE_CLIENT_ORDER_ID',
  order_not_found: 'UNKNOWN_ORDER',
  invalid_order: 'VENUE_INVALID_ORDER',
  bad_request: 'VENUE_BAD_REQUEST',
  not_supported: 'VENUE_NOT_SUPPORTED',
  rejected: 'VENUE_REJECTED',
  bad_response: 'VENUE_BAD_RESPONSE',
  unknown: 'VENUE_ERROR',
};

/** Binance answers a reused client order id with -2010 and this text; ccxt throws InvalidOrder, not DuplicateOrderId. */
const DUPLICATE_RE = /duplicate order/i;
/** ccxt puts the HTTP status right after the exchange id in a DDoSProtection message ("binance 418 …"). */
const BANNED_RE = /(^|\s)418(\s|$)/;
/** A NetworkError whose request never left: the connection was refused, so nothing reached the venue. */
const REFUSED_RE = /ECONNREFUSED|ConnectionRefused|connection refused/i;

function kindOf(err: unknown, c: CcxtErrorClasses): FaultKind {
  if (!(err instanceof Error)) return 'unknown';
  // Checked through a helper so that one test does not narrow `err` for the next.
  const is = (cls: ErrorClass): boolean => err instanceof cls;
  // Order matters: subclasses before their parents.
  if (is(c.OrderNotFound)) return 'order_not_found';
  if (is(c.DuplicateOrderId)) return 'duplicate_client_id';
  if (is(c.InvalidOrder)) return DUPLICATE_RE.test(err.message) ? 'duplicate_client_id' : 'invalid_order';
  if (is(c.InsufficientFunds)) return 'insufficient_funds';
  if (is(c.AuthenticationError)) return 'auth';
  if (is(c.BadSymbol) || is(c.BadRequest) || is(c.ArgumentsRequired)) return 'bad_request';
  if (is(c.NotSupported)) return 'not_supported';
  if (is(c.ExchangeError)) return 'rejected';
  if (is(c.DDoSProtection)) return BANNED_RE.test(err.message) ? 'banned' : 'rate_limited';
  if (is(c.RateLimitExceeded)) return 'rate_limited';
  if (is(c.RequestTimeout)) return 'timeout';
  if (is(c.InvalidNonce)) return 'clock_skew';
  if (is(c.ExchangeNotAvailable)) return 'unavailable';
  if (is(c.NetworkError)) return 'network';
  if (is(c.BadResponse)) return 'bad_response';
  return 'unknown';
}

/** Pulls `{"code":-2010,"msg":"…"}` out of a ccxt message, when the exchange sent one. */
function venueDetail(message: string): { code?: string; msg?: string } {
  const m = /\{[^{}]*"code"\s*:\s*(-?\d+)[^{}]*"msg"\s*:\s*"((?:[^"\\]|\\.)*)"[^{}]*\}/.exec(message);
  if (!m) return {};
  return { code: m[1]!, msg: m[2]!.replace(/\\"/g, '"') };
}

export type Redact = (text: string) => string;

export function classifyError(err: unknown, classes: CcxtErrorClasses, redact: Redact = (t) => t): Fault {
  const kind = kindOf(err, classes);
  const raw = err instanceof Error ? err.message : String(err);
  const detail = venueDetail(raw);
  const text = detail.msg !== undefined ? `${detail.code}: ${detail.msg}` : raw;
  const fault: Fault = {
    kind,
    code: CODES[kind],
    message: redact(text).slice(0, 500),
    ccxtClass: err instanceof Error ? err.constructor.name : typeof err,
  };
  if (detail.code !== undefined) fault.venueCode = detail.code;
  return fault;
}

/** Whether a read may be sent again after this fault (after the throttle's pause or a clock resync). */
export function readRetryable(f: Fault): boolean {
  switch (f.kind) {
    case 'rate_limited':
    case 'banned':
    case 'unavailable':
    case 'timeout':
    case 'network':
    case 'clock_skew':
    case 'bad_response':
      return true;
    default:
      return false;
  }
}

/**
 * What a failed create means. 'refused': the venue proved it refused the order (a 'rejected'
 * event); 'adopt': it already exists under our client id; 'resync': the clock was off, so it was
 * not processed (resync and send once more); the rest are VenueRequestOutcomes.
 */
export type CreateVerdict = VenueRequestOutcome | 'refused' | 'adopt' | 'resync';

export function createVerdict(f: Fault, rawMessage = f.message): CreateVerdict {
  switch (f.kind) {
    case 'rate_limited':
    case 'banned':
      // Binance refuses a throttled request before it reaches the matching engine.
      return 'retry';
    case 'network':
      return REFUSED_RE.test(rawMessage) ? 'retry' : 'unresolved';
    case 'timeout':
    case 'unavailable':
    case 'bad_response':
    case 'unknown':
      // The venue may have made the order: settle by client order id, never resend blindly.
      return 'unresolved';
    case 'clock_skew':
      return 'resync';
    case 'duplicate_client_id':
      return 'adopt';
    case 'auth':
      return 'rejected';
    default:
      return 'refused';
  }
}

/** Whether a fault means the exchange or the network is unreachable (feeds the connection state). */
export function isDisconnect(f: Fault): boolean {
  return f.kind === 'network' || f.kind === 'timeout' || f.kind === 'unavailable';
}
