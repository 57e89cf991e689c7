import { z } from 'zod';
import type {
  AccountDto,
  BookDto,
  CancelAllResultDto,
  CandleDto,
  FillDto,
  InstrumentDto,
  MarketSnapshotDto,
  OrderDto,
  PositionDto,
  QuoteDto,
  RiskLimitsDto,
  SessionDto,
  TradeDto,
} from './dto.ts';
import { CANDLE_INTERVALS } from './dto.ts';

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

export const paramsSchemas = {
  'session.info': empty,
  'instruments.list': empty,
  'market.snapshot': z.strictObject({ symbol }),
  'market.candles': z.strictObject({
    symbol,
    interval: z.enum(CANDLE_INTERVALS).default('5s'),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
  'orders.place': z
    .strictObject({
      symbol,
      side: z.enum(['buy', 'sell']),
      qty: positiveDecimal,
      type: z.enum(['market', 'limit']).default('market'),
      price: positiveDecimal.optional(),
      tif: z.enum(['gtc', 'ioc']).default('gtc'),
      source: z.enum(['manual', 'api']).default('api'),
    })
    .refine((p) => p.type !== 'limit' || p.price !== undefined, {
      message: 'a limit order needs a price',
      path: ['price'],
    })
    .refine((p) => p.type !== 'market' || p.price === undefined, {
      message: 'a market order takes no price',
      path: ['price'],
    }),
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
];

/** The engine side of the contract: one handler per method. */
export type Handlers = { [M in MethodName]: (params: Params<M>) => Result<M> | Promise<Result<M>> };

export function isMethodName(x: string): x is MethodName {
  return Object.prototype.hasOwnProperty.call(paramsSchemas, x);
}
