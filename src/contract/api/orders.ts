import { z } from 'zod';
import type {
  AccountDto,
  CancelAllResultDto,
  ExecutionPlanDto,
  FillDto,
  OrderDto,
  PositionDto,
  TcaDto,
} from '../dto.ts';
import { EXECUTION_STYLES, ORDER_KINDS, TRIGGER_SOURCES, URGENCIES } from '../dto.ts';
import { ORDER_SOURCES } from '../risk-dto.ts';
import { empty, fraction, MAX_EPOCH_MS, orderId, ORDERS_PAGE_DEFAULT, ORDERS_PAGE_MAX, positiveDecimal, symbol } from './common.ts';

/** Order entry and the order, fill and position books. */

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

export const placeSchema = z
  .strictObject({
    symbol,
    side: z.enum(['buy', 'sell']),
    qty: positiveDecimal,
    /** stop, stop-limit and trailing-stop are held by Strata and sent as a market (limit) order when triggered. */
    type: z.enum(ORDER_KINDS.filter((k) => k !== 'take-profit') as ['market', 'limit', 'stop', 'stop-limit', 'trailing-stop']).default('market'),
    /** Limit price of a direct order (and of a stop-limit once triggered), or the price cap of an algorithm. */
    price: positiveDecimal.optional(),
    /** Trigger price of a stop or stop-limit; the initial stop of a trailing stop (else it starts one trail from the market). */
    stopPrice: positiveDecimal.optional(),
    /** What the stop watches: the last trade (when not given) or the touch (bid for a sell stop, ask for a buy stop). */
    trigger: z.enum(TRIGGER_SOURCES).optional(),
    /** Trailing stop distance: percent of the reference price (1.5 = 1.5%), or an absolute price distance. */
    trailPercent: z.number().positive().max(50).optional(),
    trailAmount: positiveDecimal.optional(),
    /** Bracket: the exits, activated by the entry's fills and sized to them, one-cancels-other. */
    takeProfit: positiveDecimal.optional(),
    stopLoss: positiveDecimal.optional(),
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
  .refine((p) => p.type !== 'stop-limit' || p.price !== undefined, { message: 'a stop-limit order needs a limit price', path: ['price'] })
  .refine((p) => (p.type !== 'stop' && p.type !== 'stop-limit') || p.stopPrice !== undefined, { message: 'a stop order needs a stop price', path: ['stopPrice'] })
  .refine((p) => p.type !== 'stop' || p.price === undefined, { message: 'a stop order takes no limit price (use stop-limit)', path: ['price'] })
  .refine((p) => p.type !== 'trailing-stop' || (p.trailPercent === undefined) !== (p.trailAmount === undefined), {
    message: 'a trailing stop needs exactly one of trailPercent and trailAmount',
    path: ['trailPercent'],
  })
  .refine((p) => p.type === 'trailing-stop' || (p.trailPercent === undefined && p.trailAmount === undefined), { message: 'only a trailing stop trails', path: ['trailPercent'] })
  .refine((p) => p.type === 'trailing-stop' || p.type === 'stop' || p.type === 'stop-limit' || p.stopPrice === undefined, { message: 'only stop orders take a stop price', path: ['stopPrice'] })
  .refine((p) => p.algo === undefined || p.type === 'market' || p.type === 'limit', { message: 'stop orders are not worked by an algorithm', path: ['algo'] })
  .refine((p) => (p.takeProfit === undefined && p.stopLoss === undefined) || ((p.type === 'market' || p.type === 'limit') && (p.algo === undefined || p.algo === 'market' || p.algo === 'limit')), {
    message: 'a bracket entry is a market or limit order',
    path: ['takeProfit'],
  })
  .refine((p) => p.price === undefined || !(p.algo === 'market' || (p.algo === undefined && p.type === 'market' && p.urgency === 'immediate')), {
    message: 'a market order takes no price',
    path: ['price'],
  })
  .refine((p) => p.algoParams?.endAt === undefined || p.algoParams.startAt === undefined || p.algoParams.endAt > p.algoParams.startAt, {
    message: 'endAt must be after startAt',
    path: ['algoParams', 'endAt'],
  });

export const ordersSchemas = {
  'orders.place': placeSchema,
  'orders.preview': placeSchema,
  'orders.pause': z.strictObject({ orderId }),
  'orders.resume': z.strictObject({ orderId }),
  /**
   * A working algo parent: its quantity. A working direct order: price and/or quantity (cancel/replace
   * at the venue, one lineage). A held stop: its stop price, limit price or quantity, in place.
   * `qty` is the order's new total (filled included).
   */
  'orders.modify': z
    .strictObject({
      orderId,
      qty: positiveDecimal.optional(),
      price: positiveDecimal.optional(),
      stopPrice: positiveDecimal.optional(),
      /** The operator confirmed the soft limit breaches of the replacement (manual orders only). */
      confirm: z.boolean().optional(),
    })
    .refine((p) => p.qty !== undefined || p.price !== undefined || p.stopPrice !== undefined, { message: 'give qty, price or stopPrice', path: ['qty'] }),
  'orders.children': z.strictObject({ orderId }),
  'orders.tca': z.strictObject({ orderId }),
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
    /** Only this order's fills; an algo parent's are its children's (each fill names its child). */
    orderId: orderId.optional(),
    limit: z.number().int().min(1).max(10000).default(500),
  }),
  'positions.list': empty,
  'account.get': empty,
} as const;

export interface OrdersResults {
  'orders.place': OrderDto;
  'orders.preview': ExecutionPlanDto;
  'orders.pause': OrderDto;
  'orders.resume': OrderDto;
  'orders.modify': OrderDto;
  'orders.children': OrderDto[];
  'orders.tca': TcaDto;
  'orders.cancel': OrderDto;
  'orders.cancelAll': CancelAllResultDto;
  'orders.get': OrderDto;
  'orders.list': OrderDto[];
  'fills.list': FillDto[];
  'positions.list': PositionDto[];
  'account.get': AccountDto;
}

export interface OrdersEvents {
  'order.updated': OrderDto;
  'order.denied': OrderDto;
  fill: FillDto;
  'position.updated': PositionDto;
  'account.updated': AccountDto;
  /** Final execution quality of a parent order, when it ends. */
  tca: TcaDto;
}
