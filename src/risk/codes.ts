/**
 * Reason codes of the L1 risk framework, DenialCode-like strings. Every breach the gate reports,
 * every trading-state refusal and every circuit-breaker trip carries one of these, so the UI, the
 * CLI (exit code 3) and the journal can show why without parsing messages.
 */

/** Codes of order-level breaches (what an order.denied event carries). */
export const RISK_CODES = [
  // Trading state and breakers.
  'TRADING_HALTED',
  'REDUCING_ONLY',
  'INSTRUMENT_BLOCKED',
  'NO_REFERENCE_PRICE',
  // Fat finger and order shape.
  'MAX_ORDER_QTY',
  'MAX_ORDER_NOTIONAL',
  'PRICE_BAND',
  'PRICE_BAND_TICKS',
  'MAX_SPREAD',
  // Runaway-loop guard.
  'ORDER_RATE_MINUTE',
  'ORDER_RATE_HOUR',
  // Exposure.
  'MAX_POSITION',
  'MAX_GROSS_EXPOSURE',
  'MAX_NET_EXPOSURE',
  'GROUP_GROSS_EXPOSURE',
  'GROUP_NET_EXPOSURE',
  'MAX_LEVERAGE',
  'MIN_CASH_BUFFER',
  // Losses.
  'DAILY_LOSS',
  'DRAWDOWN_DAILY',
  'DRAWDOWN_WEEKLY',
  'DRAWDOWN_MONTHLY',
] as const;
export type RiskCode = (typeof RISK_CODES)[number];

/** Codes of a refused limit update (`set NAME VALUE [--symbol S]`). */
export const LIMIT_ERROR_CODES = [
  'BAD_SYNTAX',
  'UNKNOWN_COMMAND',
  'UNKNOWN_LIMIT',
  'BAD_VALUE',
  'BAD_SCOPE',
  'SOFT_ABOVE_HARD',
  'SOFT_BELOW_HARD',
  'UNKNOWN_SYMBOL',
  'UNKNOWN_GROUP',
  'NOT_SET',
] as const;
export type LimitErrorCode = (typeof LIMIT_ERROR_CODES)[number];

/** Codes of a refused trading-state transition. */
export const STATE_ERROR_CODES = ['CONFIRM_REQUIRED', 'BAD_CONFIRMATION', 'NOT_A_RESUME'] as const;
export type StateErrorCode = (typeof STATE_ERROR_CODES)[number];

/** Codes of circuit-breaker trips (the cause of the trading-state change or symbol block they ask for). */
export const BREAKER_CODES = ['BREAKER_DAILY_DRAWDOWN', 'BREAKER_INSTRUMENT_MOVE', 'BREAKER_VENUE_DISCONNECT', 'BREAKER_ORDER_RATE'] as const;
export type BreakerCode = (typeof BREAKER_CODES)[number];
