import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode, RefObject } from 'react';
import { LineStyle } from 'lightweight-charts';
import type { IChartApi, IPriceLine, ISeriesApi, SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import { isTerminal } from '../../../../src/contract/index.ts';
import type { CandleInterval, FillDto, InstrumentDto, OrderDto, WhatIfDto } from '../../../../src/contract/index.ts';
import { fmtNum, fmtQty, isNum, roundToStep } from '../../shared/format.ts';
import { applyOrder, call, cancelOrder, errorText, findOrder, orders, toast, useStore } from '../../state/index.ts';

/**
 * Working orders on the chart: a price line per working direct order (its limit, or its stop while
 * a stop waits for its trigger) with side and quantity; drag a line to a new price, check it with
 * L1's what-if, then send `orders.modify`. A list beside the chart gives each line a cancel button
 * and a price field (the keyboard way to do the same). Fill markers are grouped per order.
 */

const BUY = '#4caf50';
const SELL = '#ff5252';
/** How close (px) the pointer must be to a line to grab it. */
const GRAB_PX = 6;

/** The price a working order rests at on the chart, and which field a modify changes. */
export function linePrice(o: OrderDto): { price: number; field: 'price' | 'stopPrice' } | null {
  const stop = o.trigger && o.trigger.triggeredAt === null ? o.trigger.stopPrice : null;
  if (isNum(stop)) return { price: stop, field: 'stopPrice' };
  if (o.type === 'limit' && isNum(o.price)) return { price: o.price, field: 'price' };
  return null;
}

/** Direct (not algorithm) orders of a symbol still working, newest first. */
export function workingOrders(symbol: string | null): OrderDto[] {
  if (!symbol) return [];
  return orders.filterNewest((o) => o.symbol === symbol && !isTerminal(o.status) && !o.parentId && o.execution === null && linePrice(o) !== null, 40);
}

function lineTitle(o: OrderDto, inst: InstrumentDto | undefined, field: 'price' | 'stopPrice'): string {
  return `${o.side === 'buy' ? 'BUY' : 'SELL'} ${fmtQty(o.qty - o.filledQty, inst)}${field === 'stopPrice' ? ' STP' : ''}`;
}

/** The order whose fills a marker sums: a child's parent, a replacement's first order. */
function markerKey(orderId: string): string {
  const top = orderId.replace(/-C\d+$/, '');
  return findOrder(top)?.lineage?.rootId ?? top;
}

/**
 * One marker per order (all its fills, its children's, its replacements'): at the bar of its last
 * fill, with total quantity and average price.
 */
export function fillMarkers(list: readonly FillDto[], interval: CandleInterval, inst: InstrumentDto | undefined, stepMs: number, keyOf: (orderId: string) => string = markerKey): SeriesMarker<Time>[] {
  void interval;
  const agg = new Map<string, { last: number; side: 'buy' | 'sell'; qty: number; notional: number }>();
  for (const f of list) {
    if (!isNum(f.ts) || !isNum(f.qty) || !isNum(f.price)) continue;
    const key = `${keyOf(f.orderId)}:${f.side}`;
    const a = agg.get(key);
    if (a) {
      a.qty += f.qty;
      a.notional += f.qty * f.price;
      a.last = Math.max(a.last, f.ts);
    } else agg.set(key, { last: f.ts, side: f.side, qty: f.qty, notional: f.qty * f.price });
  }
  return [...agg.values()]
    .map((a) => ({ ...a, bar: Math.floor(a.last / stepMs) * stepMs }))
    .sort((a, b) => a.bar - b.bar || (a.side === 'buy' ? -1 : 1))
    .map((a) => ({
      time: Math.floor(a.bar / 1000) as UTCTimestamp,
      position: a.side === 'buy' ? ('belowBar' as const) : ('aboveBar' as const),
      shape: a.side === 'buy' ? ('arrowUp' as const) : ('arrowDown' as const),
      color: a.side === 'buy' ? BUY : SELL,
      text: `${a.side === 'buy' ? 'B' : 'S'} ${fmtQty(a.qty, inst)} @ ${fmtNum(a.notional / a.qty, inst?.priceDecimals)}`,
      size: 1,
    }));
}

interface Pending {
  order: OrderDto;
  field: 'price' | 'stopPrice';
  from: number;
  to: number;
}

type Check = { state: 'checking' } | { state: 'ready'; w: WhatIfDto } | { state: 'error'; text: string };

/**
 * Keeps one price line per working order of the symbol on `series`, and lets the trader drag them.
 * Returns the modify being proposed (after a drag or a typed price) and a setter for it.
 */
export function useOrderLines(
  box: RefObject<HTMLDivElement | null>,
  chartRef: RefObject<IChartApi | null>,
  seriesRef: RefObject<ISeriesApi<'Candlestick'> | null>,
  symbol: string | null,
  inst: InstrumentDto | undefined,
  ready: string,
): { pending: Pending | null; propose: (p: Pending | null) => void; working: OrderDto[] } {
  const rev = useStore((s) => s.ordersRev);
  const lines = useRef(new Map<string, { line: IPriceLine; o: OrderDto; field: 'price' | 'stopPrice'; price: number }>());
  const [pending, setPending] = useState<Pending | null>(null);
  const pendingRef = useRef<Pending | null>(null);
  pendingRef.current = pending;
  const working = useMemo(() => workingOrders(symbol), [rev, symbol]);

  // Lines follow the working orders (and a proposed price while a modify waits for the trader).
  useEffect(() => {
    const series = seriesRef.current;
    if (!series) return;
    const want = new Map(working.map((o) => [o.id, o]));
    for (const [id, l] of lines.current) {
      if (!want.has(id) || !ready) {
        series.removePriceLine(l.line);
        lines.current.delete(id);
      }
    }
    if (!ready) return;
    for (const o of working) {
      const lp = linePrice(o);
      if (!lp) continue;
      const p = pendingRef.current?.order.id === o.id ? pendingRef.current.to : lp.price;
      const title = lineTitle(o, inst, lp.field);
      const color = o.side === 'buy' ? BUY : SELL;
      const have = lines.current.get(o.id);
      if (have) {
        have.line.applyOptions({ price: p, title });
        have.o = o;
        have.price = p;
      } else {
        const line = series.createPriceLine({ price: p, color, lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title });
        lines.current.set(o.id, { line, o, field: lp.field, price: p });
      }
    }
  }, [rev, symbol, ready, inst, pending]);

  // Dragging: capture-phase pointer handlers on the chart's box run before the chart's own panning.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const near = (y: number): { id: string; field: 'price' | 'stopPrice'; price: number; o: OrderDto; line: IPriceLine } | null => {
      const series = seriesRef.current;
      if (!series) return null;
      let best: { id: string; d: number } | null = null;
      for (const [id, l] of lines.current) {
        const c = series.priceToCoordinate(l.price);
        if (c === null) continue;
        const d = Math.abs(c - y);
        if (d <= GRAB_PX && (!best || d < best.d)) best = { id, d };
      }
      const hit = best ? lines.current.get(best.id) : undefined;
      return best && hit ? { id: best.id, ...hit } : null;
    };
    let drag: { id: string; o: OrderDto; field: 'price' | 'stopPrice'; from: number; to: number; line: IPriceLine } | null = null;
    const yOf = (e: PointerEvent): number => e.clientY - el.getBoundingClientRect().top;
    const onDown = (e: PointerEvent): void => {
      if (e.button !== 0) return;
      const hit = near(yOf(e));
      if (!hit) return;
      e.preventDefault();
      e.stopPropagation();
      el.setPointerCapture(e.pointerId);
      chartRef.current?.applyOptions({ handleScroll: false, handleScale: false });
      drag = { id: hit.id, o: hit.o, field: hit.field, from: linePrice(hit.o)?.price ?? hit.price, to: hit.price, line: hit.line };
    };
    const onMove = (e: PointerEvent): void => {
      const series = seriesRef.current;
      if (!drag) {
        el.style.cursor = near(yOf(e)) ? 'ns-resize' : '';
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      const raw = series?.coordinateToPrice(yOf(e));
      if (!isNum(raw) || !inst) return;
      const to = Number(roundToStep(Math.max(inst.tickSize, raw), inst.tickSize, inst.priceDecimals));
      drag.to = to;
      drag.line.applyOptions({ price: to, title: `${lineTitle(drag.o, inst, drag.field)} → ${fmtNum(to, inst.priceDecimals)}` });
      const l = lines.current.get(drag.id);
      if (l) l.price = to;
    };
    const onUp = (e: PointerEvent): void => {
      if (!drag) return;
      e.preventDefault();
      e.stopPropagation();
      chartRef.current?.applyOptions({ handleScroll: true, handleScale: true });
      const d = drag;
      drag = null;
      if (d.to !== d.from) setPending({ order: d.o, field: d.field, from: d.from, to: d.to });
    };
    el.addEventListener('pointerdown', onDown, true);
    el.addEventListener('pointermove', onMove, true);
    el.addEventListener('pointerup', onUp, true);
    el.addEventListener('pointercancel', onUp, true);
    return () => {
      el.removeEventListener('pointerdown', onDown, true);
      el.removeEventListener('pointermove', onMove, true);
      el.removeEventListener('pointerup', onUp, true);
      el.removeEventListener('pointercancel', onUp, true);
    };
  }, [inst]);

  // A proposal for an order that stopped working is void.
  useEffect(() => {
    if (pending && !working.some((o) => o.id === pending.order.id)) setPending(null);
  }, [rev]);

  return { pending, propose: setPending, working };
}

/** The proposed modify: L1's what-if for the new price, then Send or Keep. Errors show here, inline. */
export function ModifyPrompt({ pending, inst, onDone }: { pending: Pending; inst: InstrumentDto | undefined; onDone: () => void }): ReactNode {
  const { order: o, field, from, to } = pending;
  const [check, setCheck] = useState<Check>({ state: 'checking' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pd = inst?.priceDecimals;
  const remaining = Math.max(0, o.qty - o.filledQty);

  useEffect(() => {
    let live = true;
    setCheck({ state: 'checking' });
    setError(null);
    // The replacement is checked like a new order for what is left (a stop as a limit at its stop).
    call('risk.whatIf', { symbol: o.symbol, side: o.side, qty: remaining > 0 ? remaining : o.qty, type: 'limit', price: to, tif: o.tif, source: 'manual' })
      .then((w) => live && setCheck({ state: 'ready', w }))
      .catch((err: unknown) => {
        if (!live) return;
        const e = errorText(err);
        setCheck({ state: 'error', text: `${e.code}: ${e.message}` });
      });
    return () => {
      live = false;
    };
  }, [o.id, to]);

  const verdict = check.state === 'ready' ? check.w.check.verdict : null;
  const denied = verdict === 'deny';
  const send = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const res = await call('orders.modify', field === 'price' ? { orderId: o.id, price: to, confirm: verdict === 'soft_breach' } : { orderId: o.id, stopPrice: to, confirm: verdict === 'soft_breach' });
      applyOrder(res);
      toast('info', `Modify sent: ${o.id} ${field === 'price' ? 'price' : 'stop'} ${fmtNum(from, pd)} → ${fmtNum(to, pd)}`);
      onDone();
    } catch (err) {
      const e = errorText(err);
      setError(`${e.code} — ${e.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modify-prompt" role="dialog" aria-label={`Modify order ${o.id}`}>
      <div className="mp-head">
        Modify <span className="mono">{o.id}</span> {o.side === 'buy' ? 'BUY' : 'SELL'} {fmtQty(remaining, inst)} {field === 'stopPrice' ? 'stop' : 'limit'}{' '}
        <span className="mono">
          {fmtNum(from, pd)} → <b>{fmtNum(to, pd)}</b>
        </span>
      </div>
      <div className="mp-check" aria-live="polite">
        {check.state === 'checking' && <span className="muted">L1 what-if: checking…</span>}
        {check.state === 'error' && <span className="neg">What-if failed: {check.text}</span>}
        {check.state === 'ready' && (
          <span className={`verdict v-${verdict === 'pass' ? 'pass' : verdict === 'deny' ? 'deny' : 'soft'}`}>
            L1 {verdict === 'pass' ? 'PASS' : verdict === 'deny' ? `DENY ${check.w.check.code ?? ''}` : 'SOFT BREACH (sending confirms it)'}
          </span>
        )}
        {check.state === 'ready' && verdict !== 'pass' && <span className="muted"> {check.w.check.message}</span>}
      </div>
      {error && (
        <div className="mp-error" role="alert">
          Modify failed: {error}
        </div>
      )}
      <div className="mp-actions">
        <button type="button" className="btn btn-primary" disabled={busy || denied || check.state === 'checking'} onClick={() => void send()}>
          {busy ? 'Sending…' : 'Send modify'}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Keep {fmtNum(from, pd)}
        </button>
      </div>
    </div>
  );
}

/** Beside the chart: each working order with a cancel button and a price field (Enter proposes it). */
export function WorkingOrdersList({ working, inst, propose }: { working: OrderDto[]; inst: InstrumentDto | undefined; propose: (p: Pending) => void }): ReactNode {
  const [draft, setDraft] = useState<Record<string, string>>({});
  if (working.length === 0) return null;
  const pd = inst?.priceDecimals;
  return (
    <ul className="chart-orders" aria-label="Working orders on the chart">
      {working.map((o) => {
        const lp = linePrice(o);
        if (!lp) return null;
        const label = `${o.side === 'buy' ? 'BUY' : 'SELL'} ${fmtQty(o.qty - o.filledQty, inst)}`;
        const value = draft[o.id] ?? fmtNum(lp.price, pd).replace(/,/g, '');
        return (
          <li key={o.id} className={`co-${o.side}`}>
            <span className="co-label">
              {label}
              {lp.field === 'stopPrice' ? ' STP' : ''}
            </span>
            <input
              className="co-price mono"
              aria-label={`New ${lp.field === 'price' ? 'price' : 'stop price'} for order ${o.id}`}
              value={value}
              inputMode="decimal"
              onChange={(e) => setDraft((d) => ({ ...d, [o.id]: e.target.value }))}
              onKeyDown={(e) => {
                if (e.key !== 'Enter') return;
                e.preventDefault();
                const to = Number(value.replace(/,/g, ''));
                if (isNum(to) && to > 0 && to !== lp.price) propose({ order: o, field: lp.field, from: lp.price, to });
              }}
            />
            <button type="button" className="icon-btn cancel-btn" aria-label={`Cancel order ${o.id} from the chart`} title={`Cancel ${o.id}`} disabled={o.cancelRequested} onClick={() => void cancelOrder(o.id)}>
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
