import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { ColorType, LineSeries, createChart } from 'lightweight-charts';
import type { UTCTimestamp } from 'lightweight-charts';
import { LINE_COLOURS } from './bt-format.ts';

export interface Line {
  label: string;
  points: { time: number; value: number }[];
}

/**
 * Several equity curves on one time axis, as % return from their own start so runs with different
 * cash compare; a legend names each colour.
 */
export function LinesChart({ lines, label }: { lines: Line[]; label: string }): ReactNode {
  const el = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = createChart(node, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa4b2', attributionLogo: false },
      grid: { vertLines: { color: '#1f2530' }, horzLines: { color: '#1f2530' } },
      timeScale: { timeVisible: false },
    });
    lines.forEach((l, i) => {
      const s = chart.addSeries(LineSeries, { color: LINE_COLOURS[i % LINE_COLOURS.length]!, lineWidth: 2, priceLineVisible: false, priceFormat: { type: 'percent' }, title: l.label });
      const start = l.points[0]?.value ?? 0;
      // One point per second at most: the library refuses duplicate times.
      const seen = new Map<number, number>();
      for (const p of l.points) seen.set(Math.floor(p.time / 1000), start > 0 ? (p.value / start - 1) * 100 : 0);
      s.setData([...seen.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v })));
    });
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [lines]);
  return (
    <figure className="bt-lines">
      <div className="bt-chart bt-chart-short" ref={el} role="img" aria-label={label} />
      <figcaption className="bt-legend">
        {lines.map((l, i) => (
          <span key={l.label}>
            <i style={{ background: LINE_COLOURS[i % LINE_COLOURS.length] }} />
            {l.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
