import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, fields, table } from './cli-common.ts';
import { strategyParamsText } from '../contract/strategy-params.ts';

/**
 * What every `strata data` / `strata backtest` command shares: the data directory's stores, a data
 * argument (a file to import, or the name or hash of an imported series), the exit codes of the
 * library's typed errors, and the text report of a run. Heavy modules are imported inside the
 * functions, so loading this costs the CLI nothing.
 */

export type Io = CliContext['io'];

export const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : `${(x * 100).toFixed(2)}%`);
export const num = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? null : x.toFixed(d));
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 10));

export async function openStores(dataDir: string) {
  const [{ join }, { SqliteSeriesStore }, { SqliteBacktestRunStore }] = await Promise.all([import('node:path'), import('../store/sqlite/series-store.ts'), import('../store/sqlite/backtest-run-store.ts')]);
  return { series: () => new SqliteSeriesStore(join(dataDir, 'series.db')), runs: () => new SqliteBacktestRunStore(join(dataDir, 'backtests.db')) };
}

/** Turns the library's typed errors into exits with their code. */
export async function guarded(fn: () => Promise<void>): Promise<void> {
  const [{ DataError }, { BacktestConfigError }, { StrategyParamError }] = await Promise.all([import('../backtest/data/errors.ts'), import('../backtest/bar-runner.ts'), import('../backtest/strategies/strategy.ts')]);
  try {
    await fn();
  } catch (err) {
    if (err instanceof DataError) throw new CliExit(EXIT.failed, `${err.code}: ${err.file}${err.line > 0 ? `:${err.line}` : ''}: ${err.reason}`);
    if (err instanceof BacktestConfigError || err instanceof StrategyParamError) throw new CliExit(EXIT.usage, `${err.code}: ${err.message}`);
    throw err;
  }
}

export const FORMATS = ['yahoo', 'backtrader', 'binance-klines', 'generic', 'binance-trades', 'trades'] as const;

/** A file path (parsed and stored) or the name / hash of an imported series. */
export async function loadData(dataDir: string, data: string, format: (typeof FORMATS)[number] | undefined, name: string | undefined) {
  const [{ existsSync, readFileSync, statSync }, { basename }, { parseSeries, detectFormat }, { findGaps }, { DataError }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('../backtest/data/formats.ts'),
    import('../backtest/data/gaps.ts'),
    import('../backtest/data/errors.ts'),
  ]);
  const stores = await openStores(dataDir);
  const store = stores.series();
  try {
    if (existsSync(data)) {
      // A directory is several instruments: the target strategies take it (cli-backtest-targets.ts).
      if (statSync(data).isDirectory()) throw new CliExit(EXIT.usage, `${data} is a directory: a directory of CSVs is for the target strategies (strategic, tactical, stat-model, l2); give one file or series here`);
      const text = readFileSync(data, 'utf8');
      const fmt = format ?? detectFormat(text, data);
      const series = parseSeries(text, data, fmt);
      const { info, created } = store.put(name ?? basename(data), series, { format: fmt, source: data, importedAt: Date.now() });
      return { info, created, series, gaps: findGaps(series.time) };
    }
    const got = store.get(data);
    if (!got) throw new DataError('SERIES_NOT_FOUND', data, 0, 'no such file, and no imported series has this name or hash (see strata data list)');
    return { info: got.info, created: false, series: got.series, gaps: findGaps(got.series.time) };
  } finally {
    store.close();
  }
}
/** The engine that made a run: its version and build (a run kept before builds were recorded says so). */
export function engineText(version: string, build: string | null | undefined): string {
  return `${version} build ${build ?? '(not recorded)'}`;
}

export interface ReportView {
  runId: number | null;
  engineVersion?: string;
  engineBuild?: string | null;
  dataName: string;
  dataHash: string;
  bars: number;
  firstBar: string | null;
  lastBar: string | null;
  finalValueExact: string;
  finalCashExact: string;
  position: Record<string, number>;
  fills: number;
  refused: number;
  trades: { entryDate: string; exitDate: string | null; entryPrice: number; exitPrice: number | null; size: number; commission: number; pnl: number }[];
  metrics: import('../backtest/metrics/metrics.ts').Metrics;
  periods: { year: { period: string; return: number }[] };
  barsPerSecond?: number;
  spec: { strategy: string; params: Record<string, number>; fidelity: string };
}

export function reportText(r: ReportView, withTrades = true): string {
  const m = r.metrics;
  const lines = [
    fields([
      ['run', r.runId === null ? 'not kept (--no-save)' : r.runId],
      ...(r.engineVersion !== undefined ? ([['engine', engineText(r.engineVersion, r.engineBuild)]] as [string, string][]) : []),
      ['strategy', `${r.spec.strategy} ${strategyParamsText(r.spec.params)}`],
      ['data', `${r.dataName} (${r.dataHash.slice(0, 12)}), ${r.bars} bars ${r.firstBar} .. ${r.lastBar}`],
      ['fidelity', `${m.assumptions.fidelity}: ${m.assumptions.fills}`],
      ['costs', m.assumptions.costs],
      ['final value', r.finalValueExact],
      ['final cash', r.finalCashExact],
      ['position', Object.entries(r.position).map(([k, v]) => `${k} ${v}`).join(', ')],
      // At l3 the refusals are L1's or the OMS's, whatever the reason (the venue line names the codes).
      ['fills', `${r.fills}${r.refused ? (r.spec.fidelity === 'l3' ? ` (${r.refused} order(s) denied by L1 or the OMS: see venue)` : ` (${r.refused} entries refused: not enough cash)`) : ''}`],
      ...(r.barsPerSecond !== undefined ? ([['bars/s', Math.round(r.barsPerSecond).toLocaleString('en-US')]] as [string, number | string][]) : []),
    ]),
    '',
    table(['METRIC', 'VALUE'], metricRowsLite(m)),
    `(every metric: fidelity ${m.assumptions.fidelity}; ${m.assumptions.fills}; ${m.assumptions.costs})`,
    '',
    table(['YEAR', 'RETURN'], r.periods.year.map((p) => [p.period, pct(p.return)]), [undefined, 'r']),
  ];
  if (withTrades && r.trades.length > 0) {
    lines.push('', table(['ENTRY', 'EXIT', 'ENTRY PRICE', 'EXIT PRICE', 'SIZE', 'COMMISSION', 'PNL'], r.trades.map((t) => [t.entryDate, t.exitDate ?? 'open', t.entryPrice, t.exitPrice, t.size, Number(t.commission.toFixed(2)), Number(t.pnl.toFixed(2))])));
  }
  return lines.join('\n');
}

function metricRowsLite(m: ReportView['metrics']): (string | null)[][] {
  return [
    ['total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['volatility', pct(m.volatility)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    ['max drawdown', `${pct(m.maxDrawdown)} over ${m.maxDrawdownBars} bars`],
    ['turnover', num(m.turnover, 2)],
    ['costs fees / spread / impact', `${num(m.costs.fees, 2)} / ${num(m.costs.spread, 2)} / ${num(m.costs.impact, 2)}`],
    ['trades (closed / open)', `${m.trades} / ${m.openTrades}`],
    ['win rate', pct(m.winRate)],
    ['profit factor', num(m.profitFactor)],
    ['avg win / loss', `${num(m.avgWin, 2) ?? '-'} / ${num(m.avgLoss, 2) ?? '-'}`],
    ['exposure time', pct(m.exposureTime)],
    ['avg holding (bars)', num(m.avgHoldingBars, 1)],
    ['Herfindahl', num(m.herfindahl)],
    ['probabilistic Sharpe', num(m.probabilisticSharpe, 4)],
  ];
}
