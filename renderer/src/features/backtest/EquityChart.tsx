import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { AreaSeries, ColorType, LineSeries, createChart } from 'lightweight-charts';
import type { UTCTimestamp } from 'lightweight-charts';
import type { BacktestRunDto } from '../../../../src/contract/index.ts';
import { PERCENT_FORMAT } from './return-lines.ts';

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
      rightPriceScale: { scaleMargins: { top: 0.05, bottom: 0.35 } },
      // The whole history stays in view when the window resizes (the default keeps bar spacing and cuts the left off).
      timeScale: { timeVisible: intradayRun(run), lockVisibleTimeRangeOnResize: true },
    });
    const equity = chart.addSeries(LineSeries, { color: '#4ea1ff', lineWidth: 2, priceLineVisible: false });
    const dd = chart.addSeries(AreaSeries, { priceScaleId: 'dd', lineColor: '#e5534b', topColor: 'rgba(229,83,75,0.05)', bottomColor: 'rgba(229,83,75,0.4)', lineWidth: 1, priceLineVisible: false, priceFormat: PERCENT_FORMAT });
    chart.priceScale('dd').applyOptions({ scaleMargins: { top: 0.7, bottom: 0 } });
    // One point per second at most: daily bars never collide; intraday ones keep their last value.
    const seen = new Map<number, { v: number; d: number }>();
    for (const p of run.equity) seen.set(Math.floor(p.time / 1000), { v: p.value, d: p.drawdown * 100 });
    const pts = [...seen.entries()].sort((a, b) => a[0] - b[0]);
    equity.setData(pts.map(([t, x]) => ({ time: t as UTCTimestamp, value: x.v })));
    dd.setData(pts.map(([t, x]) => ({ time: t as UTCTimestamp, value: x.d })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [run]);
  return <div className="bt-chart" ref={el} role="img" aria-label={`Equity curve and drawdown of run ${run.summary.id}`} />;
}
