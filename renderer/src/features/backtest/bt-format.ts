import type { BacktestAssumptionsDto, BacktestFidelityDto, BacktestL3StatsDto, BacktestRunDto, BacktestSeriesDto, ParamsIn } from '../../../../src/contract/index.ts';
import { strategyParamsText } from '../../../../src/contract/strategy-params.ts';

/** Formatting and inputs shared by the Backtest screen's views. */

/** `toFixed` without the sign of a value that rounds to zero: −0.0003 at one decimal reads "0.0", not "-0.0". */
export function fixed(x: number, d: number): string {
  const s = x.toFixed(d);
  return s.startsWith('-') && Number(s) === 0 ? s.slice(1) : s;
}
export const pct = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${fixed(x * 100, d)}%`);
/**
 * A trade price at a precision that shows its moves: four decimals from 1 up (ORCL's dollars), else
 * four significant digits (an XRP/ETH price of 0.0014126 reads 0.001413, not 0.0014).
 */
export const price = (x: number | null | undefined): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  return a >= 1 || a === 0 ? x.toFixed(4) : x.toFixed(Math.min(12, 3 - Math.floor(Math.log10(a))));
};
export const fix = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : fixed(x, d));
/** Cash with thousands separators and cents. */
export const money = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
/** A signed cash change (+1,234.50 / −12.00). */
export const signed = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ''}${money(Math.abs(x))}`;
/**
 * The Data picker's series: each name once, in the host's order. Two names can hold one content
 * (the same file imported as orcl and as orcl-1995-2014.txt): keyed by hash, React showed four options
 * for three series, one name twice.
 */
export function seriesOptions<S extends { name: string }>(series: readonly S[]): S[] {
  const seen = new Set<string>();
  return series.filter((x) => !seen.has(x.name) && (seen.add(x.name), true));
}

/** The engine that made a run: version and build (a hash of its source; runs kept before builds were recorded have none). */
export const engineLabel = (s: { engineVersion: string; engineBuild: string | null }): string => `engine ${s.engineVersion} build ${s.engineBuild ?? 'not recorded'}`;
/** A build id as the runs list shows it: its first 7 digits, as git shortens a commit. */
export const shortBuild = (b: string | null): string => (b === null ? '–' : b.slice(0, 7));

/** Time left as a trader reads it: 8.4 s, 2 min 05 s, 1 h 04 min. */
export function etaText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * A job's progress as its bar says it: while running, percent done and the ETA once the host has one
 * (an L3 run, a sweep); after, how it ended.
 */
export function progressText(job: { status: string; progress: number; etaMs: number | null }): string {
  if (job.status !== 'running') return job.status;
  const pctDone = `${Math.floor(job.progress * 100)}%`;
  return job.etaMs !== null ? `${pctDone} · ETA ${etaText(job.etaMs)}` : job.progress > 0 ? pctDone : 'running…';
}

/** A run's parameters, the construction method by name (src/contract/strategy-params.ts). */
export const paramText = (p: Record<string, number>): string => strategyParamsText(p);

/** What a run, a fidelity comparison and a sweep share: the form's settings. */
export type RunSettings = ParamsIn<'backtest.fidelities'>;

/**
 * What the form does differently for a target strategy (the host flags them in backtest.data): the
 * live rebalancer sizes its orders, so the Sizing field reads `target` and is not editable; and the
 * host refuses its fidelity comparison and sweep, so those buttons are disabled with why beside them.
 * Null for a bar strategy (or none picked yet): the form as it was.
 */
export interface TargetForm {
  sizingValue: 'target';
  sizingTitle: string;
  fidelitiesHint: string;
  sweepHint: string;
}

export function targetForm(strategy: { name: string; target?: true } | undefined): TargetForm | null {
  if (strategy?.target !== true) return null;
  return {
    sizingValue: 'target',
    sizingTitle: `${strategy.name} is a target strategy: the live rebalancer sizes its orders from the target weights, so all-in and fixed:N do not apply`,
    fidelitiesHint: `${strategy.name} is a target strategy: compare its fidelities from the CLI, strata backtest fidelities --strategy ${strategy.name}`,
    sweepHint: `${strategy.name} is a target strategy: sweeps run sma-cross and peek-ahead`,
  };
}

/**
 * The sizing a request sends: the typed one for a bar strategy; none for a target strategy (the
 * contract's pattern refuses 'target' and the host sizes it by the rebalancer whatever it is sent).
 */
export const requestSizing = (target: TargetForm | null, typed: string): { sizing?: string } => (target ? {} : { sizing: typed });

/** Line colours of overlaid curves (run A, run B; bar, L1, L2, L3). */
export const LINE_COLOURS = ['#4ea1ff', '#f0b90b', '#2ebd85', '#c678dd'];

/**
 * A sweep axis typed by hand: `5,10,15` (a list) or `5:30:5` (from:to:step, both ends included).
 * Returns the values, or a message saying what is wrong.
 */
export function parseAxis(text: string): number[] | string {
  const t = text.trim();
  if (t === '') return 'empty';
  const range = /^(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(t);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(step > 0)) return 'the step must be positive';
    if (to < from) return 'from must not exceed to';
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > 1000) return `${n} values; at most 1000`;
    // Rounded to the step's decimals so 0.1 steps do not drift into 0.30000000000000004.
    const dec = (range[3]!.split('.')[1] ?? '').length;
    return Array.from({ length: n }, (_, i) => Number((from + i * step).toFixed(dec)));
  }
  const parts = t.split(',').map((x) => x.trim());
  const values = parts.map(Number);
  if (parts.some((x) => x === '') || values.some((v) => !Number.isFinite(v))) return 'use a,b,c or from:to:step';
  return [...new Set(values)];
}

/** Fidelities backtest.run takes, as the form's Fidelity picker offers them. */
export type RunFidelity = 'bar' | 'l1' | 'l2' | 'l3';

export const FIDELITY_LABELS: Record<RunFidelity, string> = { bar: 'bar (next open, textbook)', l1: 'L1 signal + haircut', l2: 'L2 execution-aware', l3: 'L3 full simulation (tape)' };

/**
 * Why a fidelity cannot run on the picked data, or null when it can: L3 drives the simulated venue
 * from a recorded trade tape, so it is offered (not hidden) on a bar series, disabled with this reason.
 */
export function fidelityUnavailable(f: RunFidelity, kind: BacktestSeriesDto['kind'] | undefined): string | null {
  if (f !== 'l3' || kind === 'trades') return null;
  return 'L3 needs a recorded trade tape (import one, e.g. binance_XRPETH_trades_20191011-13.csv); the picked data is a bar series';
}

/** The Data picker's label of a series: its name and what it holds. */
export function seriesLabel(s: Pick<BacktestSeriesDto, 'name' | 'kind' | 'rows'>): string {
  return s.kind === 'trades' ? `${s.name} (trade tape, ${s.rows} trades)` : `${s.name} (${s.rows} bars)`;
}

/** Bar lengths a tape's bars are built at, as the form offers them (ms). */
export const TAPE_BARS: { label: string; ms: number }[] = [
  { label: '30 s', ms: 30_000 },
  { label: '1 min', ms: 60_000 },
  { label: '5 min', ms: 300_000 },
  { label: '15 min', ms: 900_000 },
  { label: '1 h', ms: 3_600_000 },
];

/** The venue's side of an L3 run in one line: fills, orders filled in parts, denials. */
export function venueText(v: BacktestL3StatsDto | undefined): string {
  if (!v) return '–';
  return `${v.venueFills} fills (${v.partiallyFilledOrders} order(s) in parts, ${deniedText(v)}) on ${v.tapeTrades} recorded trades`;
}

/** How many orders the engine denied, and by which reason codes: `136 denied: REDUCING_ONLY ×136`. */
export function deniedText(v: Pick<BacktestL3StatsDto, 'denied' | 'deniedBy'>): string {
  const why = Object.entries(v.deniedBy ?? {})
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
  return `${v.denied} denied${why ? `: ${why}` : ''}`;
}

/**
 * The engine's trading-state changes during an L3 run (a PMS escalation to REDUCING, a breaker's
 * HALT), the stated reason later orders were denied where L1 and L2 (no engine guards) kept trading.
 */
export function guardText(v: BacktestL3StatsDto | undefined): string {
  if (!v) return '–';
  const changes = v.tradingState ?? [];
  if (changes.length === 0) return 'ACTIVE throughout';
  return changes.map((c) => `${c.mode} from ${new Date(c.time).toISOString().slice(0, 16).replace('T', ' ')}Z (${c.code}${c.message ? `: ${c.message}` : ''})`).join('; ');
}

/** A comparison level's venue line: only L3 that ran has one. */
export const levelVenue = (l: Pick<BacktestFidelityDto, 'venue'>): string => venueText(l.venue);
export const levelGuards = (l: Pick<BacktestFidelityDto, 'venue'>): string => guardText(l.venue);

/**
 * A window bound typed in the form, as epoch ms, read in UTC like the CLI's --from/--to:
 * `2019-10-11` (midnight), `2019-10-11 03:00` or `2019-10-11T03:00:00` (no zone means UTC, never
 * the browser's), an ISO time with its zone, or epoch ms. Empty is no bound (undefined); anything
 * else is null, for the form to say it cannot read it.
 */
export function parseWhen(text: string): number | undefined | null {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d{9,}$/.test(t)) return Number(t);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:\d{2})?$/.exec(t);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? null : ms;
}

/** Whether the desk's guards were on: only an L3 run has them to switch on. */
export function deskGuardsText(on: boolean | null): string {
  if (on === null) return 'n/a (below L3)';
  return on ? 'on (PMS escalation, circuit breakers)' : 'off';
}

/** Starting cash with its currency when the run's data names one (a tape's quote). */
export const cashText = (a: Pick<BacktestAssumptionsDto, 'cash' | 'currency'>): string => {
  const n = Number(a.cash);
  const amount = Number.isFinite(n) ? money(n) : a.cash;
  return a.currency ? `${amount} ${a.currency}` : `${amount} (the data's currency)`;
};

const barText = (ms: number): string => TAPE_BARS.find((b) => b.ms === ms)?.label ?? `${ms / 1000} s`;

/**
 * A run's assumptions besides its metrics, as label and value, in the order a trader reads them:
 * the run view lists them under its metrics, the comparison puts two runs' side by side.
 */
export function assumptionRows(run: Pick<BacktestRunDto, 'summary' | 'metrics' | 'costs' | 'assumptions'>): [string, string][] {
  const a = run.assumptions;
  const rows: [string, string][] = [
    ['fidelity', run.summary.fidelity],
    ['fill assumption', run.metrics[0]?.fills ?? '–'],
    ['cost model', run.costs],
    ['desk guards', deskGuardsText(a.deskGuards)],
    ['cash', cashText(a)],
    ['commission', `${(Number(a.commission) * 100).toFixed(3).replace(/\.?0+$/, '')}% of traded value`],
    ['sizing', a.sizing],
  ];
  if (a.barMs !== null) rows.push(['bar length', barText(a.barMs)]);
  if (a.urgency !== null) rows.push(['urgency', a.urgency]);
  if (a.latencyMs !== null) rows.push(['latency', `${a.latencyMs} ms`]);
  rows.push(['seed', String(a.seed)], ['build', engineLabel(run.summary).replace(/^engine /, '')]);
  return rows;
}

/**
 * How an ended job finished, in the short line that replaces its progress bar: `finished in 2.4 s`,
 * `cancelled after 3.1 s`, `failed: CODE: message`. Null while it runs (the bar says it then).
 */
export function jobResultText(job: { status: string; elapsedMs?: number; error: string | null }): string | null {
  const took = job.elapsedMs !== undefined ? etaText(job.elapsedMs) : null;
  if (job.status === 'done') return took ? `finished in ${took}` : 'finished';
  if (job.status === 'cancelled') return took ? `cancelled after ${took}` : 'cancelled';
  if (job.status === 'failed') return `failed: ${job.error ?? 'BACKTEST_FAILED: no reason given'}`;
  return null;
}

/** A sweep's line once its bar is gone: points done and the time its table records. */
export function sweepResultText(job: { status: string; done: number; total: number; error: string | null }, result: { points: number; rows: unknown[]; seconds: number } | null): string {
  if (job.status === 'failed') return `failed: ${job.error ?? 'BACKTEST_FAILED: no reason given'}`;
  const took = result ? ` in ${etaText(result.seconds * 1000)}` : '';
  if (job.status === 'cancelled') return result ? `cancelled: ${result.rows.length} of ${result.points} points${took}` : 'cancelled';
  return result ? `finished: ${result.points} points${took}` : `finished: ${job.done}/${job.total} points`;
}

/** The Cash field's default on a bar series (the textbook runs' 100,000 in the data's currency). */
export const BAR_CASH = '100000';

/**
 * The Cash field's default on a trade tape, in its quote currency. At L3 an order walks the recorded
 * flow, so cash sized for bars buys far more than the tape trades: on the demo XRP/ETH tape 100,000
 * ETH all-in sent ~185k XRP a signal and paid ~2.0% a side in impact (sma-cross, 1-min bars, 63
 * trades). 3 ETH (~1,600 XRP a trade) pays ~0.14% a side, about the 0.1% fee, so a default run
 * shows the strategy rather than the cost of an order larger than the market. A fiat or stablecoin
 * quote gets a like amount of value (about 500 in 2019 prices: 3 ETH).
 */
export function tapeCash(quote: string | undefined): string {
  if (quote === 'BTC') return '0.05';
  if (quote === 'ETH' || quote === 'BNB') return '3';
  return '500';
}
