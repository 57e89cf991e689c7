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
  RiskLimitsDto,
  RoutingDto,
  SessionDto,
  TcaDto,
  TradeDto,
} from './dto.ts';
import { CANDLE_INTERVALS, EXECUTION_STYLES, URGENCIES } from './dto.ts';

/**
 * The whole contract: every method with its params schema, and every pushed event.
 * Hosts (Electron IPC, WebSocket, in-memory) only move frames; this file is what they move.
 */

const symbol = z.string().min(1).max(32);
const orderId = z.string().min(1).max(64);

/** A strictly positive decimal given as a JSON number or a plain decimal string ("0.5"). */
const positiveDecimal = z.union([
  z.number().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a plain decimal like "0.25"')
    .refine((s) => Number(s) > 0, 'must be greater than zero'),
]);

const empty = z.strictObject({});

const fraction = (max: number) => z.number().min(0).max(max);

/** Algorithm parameters as the ticket gives them; routing fills in what is missing. */
const algoParams = z.strictObject({
  durationSec: z.number().positive().max(7 * 86_400).optional(),
  startAt: z.number().int().nonnegative().optional(),
  endAt: z.number().int().positive().optional(),
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
    source: z.enum(['manual', 'api']).default('api'),
    urgency: z.enum(URGENCIES).default('immediate'),
    /** Overrides routing: a direct order type or an algorithm. */
    algo: z.enum(EXECUTION_STYLES).optional(),
    algoParams: algoParams.optional(),
    /** Price the trader saw when deciding (TCA decision price), and when. */
    decisionPrice: positiveDecimal.optional(),
    decisionTs: z.number().int().nonnegative().optional(),
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
  'orders.list': z.strictObject({
    scope: z.enum(['open', 'all']).default('all'),
    limit: z.number().int().min(1).max(10000).default(500),
  }),
  'fills.list': z.strictObject({
    orderId: orderId.optional(),
    limit: z.number().int().min(1).max(10000).default(500),
  }),
  'positions.list': empty,
  'account.get': empty,
  'risk.limits.get': empty,
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
  'risk.limits.get': RiskLimitsDto;
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
];

/** The engine side of the contract: one handler per method. */
export type Handlers = { [M in MethodName]: (params: Params<M>) => Result<M> | Promise<Result<M>> };

export function isMethodName(x: string): x is MethodName {
  return Object.prototype.hasOwnProperty.call(paramsSchemas, x);
}
