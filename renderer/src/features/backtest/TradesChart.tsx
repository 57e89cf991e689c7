import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { CandlestickSeries, ColorType, CrosshairMode, createChart, createSeriesMarkers } from 'lightweight-charts';
import { fitWhenSized } from './chart-fit.ts';
import type { IChartApi, SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import type { BacktestRunDto, BacktestTradeDto } from '../../../../src/contract/index.ts';
import { money, price } from './bt-format.ts';
import { priceFormatFor } from './return-lines.ts';

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/** What happened at one bar: the trades that entered or exited on it. */
interface BarEvents {
  entries: BacktestTradeDto[];
  exits: BacktestTradeDto[];
}

/**
 * The run's prices with its trades marked: an up arrow under the bar where a long entered, a down
 * arrow over the bar where it exited (green for a winning trade, red for a losing one). Hovering a
 * marked bar shows each trade's size, prices and P&L; `focus` (a trade picked in the Trades table)
 * scrolls the chart to that trade.
 */
export function TradesChart({ run, focus }: { run: BacktestRunDto; focus: BacktestTradeDto | null }): ReactNode {
  const el = useRef<HTMLDivElement | null>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const [hover, setHover] = useState<{ time: number; ev: BarEvents } | null>(null);
  const byBar = useMemo(() => {
    const m = new Map<number, BarEvents>();
    const at = (t: number) => {
      let e = m.get(sec(t));
      if (!e) m.set(sec(t), (e = { entries: [], exits: [] }));
      return e;
    };
    for (const t of run.trades) {
      at(t.entryTime).entries.push(t);
      if (t.exitTime !== null) at(t.exitTime).exits.push(t);
    }
    return m;
  }, [run]);

  useEffect(() => {
    const node = el.current;
    if (!node || !run.prices) return;
    const chart = createChart(node, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa4b2', attributionLogo: false },
      grid: { vertLines: { color: '#1f2530' }, horzLines: { color: '#1f2530' } },
      crosshair: { mode: CrosshairMode.Normal },
      // The whole history stays in view when the window resizes (the default keeps bar spacing and cuts the left off).
      // A small minimum bar spacing (chart-fit.ts): at the default 0.5 px this 450 px chart held
      // ~900 bars and a 20-year run opened on its last 3.5 years.
      timeScale: { timeVisible: run.prices.length > 1 && run.prices.at(-1)!.time - run.prices[0]!.time < 7 * 86_400_000, lockVisibleTimeRangeOnResize: true, minBarSpacing: 0.01 },
    });
    const candles = chart.addSeries(CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350', priceFormat: priceFormatFor(run.prices) });
    const seen = new Map<number, { open: number; high: number; low: number; close: number }>();
    for (const p of run.prices) seen.set(sec(p.time), p);
    candles.setData([...seen.entries()].sort((a, b) => a[0] - b[0]).map(([t, p]) => ({ time: t as UTCTimestamp, open: p.open, high: p.high, low: p.low, close: p.close })));
    const markers: SeriesMarker<Time>[] = [];
    for (const t of run.trades) {
      const colour = t.pnl >= 0 ? '#2ebd85' : '#f6465d';
      markers.push({ time: sec(t.entryTime), position: 'belowBar', shape: 'arrowUp', color: '#4ea1ff', size: 1 });
      if (t.exitTime !== null) markers.push({ time: sec(t.exitTime), position: 'aboveBar', shape: 'arrowDown', color: colour, size: 1 });
    }
    markers.sort((a, b) => (a.time as number) - (b.time as number));
    createSeriesMarkers(candles, markers);
    chart.subscribeCrosshairMove((p) => {
      const ev = typeof p.time === 'number' ? byBar.get(p.time) : undefined;
      setHover(ev && typeof p.time === 'number' ? { time: p.time * 1000, ev } : null);
    });
    // The time range in view, for the operator's tools and the e2e (as the equity chart's).
    chart.timeScale().subscribeVisibleTimeRangeChange((r) => {
      if (!r) return;
      node.dataset.visibleFrom = String(Number(r.from) * 1000);
      node.dataset.visibleTo = String(Number(r.to) * 1000);
    });
    fitWhenSized(chart);
    chartRef.current = chart;
    return () => {
      chartRef.current = null;
      chart.remove();
    };
  }, [run, byBar]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !focus) return;
    // About a quarter-year of daily bars either side of the trade (or its entry alone when open).
    const from = focus.entryTime - 60 * 86_400_000;
    const to = (focus.exitTime ?? focus.entryTime) + 60 * 86_400_000;
    chart.timeScale().setVisibleRange({ from: sec(from), to: sec(to) });
    // The Trades table is below the chart: bring the chart into view where the trade is drawn.
    el.current?.scrollIntoView({ block: 'nearest' });
    setHover({ time: focus.entryTime, ev: { entries: [focus], exits: [] } });
  }, [focus]);

  if (!run.prices) return <p className="muted">The series of run {run.summary.id} is no longer stored: its trades are listed below.</p>;
  return (
    <div className="bt-trades-chart">
      <div className="bt-chart" ref={el} role="img" aria-label={`Prices of ${run.summary.dataName} with the ${run.trades.length} trades of run ${run.summary.id} marked`} />
      <div className="bt-tip" role="status" aria-live="polite" aria-label="Trade at cursor">
        {hover ? (
          <>
            <b>{new Date(hover.time).toISOString().slice(0, 10)}</b>
            {hover.ev.entries.map((t, i) => (
              <span key={`e${i}`}>
                ▲ entry {t.size} @ {price(t.entryPrice)}
              </span>
            ))}
            {hover.ev.exits.map((t, i) => (
              <span key={`x${i}`} className={t.pnl >= 0 ? 'pos' : 'neg'}>
                ▼ exit {t.size} @ {price(t.exitPrice)} · P&amp;L {money(t.pnl)}
              </span>
            ))}
          </>
        ) : (
          <span className="muted">▲ entry ▼ exit: hover a marker for size and price</span>
        )}
      </div>
    </div>
  );
}
