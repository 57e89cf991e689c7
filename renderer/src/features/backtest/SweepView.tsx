import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { BACKTEST_FIDELITIES, BacktestSweepDto, BacktestSweepRowDto } from '../../../../src/contract/index.ts';
import { call, errorText, useStore } from '../../state/index.ts';
import { etaText, fix, money, paramText, parseAxis, pct, sweepResultText } from './bt-format.ts';
import type { RunSettings } from './bt-format.ts';

type MetricKey = 'sharpe' | 'totalReturn' | 'maxDrawdown' | 'finalValue';
const METRICS: { key: MetricKey; label: string; show: (x: number | null) => string; higherIsBetter: boolean }[] = [
  { key: 'sharpe', label: 'Sharpe', show: (x) => fix(x, 3), higherIsBetter: true },
  { key: 'totalReturn', label: 'Return', show: (x) => pct(x), higherIsBetter: true },
  { key: 'maxDrawdown', label: 'Max DD', show: (x) => pct(x), higherIsBetter: false },
  { key: 'finalValue', label: 'Final value', show: (x) => money(x), higherIsBetter: true },
];
type SortKey = MetricKey | 'trades' | 'index' | `p:${string}`;
/** Rows the results table lists at most (sorted first, so the best are always there). */
const TABLE_ROWS = 500;

const rowValue = (r: BacktestSweepRowDto, k: SortKey): number | null => (k.startsWith('p:') ? (r.params[k.slice(2)] ?? null) : k === 'index' ? r.index : k === 'trades' ? r.trades : r[k as MetricKey]);

function cellColour(v: number | null, min: number, max: number, higherIsBetter: boolean): string | undefined {
  if (v === null || !(max > min)) return undefined;
  let t = (v - min) / (max - min);
  if (!higherIsBetter) t = 1 - t;
  // Red (worst) through grey to green (best).
  return t >= 0.5 ? `rgba(46,189,133,${0.12 + 0.7 * (t - 0.5) * 2})` : `rgba(246,70,93,${0.12 + 0.7 * (0.5 - t) * 2})`;
}

/**
 * Parameter sweeps: one or two parameters over a list or a range, on the host's worker pool, with a
 * progress bar (ETA) and cancel; then a heatmap of the chosen metric over the two parameters (a
 * cell picks that point into the form) and a sortable results table with the deflated Sharpe.
 * `refused`: why the host would refuse a sweep of the picked strategy (a target strategy), shown
 * beside the disabled button and read as its description; null when it runs.
 */
export function SweepView({ settings, refused, fidelity, paramNames, onPick }: { settings: RunSettings | null; refused: string | null; fidelity: (typeof BACKTEST_FIDELITIES)[number]; paramNames: string[]; onPick: (p: Record<string, number>) => void }): ReactNode {
  const [xKey, setXKey] = useState(paramNames[0] ?? '');
  const [yKey, setYKey] = useState(paramNames[1] ?? '');
  const [xText, setXText] = useState('5:20:5');
  const [yText, setYText] = useState('20:50:10');
  const [metric, setMetric] = useState<MetricKey>('sharpe');
  const [jobId, setJobId] = useState<string | null>(null);
  const [result, setResult] = useState<BacktestSweepDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'sharpe', desc: true });
  const job = useStore((s) => (jobId ? s.backtestJobs[jobId] : undefined));
  const running = job?.status === 'running';

  // The operator picked "(none)" for Y: a one-parameter sweep stays so until a strategy change.
  const yNone = useRef(false);
  // A strategy with other parameters (or the first one, once the host's list arrives: at mount there
  // is none): the axes follow. Y defaults to the second parameter, as its values are prefilled; it
  // stayed "(none)", so the default sweep was one-dimensional.
  useEffect(() => {
    setXKey((k) => (paramNames.includes(k) ? k : (paramNames[0] ?? '')));
    setYKey((k) => (paramNames.includes(k) || (k === '' && yNone.current) ? k : (paramNames[1] ?? '')));
  }, [paramNames]);

  // The job ended (done, cancelled with the rows finished, or failed): read its table once.
  useEffect(() => {
    if (!jobId || !job || job.status === 'running' || result?.jobId === jobId) return;
    call('backtest.sweepResult', { jobId })
      .then(setResult)
      .catch((err: unknown) => setError(`${errorText(err).code}: ${errorText(err).message}`));
  }, [jobId, job, result]);

  const xs = parseAxis(xText);
  const ys = yKey ? parseAxis(yText) : [];
  const axisError = typeof xs === 'string' ? `${xKey}: ${xs}` : typeof ys === 'string' ? `${yKey}: ${ys}` : yKey && yKey === xKey ? 'pick two different parameters' : null;

  const start = async () => {
    if (!settings || refused || typeof xs === 'string' || typeof ys === 'string' || axisError) return;
    setError(null);
    setJobId(null);
    // The last sweep's table stays (marked previous) until the new one's can be read.
    try {
      const grid: Record<string, number[]> = { [xKey]: xs };
      if (yKey) grid[yKey] = ys;
      const started = await call('backtest.sweep', { ...settings, fidelity, grid });
      setJobId(started.jobId);
    } catch (err) {
      setError(`${errorText(err).code}: ${errorText(err).message}`);
    }
  };

  const m = METRICS.find((x) => x.key === metric)!;
  const heat = useMemo(() => {
    if (!result) return null;
    const [kx, ky] = result.keys;
    const xv = [...new Set(result.rows.map((r) => r.params[kx!]!))].sort((a, b) => a - b);
    const yv = ky ? [...new Set(result.rows.map((r) => r.params[ky]!))].sort((a, b) => b - a) : [NaN];
    const at = new Map(result.rows.map((r) => [`${r.params[kx!]}|${ky ? r.params[ky] : NaN}`, r]));
    const vals = result.rows.map((r) => r[metric]).filter((v): v is number => v !== null);
    return { kx: kx!, ky, xv, yv, at, min: Math.min(...vals), max: Math.max(...vals) };
  }, [result, metric]);

  const sorted = useMemo(() => {
    if (!result) return [];
    const dir = sort.desc ? -1 : 1;
    return [...result.rows].sort((a, b) => {
      const va = rowValue(a, sort.key);
      const vb = rowValue(b, sort.key);
      // Points that could not run sort last either way.
      if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
      return (va - vb) * dir || a.index - b.index;
    });
  }, [result, sort]);

  const pct0 = Math.round((job?.progress ?? 0) * 100);
  const sortHeader = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link-btn" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'maxDrawdown' && !key.startsWith('p:') && key !== 'index' }))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <div className="bt-sweep">
      <form
        className="bt-toolbar"
        aria-label="Sweep settings"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          X parameter
          <select aria-label="Sweep X parameter" value={xKey} onChange={(e) => setXKey(e.target.value)}>
            {paramNames.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          X values
          <input aria-label="Sweep X values" value={xText} onChange={(e) => setXText(e.target.value)} title="a,b,c or from:to:step" />
        </label>
        <label>
          Y parameter
          <select
            aria-label="Sweep Y parameter"
            value={yKey}
            onChange={(e) => {
              yNone.current = e.target.value === '';
              setYKey(e.target.value);
            }}
          >
            <option value="">(none)</option>
            {paramNames.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Y values
          <input aria-label="Sweep Y values" value={yText} disabled={!yKey} onChange={(e) => setYText(e.target.value)} title="a,b,c or from:to:step" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!settings || running || !!axisError || refused !== null} aria-describedby={refused ? 'bt-sweep-refused' : undefined}>
          Run sweep
        </button>
        {refused && (
          <span className="muted" id="bt-sweep-refused">
            {refused}
          </span>
        )}
        {running && (
          <button type="button" className="btn" onClick={() => jobId && void call('backtest.cancel', { jobId }).catch(() => undefined)}>
            Cancel sweep
          </button>
        )}
        {/* As the run's: a bar only while the sweep goes; once it ends, one line says how it ended. */}
        {running && job && (
          <div className="bt-progress" role="progressbar" aria-label="Sweep progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct0} aria-valuetext={`running: ${job.done}/${job.total}`}>
            <div className="bt-progress-fill" style={{ width: `${pct0}%` }} />
            <span className="bt-progress-text">{`${job.done}/${job.total}${job.etaMs !== null ? ` · ETA ${etaText(job.etaMs)}` : ''}`}</span>
          </div>
        )}
        {job && !running && (
          <span role="status" aria-label="Sweep result" className={`bt-job-result ${job.status === 'failed' ? 'neg' : 'muted'}`}>
            {sweepResultText(job, result?.jobId === jobId ? result : null)}
          </span>
        )}
        {/* A refused strategy's axes are not the point: its hint says why nothing runs. */}
        {!refused && (axisError ?? error) && (
          <span role="alert" className="neg">
            {axisError ?? error}
          </span>
        )}
      </form>
      {result && heat && running && (
        <p className="bt-previous-note" role="note">
          Showing the previous sweep ({result.jobId}) until the new one finishes.
        </p>
      )}
      {result && heat && (
        <div className={running ? 'bt-sweep-body bt-previous' : 'bt-sweep-body'}>
          <div className="bt-sweep-heatbox">
            <div className="bt-toolbar">
              <label>
                Heatmap metric
                <select aria-label="Heatmap metric" value={metric} onChange={(e) => setMetric(e.target.value as MetricKey)}>
                  {METRICS.map((x) => (
                    <option key={x.key} value={x.key}>
                      {x.label}
                    </option>
                  ))}
                </select>
              </label>
              <span className="muted">
                {result.status === 'cancelled' ? `cancelled: ${result.rows.length} of ${result.points} points` : `${result.points} points`} · {result.workers} worker(s) · {result.seconds.toFixed(2)} s · {result.fidelity}
              </span>
            </div>
            <table className="bt-heatmap bt-sweep-heat" aria-label="Sweep heatmap">
              <thead>
                <tr>
                  <th scope="col">{heat.ky ? `${heat.ky} \\ ${heat.kx}` : heat.kx}</th>
                  {heat.xv.map((x) => (
                    <th key={x} scope="col">
                      {x}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {heat.yv.map((y) => (
                  <tr key={y}>
                    <th scope="row">{heat.ky ? y : m.label}</th>
                    {heat.xv.map((x) => {
                      const r = heat.at.get(`${x}|${y}`);
                      const v = r ? r[metric] : null;
                      const name = `${heat.kx}=${x}${heat.ky ? ` ${heat.ky}=${y}` : ''}`;
                      return (
                        <td key={x} style={{ background: cellColour(v, heat.min, heat.max, m.higherIsBetter) }} title={r?.error ?? `${name}: ${m.label} ${m.show(v)}`}>
                          {r && (
                            <button type="button" aria-label={`${name}: ${m.label} ${r.error ? 'not run' : m.show(v)}`} onClick={() => onPick(r.params)}>
                              {r.error ? '×' : m.show(v)}
                            </button>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted bt-assume">
              {result.best ? `Best by Sharpe: ${paramText(result.best.params)} (Sharpe ${fix(result.best.sharpe, 3)}); probabilistic Sharpe ${fix(result.probabilisticSharpe, 4)}, deflated over ${result.rows.filter((r) => !r.error).length} trials ${fix(result.deflatedSharpe, 4)}.` : 'No point ran.'} A cell puts its parameters into the form.
            </p>
          </div>
          <div className="bt-scroll">
            <table className="bt-metrics bt-sweep-table" aria-label="Sweep results">
              <thead>
                <tr>
                  {result.keys.map((k) => sortHeader(`p:${k}`, k))}
                  {sortHeader('sharpe', 'Sharpe')}
                  {sortHeader('totalReturn', 'Return')}
                  {sortHeader('maxDrawdown', 'Max DD')}
                  {sortHeader('finalValue', 'Final value')}
                  {sortHeader('trades', 'Trades')}
                </tr>
              </thead>
              <tbody>
                {sorted.slice(0, TABLE_ROWS).map((r) => (
                  <tr key={r.index} title={r.error ?? undefined}>
                    {result.keys.map((k) => (
                      <td key={k}>{r.params[k]}</td>
                    ))}
                    <td>{fix(r.sharpe, 3)}</td>
                    <td>{pct(r.totalReturn)}</td>
                    <td>{pct(r.maxDrawdown)}</td>
                    <td>{money(r.finalValue)}</td>
                    <td>{r.error ? 'not run' : r.trades}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
