import { useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { BACKTEST_FIDELITIES } from '../../../../src/contract/index.ts';
import type { BacktestDataDto, BacktestRunDto, BacktestRunSummaryDto } from '../../../../src/contract/index.ts';
import { call, toast, useStore } from '../../state/index.ts';
import { EquityChart } from './EquityChart.tsx';
import { MonthlyHeatmap } from './MonthlyHeatmap.tsx';
import './backtest.css';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);
const fix = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));

/**
 * The Backtest screen: pick an imported series, a strategy and its parameters, the fidelity and
 * costs; run it (in the host's worker thread, progress pushed); then the equity curve and drawdown,
 * the metrics labelled with their fidelity, monthly returns, trades, and the kept runs to compare.
 */
export function BacktestScreen(): ReactNode {
  const epoch = useStore((s) => s.epoch);
  const jobs = useStore((s) => s.backtestJobs);
  const [data, setData] = useState<BacktestDataDto | null>(null);
  const [runs, setRuns] = useState<BacktestRunSummaryDto[]>([]);
  const [series, setSeries] = useState('');
  const [strategy, setStrategy] = useState('sma-cross');
  const [params, setParams] = useState<Record<string, string>>({});
  const [fidelity, setFidelity] = useState<(typeof BACKTEST_FIDELITIES)[number]>('bar');
  const [cash, setCash] = useState('100000');
  const [commission, setCommission] = useState('0.001');
  const [haircut, setHaircut] = useState('0');
  const [sizing, setSizing] = useState('all-in');
  const [jobId, setJobId] = useState<string | null>(null);
  const [run, setRun] = useState<BacktestRunDto | null>(null);
  const [compare, setCompare] = useState<BacktestRunDto | null>(null);

  const refreshRuns = useCallback(() => {
    call('backtest.list', { limit: 50 })
      .then(setRuns)
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    call('backtest.data', {})
      .then((d) => {
        setData(d);
        setSeries((cur) => cur || (d.series.find((x) => x.kind === 'bars')?.name ?? ''));
      })
      .catch((err: unknown) => toast('warn', `Backtest data unavailable: ${err instanceof Error ? err.message : String(err)}`));
    refreshRuns();
  }, [epoch, refreshRuns]);

  const def = data?.strategies.find((s) => s.name === strategy);
  const job = jobId ? jobs[jobId] : undefined;
  const running = job?.status === 'running';

  const show = useCallback(async (id: number, asCompare = false) => {
    try {
      const r = await call('backtest.show', { id });
      if (asCompare) setCompare(r);
      else setRun(r);
    } catch (err) {
      toast('error', `Cannot show run ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, []);

  // A finished job: show its run and refresh the list.
  useEffect(() => {
    if (!job) return;
    if (job.status === 'done' && job.runId !== null) {
      void show(job.runId);
      refreshRuns();
    } else if (job.status === 'failed') toast('error', `Backtest failed: ${job.error ?? 'unknown error'}`);
  }, [job, show, refreshRuns]);

  const submit = async () => {
    const p: Record<string, number> = {};
    for (const [k, v] of Object.entries(params)) if (v.trim() !== '') p[k] = Number(v);
    try {
      const started = await call('backtest.run', { data: series, strategy, params: p, fidelity, cash, commission: Number(commission), haircutBps: Number(haircut), sizing });
      setCompare(null);
      setJobId(started.jobId);
    } catch (err) {
      toast('error', `Backtest refused: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <section className="bt-screen panel" role="region" aria-label="Backtest">
      <form
        className="bt-form"
        aria-label="Backtest settings"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Data
          <select aria-label="Data" value={series} onChange={(e) => setSeries(e.target.value)}>
            {(data?.series ?? []).filter((x) => x.kind === 'bars').map((x) => (
              <option key={x.hash} value={x.name}>
                {x.name} ({x.rows} bars)
              </option>
            ))}
          </select>
        </label>
        <label>
          Strategy
          <select aria-label="Strategy" value={strategy} onChange={(e) => (setStrategy(e.target.value), setParams({}))}>
            {(data?.strategies ?? []).map((s) => (
              <option key={s.name} value={s.name} title={s.description}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {Object.entries(def?.defaults ?? {}).map(([k, v]) => (
          <label key={k}>
            {k}
            <input aria-label={`Parameter ${k}`} inputMode="decimal" placeholder={String(v)} value={params[k] ?? ''} onChange={(e) => setParams({ ...params, [k]: e.target.value })} />
          </label>
        ))}
        <label>
          Fidelity
          <select aria-label="Fidelity" value={fidelity} onChange={(e) => setFidelity(e.target.value as typeof fidelity)}>
            {BACKTEST_FIDELITIES.map((f) => (
              <option key={f} value={f}>
                {f === 'bar' ? 'bar (next open, textbook)' : f === 'l1' ? 'L1 signal + haircut' : 'L2 execution-aware'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Cash
          <input aria-label="Cash" value={cash} onChange={(e) => setCash(e.target.value)} />
        </label>
        <label>
          Commission
          <input aria-label="Commission" value={commission} onChange={(e) => setCommission(e.target.value)} />
        </label>
        <label>
          Haircut bps
          <input aria-label="Haircut bps" value={haircut} onChange={(e) => setHaircut(e.target.value)} />
        </label>
        <label>
          Sizing
          <input aria-label="Sizing" value={sizing} onChange={(e) => setSizing(e.target.value)} title="all-in or fixed:N" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={running || !series}>
          Run backtest
        </button>
        {running && (
          <button type="button" className="btn" onClick={() => jobId && void call('backtest.cancel', { jobId }).catch(() => undefined)}>
            Cancel
          </button>
        )}
        <div className="bt-progress" role="progressbar" aria-label="Backtest progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((job?.progress ?? 0) * 100)} aria-valuetext={job ? job.status : 'idle'}>
          <div className="bt-progress-fill" style={{ width: `${(job?.progress ?? 0) * 100}%` }} />
          <span className="bt-progress-text">{job ? (job.status === 'running' ? 'running…' : job.status) : ''}</span>
        </div>
      </form>
      <div className="bt-body">
        <div className="bt-results">
          {run ? (
            <>
              <h2>
                Run {run.summary.id}: {run.summary.strategy} {Object.entries(run.summary.params).map(([k, v]) => `${k}=${v}`).join(' ')} · {run.summary.fidelity} · {run.summary.dataName}
              </h2>
              <EquityChart run={run} />
              <table className="bt-metrics" aria-label="Metrics">
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Run {run.summary.id}</th>
                    {compare && <th scope="col">Run {compare.summary.id}</th>}
                    <th scope="col">Fidelity</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">final value</th>
                    <td>{fix(run.finalValue)}</td>
                    {compare && <td>{fix(compare.finalValue)}</td>}
                    <td>{run.summary.fidelity}</td>
                  </tr>
                  {run.metrics.map((m, i) => (
                    <tr key={m.name}>
                      <th scope="row">{m.name}</th>
                      <td>{m.value ?? '–'}</td>
                      {compare && <td>{compare.metrics[i]?.value ?? '–'}</td>}
                      <td title={m.fills}>{m.fidelity}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted bt-assume">Costs: {run.costs}</p>
              <MonthlyHeatmap monthly={run.monthly} />
            </>
          ) : (
            <p className="muted">Pick data and a strategy, then Run backtest. Import data with <code>strata data import FILE</code>.</p>
          )}
        </div>
        <aside className="bt-runs">
          <h2>Runs</h2>
          <table aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Strategy</th>
                <th scope="col">Fid.</th>
                <th scope="col">Return</th>
                <th scope="col">Sharpe</th>
                <th scope="col">Max DD</th>
                <th scope="col">Compare</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className={run?.summary.id === r.id ? 'active' : ''} onClick={() => void show(r.id)}>
                  <td>{r.id}</td>
                  <td title={`${r.dataName} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`}>{r.strategy}</td>
                  <td>{r.fidelity}</td>
                  <td>{pct(r.totalReturn)}</td>
                  <td>{fix(r.sharpe, 3)}</td>
                  <td>{pct(r.maxDrawdown)}</td>
                  <td>
                    <button
                      type="button"
                      className="link-btn"
                      aria-label={`Compare run ${r.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void show(r.id, true);
                      }}
                    >
                      ⇄
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </aside>
      </div>
    </section>
  );
}
