import { isTerminal } from '../contract/dto.ts';
import type { FillDto, InstrumentDto, OrderDto, PositionDto } from '../contract/dto.ts';
import { currencyDecimals } from '../contract/money.ts';
import { table } from './cli-common.ts';

/**
 * Human output of orders, fills and positions: aligned columns, prices and quantities at the
 * instrument's precision (0.000001 and 50 read as such), the contract's display status names.
 * `--json` never goes through here: it prints the contract's numbers as they are.
 */

export type Precision = Map<string, Pick<InstrumentDto, 'priceDecimals' | 'qtyDecimals'>>;

const RIGHT = 'r' as const;
const LEFT = 'l' as const;

function fmt(v: number | null | undefined, decimals: number | undefined): string | null {
  if (v === null || v === undefined) return null;
  return decimals === undefined ? String(v) : v.toFixed(decimals);
}

function typeOf(o: OrderDto): string {
  // A finished parent keeps its last paused flag (a kill switch pauses, then cancels): not "paused".
  if (o.execution) return `${o.execution.algo}${o.execution.paused && !isTerminal(o.status) ? ' (paused)' : ''}`;
  const kind = o.orderKind ?? o.type;
  const by = o.trigger && o.trigger.kind !== 'take-profit' && o.trigger.by === 'bid-ask' ? ' (bid/ask)' : '';
  return `${kind}${by}`;
}

export function orderRows(orders: OrderDto[], prec: Precision): string {
  return table(
    ['ID', 'SYMBOL', 'SIDE', 'TYPE', 'TIF', 'QTY', 'PRICE', 'STOP', 'FILLED', 'AVG', 'STATUS', 'REASON'],
    orders.map((o) => {
      const p = prec.get(o.symbol);
      return [
        o.id,
        o.symbol,
        o.side,
        typeOf(o),
        o.execution ? '-' : o.tif,
        fmt(o.qty, p?.qtyDecimals),
        fmt(o.price, p?.priceDecimals),
        fmt(o.trigger?.stopPrice, p?.priceDecimals),
        fmt(o.filledQty, p?.qtyDecimals),
        // an average between ticks keeps two more digits
        fmt(o.avgPrice, p === undefined ? undefined : p.priceDecimals + 2),
        // The contract's display names (DISPLAY_STATUSES), in capitals as blotters print them.
        (o.displayStatus ?? o.status).toUpperCase(),
        o.reason ? o.reason.code : null,
      ];
    }),
    [LEFT, LEFT, LEFT, LEFT, LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, LEFT, LEFT],
  );
}

/** One order's links: its bracket, its one-cancels-other group, its cancel/replace lineage. */
export function orderLinks(o: OrderDto): string[] {
  const out: string[] = [];
  if (o.bracket) out.push(`bracket ${o.bracket.entryId}: take-profit ${o.bracket.takeProfitId ?? '-'}, stop-loss ${o.bracket.stopLossId ?? '-'}${o.ocoGroup ? ` (one cancels other: ${o.ocoGroup})` : ''}`);
  if (o.lineage && (o.lineage.replaces !== null || o.lineage.replacedBy !== null)) {
    out.push(`lineage from ${o.lineage.rootId}${o.lineage.replaces ? `: replaces ${o.lineage.replaces}` : ''}${o.lineage.replacedBy ? `; replaced by ${o.lineage.replacedBy}` : ''}`);
  }
  return out;
}

export function fillRows(fills: FillDto[], prec: Precision): string {
  return table(
    ['ID', 'ORDER', 'SYMBOL', 'SIDE', 'QTY', 'PRICE', 'FEE', 'LIQ', 'TIME'],
    fills.map((f) => {
      const p = prec.get(f.symbol);
      return [f.id, f.orderId, f.symbol, f.side, fmt(f.qty, p?.qtyDecimals), fmt(f.price, p?.priceDecimals), f.fee.toFixed(8), f.liquidity, new Date(f.ts).toISOString()];
    }),
    [LEFT, LEFT, LEFT, LEFT, RIGHT, RIGHT, RIGHT, LEFT, LEFT],
  );
}

/**
 * Realized P&L is net of fees everywhere (ledger, contract, UI, CLI), as TWS books commissions; FEES
 * shows what they were. Money is at the account currency's decimals (an ETH replay account: 6).
 */
export function positionRows(ps: PositionDto[], prec: Precision, currency = 'USD'): string {
  const cents = currencyDecimals(currency);
  return table(
    ['SYMBOL', 'QTY', 'AVG', 'MARK', 'VALUE', 'REALIZED (net of fees)', 'UNREALIZED', 'FEES'],
    ps.map((p) => {
      const d = prec.get(p.symbol);
      const money = (v: number) => v.toFixed(cents);
      return [p.symbol, fmt(p.qty, d?.qtyDecimals), fmt(p.avgPrice, d === undefined ? undefined : d.priceDecimals + 2), fmt(p.markPrice, d?.priceDecimals), money(p.marketValue), money(p.realizedPnl), money(p.unrealizedPnl), money(p.fees)];
    }),
    [LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
  );
}
