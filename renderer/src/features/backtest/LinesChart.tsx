import { useEffect, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import { ColorType, LineSeries, createChart } from 'lightweight-charts';
import type { Time, UTCTimestamp } from 'lightweight-charts';
import { LINE_COLOURS } from './bt-format.ts';
import { PERCENT_FORMAT, elapsedText, fromStart, intraday, lastReturnText, returnSeries } from './return-lines.ts';
import { fitWhenSized } from './chart-fit.ts';

export interface Line {
  label: string;
  points: { time: number; value: number }[];
}

/**
 * Several equity curves on one time axis, as % return from their own start so runs with different
 * cash compare. They share the right price scale, whose autoscale spans every curve in view. The
 * legend names each colour with its last return, so no curve loses its name wherever its line
 * ends (the chart's own last-value labels sit at the line's end, below the fold when the chart is,
 * and are stacked when ends are close). The price range the chart drew is written on the figure
 * (data-axis-min/max, %) for the e2e test.
 */
export function LinesChart({ lines, label, byElapsed = false }: { lines: Line[]; label: string; byElapsed?: boolean }): ReactNode {
  const el = useRef<HTMLDivElement | null>(null);
  const fig = useRef<HTMLElement | null>(null);
  // byElapsed: each curve on time from its own start (runs of different periods), the axis in +d / +y.
  const series = useMemo(() => lines.map((l) => (byElapsed ? fromStart(returnSeries(l.points)) : returnSeries(l.points))), [lines, byElapsed]);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = createChart(node, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa4b2', attributionLogo: false },
      grid: { vertLines: { color: '#1f2530' }, horzLines: { color: '#1f2530' } },
      rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.08 } },
      // The whole history stays in view when the window resizes (the default keeps bar spacing and cuts the left off).
      timeScale: { timeVisible: intraday(series), lockVisibleTimeRangeOnResize: true, minBarSpacing: 0.01, ...(byElapsed ? { tickMarkFormatter: (t: Time) => elapsedText(t as number) } : {}) },
      ...(byElapsed ? { localization: { timeFormatter: (t: Time) => elapsedText(t as number) } } : {}),
    });
    series.forEach((pts, i) => {
      const s = chart.addSeries(LineSeries, { color: LINE_COLOURS[i % LINE_COLOURS.length]!, lineWidth: 2, priceLineVisible: false, priceFormat: PERCENT_FORMAT });
      s.setData(pts.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    });
    fitWhenSized(chart);
    const note = () => {
      const r = chart.priceScale('right').getVisibleRange();
      if (!r || !fig.current) return;
      fig.current.dataset.axisMin = String(Math.min(r.from, r.to));
      fig.current.dataset.axisMax = String(Math.max(r.from, r.to));
    };
    // The scale exists once the chart has a size (autoSize measures it, then the chart paints on a frame).
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => (frame = requestAnimationFrame(note)));
    };
    later();
    chart.timeScale().subscribeSizeChange(later);
    return () => {
      cancelAnimationFrame(frame);
      chart.remove();
    };
  }, [series, byElapsed]);
  return (
    <figure className="bt-lines" ref={fig} data-axis={byElapsed ? 'elapsed' : 'time'}>
      <div className="bt-chart bt-chart-short" ref={el} role="img" aria-label={label} />
      <figcaption className="bt-legend">
        {lines.map((l, i) => (
          <span key={l.label}>
            <i style={{ background: LINE_COLOURS[i % LINE_COLOURS.length] }} />
            {l.label} <span className="mono">{lastReturnText(series[i] ?? [])}</span>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
