import type { OrderDto, OrderKind } from '../../../src/contract/index.ts';

/**
 * An order's type as the trader chose it, not as it goes to the venue: a stop is held by Strata and
 * goes out as a market child, so its `type` is "market". The blotter printed that `type`, and a
 * stop waiting for its trigger read "MKT" with price "MKT", which is not what the trader placed
 * (the CLI prints the kind and the stop price).
 */
type KindFields = Pick<OrderDto, 'type' | 'orderKind'>;

const SHORT: Record<OrderKind, string> = {
  market: 'MKT',
  limit: 'LMT',
  stop: 'STP',
  'stop-limit': 'STP LMT',
  'trailing-stop': 'TRAIL',
  'take-profit': 'TP',
};

const LONG: Record<OrderKind, string> = {
  market: 'MARKET',
  limit: 'LIMIT',
  stop: 'STOP',
  'stop-limit': 'STOP LIMIT',
  'trailing-stop': 'TRAILING STOP',
  'take-profit': 'TAKE PROFIT',
};

function kindOf(o: KindFields): OrderKind {
  // An older engine's order has no kind: its venue type is then what the trader chose.
  return o.orderKind ?? o.type;
}

/** The blotter's Type cell: MKT, LMT, STP, STP LMT, TRAIL, TP. */
export function orderTypeShort(o: KindFields): string {
  return SHORT[kindOf(o)];
}

/** The Order Detail's Type field. */
export function orderTypeLong(o: KindFields): string {
  return LONG[kindOf(o)];
}

/**
 * The price that decides when a direct order trades, as the blotter shows it: a held stop's stop
 * price until it triggers (a stop-limit's limit price is in the title and the detail), then its limit
 * price if it has one; a limit order's price; else null for a market order ("MKT").
 */
export function orderShownPrice(o: Pick<OrderDto, 'price' | 'trigger'>): { price: number; stop: boolean } | null {
  const t = o.trigger;
  if (t && t.triggeredAt === null && t.stopPrice !== null) return { price: t.stopPrice, stop: true };
  return o.price !== null ? { price: o.price, stop: false } : null;
}
