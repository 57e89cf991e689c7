/**
 * The domain's vocabulary as closed sets: sides, order types and states, urgencies, algorithms,
 * order origins, trading modes, engine modes. Defined here, in the domain core, so that execution,
 * risk and the stores do not borrow them from the wire; the contract re-exports them (this is the
 * one file of `src` outside `src/contract` that the contract may import, and it imports nothing).
 */

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'gtc' | 'ioc';
export type Liquidity = 'maker' | 'taker';

/** Which kind of session the engine runs: only the clock, the venue and the stores differ. */
export const ENGINE_MODES = ['live', 'paper', 'replay', 'backtest'] as const;
export type EngineMode = (typeof ENGINE_MODES)[number];

/** How urgently the trader wants it done; routing picks the algorithm from it. */
export const URGENCIES = ['immediate', 'high', 'medium', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Execution algorithms that work a parent order through child orders. */
export const ALGO_KINDS = ['twap', 'vwap', 'pov', 'passive', 'iceberg', 'adaptive'] as const;
export type AlgoKind = (typeof ALGO_KINDS)[number];

/** What the ticket may ask for: a direct order type or an algorithm. */
export const EXECUTION_STYLES = ['market', 'limit', ...ALGO_KINDS] as const;
export type ExecutionStyle = (typeof EXECUTION_STYLES)[number];

/** Order types the trader asks for; stops are held by Strata and reach the venue as market or limit orders. */
export const ORDER_KINDS = ['market', 'limit', 'stop', 'stop-limit', 'trailing-stop', 'take-profit'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export type TriggerKind = Exclude<OrderKind, 'market' | 'limit'>;

/** What a held stop watches: the last trade, or the touch (bid for a sell stop, ask for a buy stop). */
export const TRIGGER_SOURCES = ['last', 'bid-ask'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

/**
 * UNRESOLVED: the venue may or may not have the order (a create that timed out, a venue that could
 * not be asked at recovery). It is neither guessed REJECTED nor NEW: it counts as possibly working
 * (L1, algos) until the venue's answer, asked by client order id, settles it.
 */
export const ORDER_STATUSES = ['NEW', 'PENDING', 'PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'];

export function isTerminal(s: OrderStatus): boolean {
  return TERMINAL_STATUSES.includes(s);
}

/** Where an order came from: the ticket, a program over the API, or a signal the operator approved. */
export const ORDER_SOURCES = ['manual', 'api', 'signal'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

/** L1's trading state. */
export const TRADING_MODES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingMode = (typeof TRADING_MODES)[number];

export const CANDLE_INTERVALS = ['1s', '5s', '1m', '5m'] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

/** How hard the journal works for each order: see src/kernel/durability.ts. */
export const DURABILITIES = ['full', 'fast', 'memory'] as const;
export type Durability = (typeof DURABILITIES)[number];
