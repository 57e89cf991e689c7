import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { AreaSeries, ColorType, LineSeries, createChart } from 'lightweight-charts';
import type { UTCTimestamp } from 'lightweight-charts';
import type { BacktestRunDto } from '../../../../src/contract/index.ts';
import { PERCENT_FORMAT } from './return-lines.ts';
import { fitWhenSized } from './chart-fit.ts';

/** Times on the axis for a run shorter than a week (a tape's minute bars would all read the same day). */
const intradayRun = (run: BacktestRunDto): boolean => run.equity.length > 1 && run.equity.at(-1)!.time - run.equity[0]!.time < 7 * 86_400_000;

/** Equity (top) and drawdown from the running peak (bottom, %) of one run, on one time axis. */
export function EquityChart({ run }: { run: BacktestRunDto }): ReactNode {
  const el = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = createChart(node, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa4b2', attributionLogo: false },
      grid: { vertLines: { color: '#1f2530' }, horzLines: { color: '#1f2530' } },
      rightPriceScale: { scaleMargins: { top: 0.05, bottom: 0.05 } },
      // The whole history stays in view when the window resizes (the default keeps bar spacing and cuts the left off).
      timeScale: { timeVisible: intradayRun(run), lockVisibleTimeRangeOnResize: true, minBarSpacing: 0.01 },
    });
    const equity = chart.addSeries(LineSeries, { color: '#4ea1ff', lineWidth: 2, priceLineVisible: false });
    // Drawdown in a pane of its own under the equity: sharing one pane, the equity's axis ran on
    // through the drawdown's band with labels below zero (−200000.00) where no equity ever was.
    const dd = chart.addSeries(AreaSeries, { lineColor: '#e5534b', topColor: 'rgba(229,83,75,0.05)', bottomColor: 'rgba(229,83,75,0.4)', lineWidth: 1, priceLineVisible: false, priceFormat: PERCENT_FORMAT }, 1);
    chart.panes()[1]?.setStretchFactor(0.45);
    // One point per second at most: daily bars never collide; intraday ones keep their last value.
    const seen = new Map<number, { v: number; d: number }>();
    for (const p of run.equity) seen.set(Math.floor(p.time / 1000), { v: p.value, d: p.drawdown * 100 });
    const pts = [...seen.entries()].sort((a, b) => a[0] - b[0]);
    equity.setData(pts.map(([t, x]) => ({ time: t as UTCTimestamp, value: x.v })));
    dd.setData(pts.map(([t, x]) => ({ time: t as UTCTimestamp, value: x.d })));
    // The time range in view, for the operator's tools and the e2e ("does the chart show the whole run?").
    chart.timeScale().subscribeVisibleTimeRangeChange((r) => {
      if (!r) return;
      node.dataset.visibleFrom = String(Number(r.from) * 1000);
      node.dataset.visibleTo = String(Number(r.to) * 1000);
    });
    fitWhenSized(chart);
    return () => chart.remove();
  }, [run]);
  return <div className="bt-chart" ref={el} role="img" aria-label={`Equity curve and drawdown of run ${run.summary.id}`} />;
}
