import { z } from 'zod';
import type {
  AccountDto,
  BookDto,
  CancelAllResultDto,
  CandleDto,
  ExecutionPlanDto,
  FillDto,
  InstrumentDto,
  MarketSnapshotDto,
  OrderDto,
  PositionDto,
  QuoteDto,
  RoutingDto,
  SessionDto,
  TcaDto,
  TradeDto,
} from './dto.ts';
import { CANDLE_INTERVALS, EXECUTION_STYLES, URGENCIES } from './dto.ts';
import type {
  BreakerEventDto,
  LimitAuditDto,
  EngineAlertDto,
  LimitsDto,
  RiskFlagDto,
  RiskMetricsDto,
  RiskStatusDto,
  StateTransitionDto,
  StressDto,
  TradingStateDto,
  WhatIfDto,
} from './risk-dto.ts';
import { ORDER_SOURCES, TRADING_MODES } from './risk-dto.ts';

/**
 * The whole contract: every method with its params schema, and every pushed event.
 * Hosts (Electron IPC, WebSocket, in-memory) only move frames; this file is what they move.
 */

const symbol = z.string().min(1).max(32);
const orderId = z.string().min(1).max(64);

/**
 * The largest price or quantity the contract carries, and the digits a decimal string may have:
 * far beyond any market, small enough that a request can never put megabytes of digits into the
 * journal (a 900 KB quantity once did, twice per order).
 */
export const MAX_DECIMAL_VALUE = 1e15;
export const MAX_INT_DIGITS = 15;
export const MAX_FRACTION_DIGITS = 18;
/** Epoch ms up to the year 2286: bounds start/end times without ruling out any real one. */
const MAX_EPOCH_MS = 9_999_999_999_999;

/** A strictly positive decimal given as a JSON number or a plain decimal string ("0.5"). */
const positiveDecimal = z.union([
  z.number().positive().max(MAX_DECIMAL_VALUE),
  z
    .string()
    .max(MAX_INT_DIGITS + 1 + MAX_FRACTION_DIGITS, `must have at most ${MAX_INT_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after`)
    .regex(new RegExp(`^\\d{1,${MAX_INT_DIGITS}}(\\.\\d{1,${MAX_FRACTION_DIGITS}})?$`), `must be a plain decimal like "0.25" (at most ${MAX_INT_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after)`)
    .refine((s) => Number(s) > 0, 'must be greater than zero'),
]);

const empty = z.strictObject({});

/** orders.list pages: the default, and the most a caller may ask for (the renderer's cap). */
export const ORDERS_PAGE_DEFAULT = 500;
export const ORDERS_PAGE_MAX = 5000;

const fraction = (max: number) => z.number().min(0).max(max);

/** Algorithm parameters as the ticket gives them; routing fills in what is missing. */
const algoParams = z.strictObject({
  durationSec: z.number().positive().max(7 * 86_400).optional(),
  startAt: z.number().int().nonnegative().max(MAX_EPOCH_MS).optional(),
  endAt: z.number().int().positive().max(MAX_EPOCH_MS).optional(),
  slices: z.number().int().min(1).max(500).optional(),
  jitterPct: fraction(0.5).optional(),
  participation: z.number().positive().max(0.5).optional(),
  minChildQty: positiveDecimal.optional(),
  maxChildQty: positiveDecimal.optional(),
  displayQty: positiveDecimal.optional(),
  displayJitterPct: fraction(0.5).optional(),
});

const placeSchema = z
  .strictObject({
    symbol,
    side: z.enum(['buy', 'sell']),
    qty: positiveDecimal,
    type: z.enum(['market', 'limit']).default('market'),
    /** Limit price of a direct order, or the price cap of an algorithm. */
    price: positiveDecimal.optional(),
    tif: z.enum(['gtc', 'ioc']).default('gtc'),
    /** Who sent it: only manual orders can confirm a soft limit breach; api and signal orders are denied. */
    source: z.enum(ORDER_SOURCES).default('api'),
    /** The operator confirmed the soft limit breaches the ticket showed (manual orders only). */
    confirm: z.boolean().optional(),
    urgency: z.enum(URGENCIES).default('immediate'),
    /** Overrides routing: a direct order type or an algorithm. */
    algo: z.enum(EXECUTION_STYLES).optional(),
    algoParams: algoParams.optional(),
    /** Price the trader saw when deciding (TCA decision price), and when. */
    decisionPrice: positiveDecimal.optional(),
    decisionTs: z.number().int().nonnegative().max(MAX_EPOCH_MS).optional(),
  })
  .refine((p) => p.type !== 'limit' || p.price !== undefined || (p.algo !== undefined && p.algo !== 'limit'), {
    message: 'a limit order needs a price',
    path: ['price'],
  })
  .refine((p) => p.algo !== 'limit' || p.price !== undefined, { message: 'a limit order needs a price', path: ['price'] })
  .refine((p) => p.price === undefined || !(p.algo === 'market' || (p.algo === undefined && p.type === 'market' && p.urgency === 'immediate')), {
    message: 'a market order takes no price',
    path: ['price'],
  })
  .refine((p) => p.algoParams?.endAt === undefined || p.algoParams.startAt === undefined || p.algoParams.endAt > p.algoParams.startAt, {
    message: 'endAt must be after startAt',
    path: ['algoParams', 'endAt'],
  });

export const paramsSchemas = {
  'session.info': empty,
  'instruments.list': empty,
  'market.snapshot': z.strictObject({ symbol }),
  'market.candles': z.strictObject({
    symbol,
    interval: z.enum(CANDLE_INTERVALS).default('5s'),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
  'orders.place': placeSchema,
  'orders.preview': placeSchema,
  'orders.pause': z.strictObject({ orderId }),
  'orders.resume': z.strictObject({ orderId }),
  'orders.modify': z.strictObject({ orderId, qty: positiveDecimal }),
  'orders.children': z.strictObject({ orderId }),
  'orders.tca': z.strictObject({ orderId }),
  'exec.routing': empty,
  'orders.cancel': z.strictObject({ orderId }),
  'orders.cancelAll': z.strictObject({ symbol: symbol.optional() }),
  'orders.get': z.strictObject({ orderId }),
  /**
   * Newest first, one page at a time: at most ORDERS_PAGE_MAX orders, the default page small enough
   * that a reply stays far below the slow-client cut. `before`: the id of the last order of the
   * previous page; the next page starts after it.
   */
  'orders.list': z.strictObject({
    scope: z.enum(['open', 'all']).default('all'),
    limit: z.number().int().min(1).max(ORDERS_PAGE_MAX).default(ORDERS_PAGE_DEFAULT),
    before: orderId.optional(),
  }),
  'fills.list': z.strictObject({
    orderId: orderId.optional(),
    limit: z.number().int().min(1).max(10000).default(500),
  }),
  'positions.list': empty,
  'account.get': empty,
  'risk.status': empty,
  'risk.limits.get': empty,
  /** Sets a limit's hard level and/or soft level ("none" clears the soft level); scope by symbol or group, else global. */
  'risk.limits.set': z
    .strictObject({
      name: z.string().min(1).max(64),
      hard: z.string().min(1).max(40).optional(),
      soft: z.string().min(1).max(40).optional(),
      symbol: symbol.optional(),
      group: z.string().min(1).max(32).optional(),
      reason: z.string().max(200).optional(),
    })
    .refine((p) => p.hard !== undefined || p.soft !== undefined, { message: 'give a hard level, a soft level, or both', path: ['hard'] })
    .refine((p) => p.symbol === undefined || p.group === undefined, { message: 'a limit is scoped to a symbol or a group, not both', path: ['group'] }),
  'risk.limits.unset': z.strictObject({ name: z.string().min(1).max(64), symbol: symbol.optional(), group: z.string().min(1).max(32).optional(), reason: z.string().max(200).optional() }),
  'risk.limits.audit': z.strictObject({ limit: z.number().int().min(1).max(10000).default(100) }),
  /** Tightens at once; loosening (a resume) must quote the current resume token as `confirm`. */
  'risk.state.set': z.strictObject({ mode: z.enum(TRADING_MODES), reason: z.string().max(200).optional(), confirm: z.string().max(64).optional() }),
  'risk.state.log': z.strictObject({ limit: z.number().int().min(1).max(10000).default(100) }),
  /** Halts trading and cancels every working order and algo in one action. */
  'risk.killSwitch': z.strictObject({ reason: z.string().max(200).optional() }),
  'risk.breakers.log': z.strictObject({ limit: z.number().int().min(1).max(10000).default(100) }),
  'risk.flags': empty,
  'risk.metrics': empty,
  'risk.stress': z.strictObject({
    /** Reverse stress targets: losses as fractions of NAV (default 5%, 10%, 20%). */
    lossFractions: z.array(z.number().positive().max(1)).min(1).max(10).optional(),
    /** Extra hypothetical shocks; `all` moves every instrument, `shocks` named ones (fractions, ≥ −1). */
    scenarios: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(64),
          all: z.number().min(-1).max(10).optional(),
          shocks: z
            .record(symbol, z.number().min(-1).max(10))
            .refine((r) => Object.keys(r).length <= 100, 'at most 100 shocked symbols')
            .optional(),
        }),
      )
      .max(20)
      .optional(),
  }),
  /** The order's effect on position, exposure, leverage and VaR, and L1's verdict, without placing it. */
  'risk.whatIf': placeSchema,
} as const;

export type MethodName = keyof typeof paramsSchemas;

/** What a caller may send (defaults optional). */
export type ParamsIn<M extends MethodName> = z.input<(typeof paramsSchemas)[M]>;
/** What a handler receives (defaults applied, validated). */
export type Params<M extends MethodName> = z.output<(typeof paramsSchemas)[M]>;

export interface Results {
  'session.info': SessionDto;
  'instruments.list': InstrumentDto[];
  'market.snapshot': MarketSnapshotDto;
  'market.candles': CandleDto[];
  'orders.place': OrderDto;
  'orders.preview': ExecutionPlanDto;
  'orders.pause': OrderDto;
  'orders.resume': OrderDto;
  'orders.modify': OrderDto;
  'orders.children': OrderDto[];
  'orders.tca': TcaDto;
  'exec.routing': RoutingDto;
  'orders.cancel': OrderDto;
  'orders.cancelAll': CancelAllResultDto;
  'orders.get': OrderDto;
  'orders.list': OrderDto[];
  'fills.list': FillDto[];
  'positions.list': PositionDto[];
  'account.get': AccountDto;
  'risk.status': RiskStatusDto;
  'risk.limits.get': LimitsDto;
  'risk.limits.set': LimitsDto;
  'risk.limits.unset': LimitsDto;
  'risk.limits.audit': LimitAuditDto[];
  'risk.state.set': TradingStateDto;
  'risk.state.log': StateTransitionDto[];
  'risk.killSwitch': { state: TradingStateDto; cancelled: string[] };
  'risk.breakers.log': BreakerEventDto[];
  'risk.flags': RiskFlagDto[];
  'risk.metrics': RiskMetricsDto;
  'risk.stress': StressDto;
  'risk.whatIf': WhatIfDto;
}

export type Result<M extends MethodName> = Results[M];

/** Pushed events. Names are past tense or nouns of state, payloads plain JSON. */
export interface Events {
  'order.updated': OrderDto;
  'order.denied': OrderDto;
  fill: FillDto;
  'position.updated': PositionDto;
  'account.updated': AccountDto;
  quote: QuoteDto;
  book: BookDto;
  trade: TradeDto;
  candle: CandleDto;
  /** Final execution quality of a parent order, when it ends. */
  tca: TcaDto;
  /** The trading state changed (operator, kill switch or breaker). */
  'risk.state': TradingStateDto;
  /** A circuit breaker tripped or reset. */
  'risk.breaker': BreakerEventDto;
  /** The current set of PMS flags, whenever it changes. */
  'risk.flags': RiskFlagDto[];
  /** One PMS cycle's metrics (navHistory left empty; ask risk.metrics for it). */
  'risk.metrics': RiskMetricsDto;
  /** Limits changed (any source). */
  'risk.limits': LimitsDto;
  /** Something the operator must see now: an order not acknowledged, a cancel not confirmed. */
  'engine.alert': EngineAlertDto;
}

export type EventName = keyof Events;

export const EVENT_NAMES: readonly EventName[] = [
  'order.updated',
  'order.denied',
  'fill',
  'position.updated',
  'account.updated',
  'quote',
  'book',
  'trade',
  'candle',
  'tca',
  'risk.state',
  'risk.breaker',
  'risk.flags',
  'risk.metrics',
  'risk.limits',
];

/** The engine side of the contract: one handler per method. */
export type Handlers = { [M in MethodName]: (params: Params<M>) => Result<M> | Promise<Result<M>> };

/**
 * Whether a method takes parameters. Only a method without any may omit `params` (or send null):
 * for the others, null or a missing object is a BAD_REQUEST, never "all defaults" (a null
 * `orders.cancelAll` would otherwise cancel everything, a null `risk.killSwitch` halt trading).
 */
export function takesParams(m: MethodName): boolean {
  return paramsSchemas[m] !== empty;
}

export function isMethodName(x: string): x is MethodName {
  return Object.prototype.hasOwnProperty.call(paramsSchemas, x);
}
