import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { BACKTEST_RUN_FIDELITIES, URGENCIES, quoteOf, symbolFromFileName } from '../../../../src/contract/index.ts';
import type { BacktestDataDto, BacktestRunDto, BacktestRunSummaryDto } from '../../../../src/contract/index.ts';
import { call, toast, useStore } from '../../state/index.ts';
import { Tabs } from '../../shared/Tabs.tsx';
import { BAR_CASH, FIDELITY_LABELS, TAPE_BARS, engineLabel, fidelityUnavailable, fix, jobResultText, paramText, parseWhen, pct, progressText, requestSizing, seriesLabel, seriesOptions, shortBuild, tapeCash, targetForm } from './bt-format.ts';
import type { RunFidelity, RunSettings } from './bt-format.ts';
import { CompareView } from './CompareView.tsx';
import { FidelityView } from './FidelityView.tsx';
import { RunView } from './RunView.tsx';
import { SweepView } from './SweepView.tsx';
import './backtest.css';

type View = 'run' | 'fidelities' | 'sweep' | 'compare';

const DESK_GUARDS_TITLE =
  "L3: the desk's own guards as live money has them: the PMS escalating a daily loss to REDUCING and the circuit breakers. Off (default): only the run's own limits, as at the bar levels, so the levels compare like for like.";
const VIEWS: { id: View; label: string }[] = [
  { id: 'run', label: 'Run' },
  { id: 'fidelities', label: 'Fidelities' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'compare', label: 'Compare' },
];

/**
 * The Backtest screen: pick an imported series, a strategy and its parameters, the fidelity and
 * costs; run it (in the host's worker thread, progress pushed) and see the run (equity, drawdown,
 * trades on the price chart, metrics labelled with their fidelity, monthly returns); compare the
 * same settings across fidelity levels; sweep parameters (heatmap, sortable table); and pick two
 * kept runs to compare side by side.
 */
export function BacktestScreen(): ReactNode {
  const epoch = useStore((s) => s.epoch);
  // Asked before the first connection opens, backtest.data fails with "not connected" and the
  // screen toasted an error while the status line said Connected a moment later: wait for it.
  const open = useStore((s) => s.conn.phase === 'open');
  const jobs = useStore((s) => s.backtestJobs);
  const [data, setData] = useState<BacktestDataDto | null>(null);
  const [runs, setRuns] = useState<BacktestRunSummaryDto[]>([]);
  const [series, setSeries] = useState('');
  const [strategy, setStrategy] = useState('sma-cross');
  const [params, setParams] = useState<Record<string, string>>({});
  const [fidelity, setFidelity] = useState<RunFidelity>('bar');
  // A trade tape's settings: the bar length its bars are built at, L2/L3 urgency, the venue's latency.
  const [barMs, setBarMs] = useState(60_000);
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>('immediate');
  const [latency, setLatency] = useState('4');
  // L3: the desk's own guards (PMS escalation, breakers), off as at the bar levels; kept in the run's spec.
  const [deskGuards, setDeskGuards] = useState(false);
  // Null until typed: the default follows the data (a tape's quote currency and its flow; tapeCash).
  const [typedCash, setCash] = useState<string | null>(null);
  const [commission, setCommission] = useState('0.001');
  const [haircut, setHaircut] = useState('0');
  const [spread, setSpread] = useState('');
  const [impact, setImpact] = useState('');
  const [sizing, setSizing] = useState('all-in');
  // The window, typed in UTC (empty: all of the data).
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const fromMs = parseWhen(from);
  const toMs = parseWhen(to);
  const [jobId, setJobId] = useState<string | null>(null);
  const [run, setRun] = useState<BacktestRunDto | null>(null);
  const [view, setView] = useState<View>('run');
  const [picked, setPicked] = useState<number[]>([]);
  const [pair, setPair] = useState<[BacktestRunDto, BacktestRunDto] | null>(null);

  const refreshRuns = useCallback(() => {
    call('backtest.list', { limit: 50 })
      .then(setRuns)
      .catch(() => undefined);
  }, []);

  const loadData = useCallback(async (pick?: string) => {
    try {
      const d = await call('backtest.data', {});
      setData(d);
      setSeries((cur) => pick ?? (cur || (d.series.find((x) => x.kind === 'bars')?.name ?? d.series[0]?.name ?? '')));
    } catch (err) {
      toast('warn', `Backtest data unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, []);

  useEffect(() => {
    if (!open) return;
    void loadData();
    refreshRuns();
  }, [epoch, open, loadData, refreshRuns]);

  // The host's demo trade tape, offered for import until it is in the list.
  const demoName = data?.demoTape?.split(/[\\/]/).pop();
  const demoImported = demoName !== undefined && (data?.series ?? []).some((x) => x.name === demoName);
  const [importing, setImporting] = useState(false);
  const importDemo = async () => {
    if (!data?.demoTape) return;
    setImporting(true);
    try {
      const r = await call('backtest.import', { path: data.demoTape });
      await loadData(r.series.name);
      toast('info', `Imported ${r.series.name}: ${r.series.rows} recorded trades`);
    } catch (err) {
      toast('error', `Import failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setImporting(false);
    }
  };

  const def = data?.strategies.find((s) => s.name === strategy);
  // A target strategy: sized by the live rebalancer, no fidelity comparison or sweep from the screen.
  const target = useMemo(() => targetForm(def), [def]);
  const pickedSeries = data?.series.find((x) => x.name === series);
  const isTape = pickedSeries?.kind === 'trades';
  const l3Reason = fidelityUnavailable('l3', pickedSeries?.kind);
  // A tape's cash is in its quote currency (XRP/ETH: ETH), read from its name as the host reads it.
  const tapeQuote = isTape ? quoteOf(symbolFromFileName(series) ?? '') : undefined;
  const cash = typedCash ?? (isTape ? tapeCash(tapeQuote) : BAR_CASH);
  // L3 picked, then a bar series: back to the textbook level rather than a run the host refuses.
  useEffect(() => {
    if (fidelity === 'l3' && !isTape) setFidelity('bar');
  }, [fidelity, isTape]);
  const paramNames = useMemo(() => Object.keys(def?.defaults ?? {}), [def]);
  const job = jobId ? jobs[jobId] : undefined;
  const running = job?.status === 'running';

  const show = useCallback(async (id: number) => {
    try {
      setRun(await call('backtest.show', { id }));
      setView('run');
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

  /** The form as the contract takes it (a run adds its fidelity, a sweep its grid). */
  const settings = useMemo((): RunSettings | null => {
    // A bound the form cannot read runs nothing rather than all of the data.
    if (!series || fromMs === null || toMs === null) return null;
    const p: Record<string, number> = {};
    for (const [k, v] of Object.entries(params)) if (v.trim() !== '') p[k] = Number(v);
    return {
      data: series,
      strategy,
      params: p,
      cash,
      commission: Number(commission),
      haircutBps: Number(haircut),
      ...requestSizing(target, sizing),
      ...(spread.trim() !== '' ? { spreadBps: Number(spread) } : {}),
      ...(impact.trim() !== '' ? { impactK: Number(impact) } : {}),
      ...(isTape ? { barMs, urgency, ...(latency.trim() !== '' ? { latencyMs: Number(latency) } : {}) } : {}),
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
    };
  }, [series, strategy, params, cash, commission, haircut, target, sizing, spread, impact, isTape, barMs, urgency, latency, fromMs, toMs]);

  const submit = async () => {
    if (!settings) return;
    // The last job's line goes at once: it must not read as this run's while the host answers.
    setJobId(null);
    try {
      // Only an L3 run has the desk's guards to switch on (the host refuses them elsewhere).
      const started = await call('backtest.run', { ...settings, fidelity, ...(fidelity === 'l3' && deskGuards ? { deskGuards: true } : {}) });
      setJobId(started.jobId);
    } catch (err) {
      toast('error', `Backtest refused: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const pick = (id: number, on: boolean) => setPicked((cur) => (on ? [...cur.filter((x) => x !== id), id].slice(-2) : cur.filter((x) => x !== id)));
  const comparePicked = async () => {
    if (picked.length !== 2) return;
    try {
      const [a, b] = await Promise.all(picked.map((id) => call('backtest.show', { id })));
      setPair([a!, b!]);
      setView('compare');
    } catch (err) {
      toast('error', `Cannot compare: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const runPct = Math.round((job?.progress ?? 0) * 100);
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
            {seriesOptions(data?.series ?? []).map((x) => (
              <option key={x.name} value={x.name}>
                {seriesLabel(x)}
              </option>
            ))}
          </select>
        </label>
        {data?.demoTape && !demoImported && (
          <button type="button" className="btn" disabled={importing} onClick={() => void importDemo()} title={`import ${data.demoTape} (a recorded XRP/ETH trade tape) to run L3 on`}>
            Import demo tape
          </button>
        )}
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
          <select aria-label="Fidelity" aria-describedby={l3Reason ? 'bt-l3-reason' : undefined} value={fidelity} onChange={(e) => setFidelity(e.target.value as RunFidelity)}>
            {BACKTEST_RUN_FIDELITIES.map((f) => {
              const why = fidelityUnavailable(f, pickedSeries?.kind);
              return (
                <option key={f} value={f} disabled={why !== null} title={why ?? undefined}>
                  {FIDELITY_LABELS[f]}
                  {why ? ' — needs a trade tape' : ''}
                </option>
              );
            })}
          </select>
          {l3Reason && (
            <span id="bt-l3-reason" className="sr-only">
              {l3Reason}
            </span>
          )}
        </label>
        {isTape && (
          <>
            <label>
              Bar length
              <select aria-label="Bar length" value={barMs} onChange={(e) => setBarMs(Number(e.target.value))} title="the strategy decides on bars built from the tape">
                {TAPE_BARS.map((b) => (
                  <option key={b.ms} value={b.ms}>
                    {b.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Urgency
              <select aria-label="Urgency" value={urgency} onChange={(e) => setUrgency(e.target.value as typeof urgency)} title="L2 impact scale; L3 routing picks the algorithm by it">
                {URGENCIES.map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Latency ms
              <input aria-label="Latency ms" inputMode="decimal" value={latency} onChange={(e) => setLatency(e.target.value)} title="L3: the simulated venue's median message latency" />
            </label>
          </>
        )}
        {fidelity === 'l3' && (
          <label className="bt-check" title={DESK_GUARDS_TITLE}>
            <input type="checkbox" checked={deskGuards} onChange={(e) => setDeskGuards(e.target.checked)} />
            Desk guards
          </label>
        )}
        <label>
          Cash
          <span className="bt-amount">
            <input aria-label="Cash" aria-describedby="bt-cash-unit" value={cash} onChange={(e) => setCash(e.target.value)} title={isTape ? `starting cash in ${tapeQuote ?? 'the tape’s quote currency'}; the default is sized to the tape’s flow (an order far larger than the recorded trades pays its impact)` : 'starting cash, in the data’s currency'} />
            <span id="bt-cash-unit" className="bt-unit">
              {isTape ? (tapeQuote ?? 'quote') : 'data ccy'}
            </span>
          </span>
        </label>
        <label>
          Commission
          <input aria-label="Commission" value={commission} onChange={(e) => setCommission(e.target.value)} title="fraction of traded value (0.001 = 0.1%)" />
        </label>
        <label>
          Haircut bps
          <input aria-label="Haircut bps" value={haircut} onChange={(e) => setHaircut(e.target.value)} title="L1: flat haircut against the signal's price" />
        </label>
        <label>
          Spread bps
          <input aria-label="Spread bps" value={spread} placeholder="2" onChange={(e) => setSpread(e.target.value)} title="L2: quoted spread; a fill pays half" />
        </label>
        <label>
          Impact k
          <input aria-label="Impact k" value={impact} placeholder="0.1" onChange={(e) => setImpact(e.target.value)} title="L2: impact k·urgency·√(size / bar volume)" />
        </label>
        <label>
          Sizing
          {/* The typed sizing is kept for when a bar strategy is picked again. */}
          <input aria-label="Sizing" value={target ? target.sizingValue : sizing} disabled={target !== null} onChange={(e) => setSizing(e.target.value)} title={target ? target.sizingTitle : 'all-in or fixed:N'} />
        </label>
        <label>
          From
          <input aria-label="From" className="bt-when" value={from} placeholder="start" aria-invalid={fromMs === null} onChange={(e) => setFrom(e.target.value)} title="first bar or trade, UTC: 2019-10-11 or 2019-10-11 03:00 (empty: the start of the data)" />
        </label>
        <label>
          To
          <input aria-label="To" className="bt-when" value={to} placeholder="end" aria-invalid={toMs === null} onChange={(e) => setTo(e.target.value)} title="last bar or trade, inclusive, UTC (empty: the end of the data)" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={running || !series}>
          Run backtest
        </button>
        {/* Only while a run goes (idle, an empty bar read as an input): percent and ETA (an L3 run
            reports as it plays the tape) and Cancel. Once it ends the bar goes and one line says
            how: finished in N s, cancelled, or failed with the code and message. */}
        {running && (
          <div className="bt-run-progress">
            <div className="bt-progress" role="progressbar" aria-label="Backtest progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={runPct} aria-valuetext={job.progress > 0 ? `running: ${progressText(job)}` : 'running'}>
              <div className="bt-progress-fill" style={{ width: `${runPct}%` }} />
              <span className="bt-progress-text">{progressText(job)}</span>
            </div>
            <button type="button" className="btn" onClick={() => jobId && void call('backtest.cancel', { jobId }).catch(() => undefined)}>
              Cancel
            </button>
          </div>
        )}
        {job && !running && (
          <span role="status" aria-label="Backtest result" className={`bt-job-result ${job.status === 'failed' ? 'neg' : 'muted'}`}>
            {jobResultText(job)}
          </span>
        )}
      </form>
      <div className="bt-body">
        <div className="bt-main">
          <Tabs label="Backtest views" tabs={VIEWS} active={view} onSelect={setView} idPrefix="bt-" />
          <div className="bt-results" id="tabpanel-bt-run" role="tabpanel" aria-labelledby="tab-bt-run" hidden={view !== 'run'}>
            {/* A new run going: the last one stays, marked previous, until the new one replaces it. */}
            {run && running && (
              <p className="bt-previous-note" role="note">
                Showing run {run.summary.id} (previous) until the new run finishes.
              </p>
            )}
            {run ? <RunView run={run} previous={running} /> : <p className="muted">Pick data and a strategy, then Run backtest. Import data with <code>strata data import FILE</code>.</p>}
          </div>
          <div className="bt-results" id="tabpanel-bt-fidelities" role="tabpanel" aria-labelledby="tab-bt-fidelities" hidden={view !== 'fidelities'}>
            {/* The comparison's L3 row runs with the guards when they are on for an L3 run. */}
            <FidelityView settings={settings && isTape && fidelity === 'l3' && deskGuards ? { ...settings, deskGuards: true } : settings} tape={isTape} refused={target?.fidelitiesHint ?? null} />
          </div>
          <div className="bt-results" id="tabpanel-bt-sweep" role="tabpanel" aria-labelledby="tab-bt-sweep" hidden={view !== 'sweep'}>
            {/* A sweep runs at the bar levels; with L3 picked it sweeps the textbook level. */}
            <SweepView settings={settings} refused={target?.sweepHint ?? null} fidelity={fidelity === 'l3' ? 'bar' : fidelity} paramNames={paramNames} onPick={(p) => setParams(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])))} />
          </div>
          <div className="bt-results" id="tabpanel-bt-compare" role="tabpanel" aria-labelledby="tab-bt-compare" hidden={view !== 'compare'}>
            {pair ? <CompareView a={pair[0]} b={pair[1]} /> : <p className="muted">Tick two runs in the Runs list, then Compare runs.</p>}
          </div>
        </div>
        <aside className="bt-runs" aria-label="Kept runs">
          <div className="bt-runs-head">
            <h2>Runs</h2>
            <button type="button" className="btn" disabled={picked.length !== 2} onClick={() => void comparePicked()}>
              Compare runs
            </button>
          </div>
          <table aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Pick</th>
                <th scope="col">ID</th>
                <th scope="col">Strategy</th>
                <th scope="col">Fid.</th>
                <th scope="col">Return</th>
                <th scope="col">Sharpe</th>
                <th scope="col">Max DD</th>
                <th scope="col" title="the engine build that made the run (a hash of its source)">Build</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className={run?.summary.id === r.id ? 'active' : ''} onClick={() => void show(r.id)}>
                  <td onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" aria-label={`Pick run ${r.id}`} checked={picked.includes(r.id)} onChange={(e) => pick(r.id, e.target.checked)} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-btn"
                      aria-label={`Show run ${r.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void show(r.id);
                      }}
                    >
                      {r.id}
                    </button>
                  </td>
                  <td title={`${r.dataName} ${paramText(r.params)}`}>{r.strategy}</td>
                  <td>{r.fidelity}</td>
                  <td>{pct(r.totalReturn)}</td>
                  <td>{fix(r.sharpe, 3)}</td>
                  <td>{pct(r.maxDrawdown)}</td>
                  <td className="mono" title={engineLabel(r)}>
                    {shortBuild(r.engineBuild)}
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
