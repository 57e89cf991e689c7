import { useMemo } from 'react';
import type { ReactNode } from 'react';
import type { BacktestRunDto } from '../../../../src/contract/index.ts';
import { assumptionRows, fix, paramText, venueText } from './bt-format.ts';
import { LinesChart } from './LinesChart.tsx';
import { returnSeries, samePeriod } from './return-lines.ts';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A run's period: first to last equity point, UTC days. */
const span = (r: BacktestRunDto) => (r.equity.length > 0 ? `${day(r.equity[0]!.time)} – ${day(r.equity.at(-1)!.time)}` : 'no bars');

/**
 * Two kept runs side by side: their settings, every metric, and both equity curves on one axis, by
 * date when they share their period, else by time from each run's start (with a note saying so).
 */
export function CompareView({ a, b }: { a: BacktestRunDto; b: BacktestRunDto }): ReactNode {
  const lines = useMemo(
    () => [
      { label: `Run ${a.summary.id}`, points: a.equity },
      { label: `Run ${b.summary.id}`, points: b.equity },
    ],
    [a, b],
  );
  const same = useMemo(() => samePeriod(returnSeries(a.equity), returnSeries(b.equity)), [a, b]);
  const config = (r: BacktestRunDto) => `${r.summary.strategy} ${paramText(r.summary.params)} · ${r.summary.dataName}`;
  const valueOf = (r: BacktestRunDto, name: string) => r.metrics.find((m) => m.name === name)?.value ?? '–';
  const assumptions = useMemo(() => {
    const rb = new Map(assumptionRows(b));
    const ra = new Map(assumptionRows(a));
    const labels = [...new Set([...ra.keys(), ...rb.keys()])];
    return labels.map((n): [string, string, string] => [n, ra.get(n) ?? '–', rb.get(n) ?? '–']);
  }, [a, b]);
  const names = [...new Set([...a.metrics.map((m) => m.name), ...b.metrics.map((m) => m.name)])];
  return (
    <div className="bt-compare">
      <table className="bt-metrics bt-compare-table" aria-label="Run comparison">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Run {a.summary.id}</th>
            <th scope="col">Run {b.summary.id}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">config</th>
            <td>{config(a)}</td>
            <td>{config(b)}</td>
          </tr>
          {/* Each run's assumptions (fidelity, fills, costs, desk guards, cash, sizing, seed, build), a row each. */}
          {assumptions.map(([name, va, vb]) => (
            <tr key={`assume-${name}`} className={va !== vb ? 'bt-differs' : undefined}>
              <th scope="row">{name}</th>
              <td>{va}</td>
              <td>{vb}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">final value</th>
            <td>{fix(a.finalValue)}</td>
            <td>{fix(b.finalValue)}</td>
          </tr>
          <tr>
            <th scope="row">fills</th>
            <td>{a.fills}</td>
            <td>{b.fills}</td>
          </tr>
          {(a.l3 ?? b.l3) && (
            <tr>
              <th scope="row">venue fills (L3)</th>
              <td>{venueText(a.l3)}</td>
              <td>{venueText(b.l3)}</td>
            </tr>
          )}
          {names.map((n) => (
            <tr key={n}>
              <th scope="row">{n}</th>
              <td>{valueOf(a, n)}</td>
              <td>{valueOf(b, n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="bt-compare-chart">
        <h3>Equity (return %)</h3>
        <LinesChart lines={lines} byElapsed={!same} label={`Equity of runs ${a.summary.id} and ${b.summary.id} (return %${same ? '' : ', by time from each run’s start'})`} />
        {!same && (
          <p className="muted bt-assume" role="note">
            Runs {a.summary.id} and {b.summary.id} cover different periods ({span(a)} and {span(b)}): drawn by time from each run’s start.
          </p>
        )}
      </div>
    </div>
  );
}
