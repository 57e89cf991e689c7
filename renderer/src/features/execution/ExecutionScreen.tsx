import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ColorType, LineSeries, LineStyle, createChart } from 'lightweight-charts';
import type { UTCTimestamp } from 'lightweight-charts';
import type { ExecQualityDto, ExecQualityGroupDto, ExecQualityPointDto } from '../../../../src/contract/index.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { call, errorText, useStore } from '../../state/index.ts';
import './execution.css';

const COLOURS = ['#4ea1ff', '#f0b90b', '#2ebd85', '#c678dd', '#e06c75', '#56b6c2'];
const STATUS_TEXT: Record<ExecQualityGroupDto['status'], string> = { insufficient: 'too few', ok: 'inside', deteriorated: 'OUTSIDE' };

const bps = (x: number | null): string => (x === null ? '—' : x.toFixed(2));

/**
 * Shortfall per parent over time, one line per algorithm, and the pre-trade estimate of each as a
 * dashed second line. Times that repeat (parents ending in the same second) keep the last value:
 * the library refuses duplicate times.
 */
function QualityChart({ points }: { points: ExecQualityPointDto[] }): ReactNode {
  const el = useRef<HTMLDivElement | null>(null);
  const algos = useMemo(() => [...new Set(points.map((p) => p.algo))].sort(), [points]);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = createChart(node, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa4b2', attributionLogo: false },
      grid: { vertLines: { color: '#1f2530' }, horzLines: { color: '#1f2530' } },
      timeScale: { timeVisible: true, secondsVisible: true, lockVisibleTimeRangeOnResize: true },
    });
    const line = (label: string, colour: string, dashed: boolean, xs: { time: number; value: number }[]) => {
      const s = chart.addSeries(LineSeries, { color: colour, lineWidth: 2, lineStyle: dashed ? LineStyle.Dashed : LineStyle.Solid, priceLineVisible: false, title: label, pointMarkersVisible: true });
      const byTime = new Map<number, number>();
      for (const p of xs) byTime.set(Math.floor(p.time / 1000), p.value);
      s.setData([...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v })));
    };
    algos.forEach((a, i) => {
      const mine = points.filter((p) => p.algo === a);
      const colour = COLOURS[i % COLOURS.length]!;
      line(a, colour, false, mine.map((p) => ({ time: p.endTs, value: p.shortfallBps })));
      const est = mine.flatMap((p) => (p.estimatedBps === null ? [] : [{ time: p.endTs, value: p.estimatedBps }]));
      if (est.length > 0) line(`${a} est.`, colour, true, est);
    });
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [points, algos]);
  return (
    <figure className="xq-figure">
      <div className="xq-chart" ref={el} role="img" aria-label="Shortfall per parent over time (bps), solid: realised, dashed: pre-trade estimate" />
      <figcaption className="xq-legend">
        {algos.map((a, i) => (
          <span key={a}>
            <i style={{ background: COLOURS[i % COLOURS.length] }} />
            {a}
          </span>
        ))}
        <span className="muted">solid: realised · dashed: estimate</span>
      </figcaption>
    </figure>
  );
}

function GroupTable({ label, keyName, groups, window }: { label: string; keyName: string; groups: ExecQualityGroupDto[]; window: number }): ReactNode {
  return (
    <table className="xq-table" aria-label={label}>
      <thead>
        <tr>
          <th>{keyName}</th>
          <th className="num">Parents</th>
          <th className="num">Mean bps</th>
          <th className="num">Median bps</th>
          <th className="num">Mean est. bps</th>
          <th className="num">Last {window} mean</th>
          <th className="num">Baseline</th>
          <th>Band</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key} data-key={g.key} data-status={g.status} className={`xq-${g.status}`}>
            <td>{g.key}</td>
            <td className="num mono">{g.parents}</td>
            <td className="num mono">{bps(g.meanShortfallBps)}</td>
            <td className="num mono">{bps(g.medianShortfallBps)}</td>
            <td className="num mono">{bps(g.meanEstimatedBps)}</td>
            <td className="num mono">{bps(g.recentMeanBps)}</td>
            <td className="num mono">{bps(g.baselineMeanBps)}</td>
            <td>{STATUS_TEXT[g.status]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The Execution screen: implementation shortfall of finished algo parents per algorithm and per
 * instrument, against the pre-trade estimate, and whether the recent parents left the band.
 * Re-reads `exec.quality` when a parent's final TCA is pushed (the orders slice keeps them) and on
 * Refresh; it does not poll.
 */
export function ExecutionScreen(): ReactNode {
  const finals = useStore((s) => Object.keys(s.tca).length);
  const connected = useStore((s) => s.epoch);
  const [q, setQ] = useState<ExecQualityDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(() => {
    setBusy(true);
    call('exec.quality', { limit: 500 })
      .then((r) => {
        setQ(r);
        setError(null);
      })
      .catch((err: unknown) => {
        const e = errorText(err);
        setError(`${e.code}: ${e.message}`);
      })
      .finally(() => setBusy(false));
  }, []);
  useEffect(() => refresh(), [refresh, finals, connected]);
  return (
    <div className="xq scroll" role="region" aria-label="Execution quality">
      <PanelBoundary name="Execution quality">
        <header className="xq-head">
          <h2>Execution quality</h2>
          <span className="muted">
            {q ? `${q.points.length} finished parent(s) · band ${q.config.bandBps} bps over the baseline, last ${q.config.window}, from ${q.config.minCount} parents` : 'loading…'}
          </span>
          <button type="button" className="btn" aria-label="Refresh execution quality" disabled={busy} onClick={refresh}>
            Refresh
          </button>
        </header>
        {error ? (
          <p className="xq-error" role="alert">
            {error}
          </p>
        ) : null}
        {q && q.points.length === 0 ? <p className="muted">No finished algo parents yet: their shortfall appears here when they end.</p> : null}
        {q && q.points.length > 0 ? (
          <>
            <section aria-label="Shortfall by algorithm">
              <h3>Shortfall by algorithm</h3>
              <GroupTable label="Shortfall by algorithm" keyName="Algo" groups={q.byAlgo} window={q.config.window} />
            </section>
            <section aria-label="Shortfall by instrument">
              <h3>Shortfall by instrument</h3>
              <GroupTable label="Shortfall by instrument" keyName="Symbol" groups={q.bySymbol} window={q.config.window} />
            </section>
            <section aria-label="Shortfall over time">
              <h3>Shortfall per parent over time (bps, positive = cost)</h3>
              <QualityChart points={q.points} />
            </section>
          </>
        ) : null}
      </PanelBoundary>
    </div>
  );
}
