import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { CONSTRUCTION_METHODS } from '../contract/api/portfolio.ts';
import { strategyParamsText } from '../contract/strategy-params.ts';
import { URGENCIES } from '../contract/dto.ts';
import type { Urgency } from '../contract/dto.ts';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, fields, intArg, table } from './cli-common.ts';
import type { BacktestReport, L3Stats, RunSpec } from '../backtest/run-spec.ts';
import type { BarSeries, TradeTape } from '../backtest/data/series.ts';
import { FORMATS, engineText, guarded, iso, loadData, num, openStores, pct, reportText } from './cli-backtest-data.ts';
import type { Io } from './cli-backtest-data.ts';
import { l3Text, runL3Command, stateCell, tapeLevelSpec, venueCell } from './cli-backtest-l3.ts';
import { registerDataDownload } from './cli-data-download.ts';
import { attributionText, collect, runSpecFields, runTargetCommand, TARGET_PARAMS_HELP, targetFidelitiesCommand, targetLookaheadCommand, targetSweepInputs } from './cli-backtest-targets.ts';
import type { TargetRunOpts } from './cli-backtest-targets.ts';

/**
 * `strata data …` and `strata backtest …`: offline research commands. They run in this process on
 * the data directory's SQLite files (series.db, backtests.db) and need no serving engine. Every
 * heavy module is imported inside the action, so the rest of the CLI does not pay for them. The
 * L3 run on a trade tape is cli-backtest-l3.ts; stores, data loading and the report text are
 * cli-backtest-data.ts.
 */

function paramArg(v: string, prev: Record<string, number> = {}): Record<string, number> {
  // A target strategy's construction method by name: params are numbers, the method its index.
  const named = /^method=([a-z-]+)$/.exec(v.trim());
  if (named) {
    const i = (CONSTRUCTION_METHODS as readonly string[]).indexOf(named[1]!);
    if (i < 0) throw new InvalidArgumentError(`--param method must be one of ${CONSTRUCTION_METHODS.join(', ')}, got "${named[1]}"`);
    return { ...prev, method: i };
  }
  const m = /^([A-Za-z_][\w-]*)=(-?\d+(?:\.\d+)?)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`--param must look like K=V with a number V, got "${v}"`);
  if (m[1] === 'method') throw new InvalidArgumentError(`--param method takes a name: ${CONSTRUCTION_METHODS.join(', ')}`);
  return { ...prev, [m[1]!]: Number(m[2]) };
}

function gridArg(v: string, prev: Record<string, number[]> = {}): Record<string, number[]> {
  const m = /^([A-Za-z_][\w-]*)=(.+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`--grid must look like K=a,b,c or K=from:to:step, got "${v}"`);
  const spec = m[2]!;
  let values: number[];
  // A target strategy's construction methods by name (kept as their indices, as --param keeps one).
  if (m[1] === 'method') {
    values = spec.split(',').map((x) => (CONSTRUCTION_METHODS as readonly string[]).indexOf(x.trim()));
    if (values.some((i) => i < 0)) throw new InvalidArgumentError(`--grid method takes names: ${CONSTRUCTION_METHODS.join(', ')}; got "${spec}"`);
    return { ...prev, method: values };
  }
  const range = /^(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec);
  if (range) {
    const [a, b, s] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(s > 0) || b < a) throw new InvalidArgumentError(`--grid ${m[1]}: range needs from ≤ to and a positive step`);
    values = [];
    for (let k = 0; a + k * s <= b + 1e-9; k++) values.push(Number((a + k * s).toFixed(10)));
  } else {
    values = spec.split(',').map((x) => Number(x));
    if (values.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`--grid ${m[1]}: "${spec}" is not a list of numbers`);
  }
  return { ...prev, [m[1]!]: values };
}

function timeArg(name: string) {
  return (v: string): number => {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isNaN(t)) throw new InvalidArgumentError(`${name}: cannot read "${v}" as a date`);
    return t;
  };
}

/** What `backtest run --from` does on a trade tape, said in its --help (src/kernel/backtest-l3.ts alignedFrom). */
const TAPE_FROM = '; on a trade tape rounded down to the start of its --bar bar, at every fidelity (l3 too), so all start on the same bar';

function decimalArg(name: string, min: number, max: number) {
  return (v: string): string => {
    if (!/^\d+(?:\.\d+)?$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${name} must be a plain decimal in [${min}, ${max}], got "${v}"`);
    return v;
  };
}

function numberArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}]`);
    return n;
  };
}

export function registerBacktestCommands(program: Command, ctx: CliContext): void {
  const io: Io = ctx.io;
  const dataDir = async () => {
    const { resolveDataDir } = await import('./data-dir.ts');
    return resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, io.env);
  };

  const data = program.command('data').description('historical data for backtests: download candles, import files into the data directory (series.db), list them');
  registerDataDownload(data, ctx);
  data
    .command('import <file>')
    .description('parse a CSV (Yahoo/backtrader daily, Binance klines or trades, generic time,open,high,low,close,volume), refuse bad rows with file, line and reason, report gaps, store it once by content hash')
    .option('--name <n>', 'name to store it under (default: the file name)')
    .addOption(new Option('--format <f>', 'file format (default: detected from the header)').choices([...FORMATS]))
    .option('--json', 'print JSON')
    .action((file: string, o: { name?: string; format?: (typeof FORMATS)[number]; json?: boolean }) =>
      guarded(async () => {
        const { existsSync } = await import('node:fs');
        if (!existsSync(file)) throw new CliExit(EXIT.usage, `cannot read ${file}: no such file`);
        const r = await loadData(await dataDir(), file, o.format, o.name);
        const g = r.gaps;
        ctx.print(!!o.json, { ...r.info, created: r.created, gaps: { intervalMs: g.intervalMs, count: g.count, missingBars: g.missingBars, largest: g.largest, first: g.gaps } }, () =>
          [
            fields([
              ['name', r.info.name],
              ['hash', r.info.hash],
              ['format', r.info.format],
              ['rows', r.info.rows],
              ['from', iso(r.info.firstMs)],
              ['to', iso(r.info.lastMs)],
              ['stored', r.created ? 'new content' : 'content already stored (same hash)'],
              ['gaps', g.count === 0 ? 'none' : `${g.count} (${g.missingBars} ${g.daily ? 'weekdays' : 'bars'} missing; largest ${g.largest!.missing} after ${new Date(g.largest!.fromMs).toISOString()})`],
            ]),
          ].join('\n'),
        );
      }),
    );
  data
    .command('list')
    .description('imported series')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      guarded(async () => {
        const store = (await openStores(await dataDir())).series();
        try {
          const list = store.list();
          ctx.print(!!o.json, list, () => table(['NAME', 'KIND', 'FORMAT', 'ROWS', 'FROM', 'TO', 'HASH'], list.map((i) => [i.name, i.kind, i.format, i.rows, iso(i.firstMs), iso(i.lastMs), i.hash.slice(0, 12)])));
        } finally {
          store.close();
        }
      }),
    );

  const bt = program.command('backtest').description('backtests on historical bars (offline; runs kept in backtests.db)');
  bt.command('run')
    .description('run a strategy on bars at a fidelity level and keep the run')
    .requiredOption('--data <file>', 'a CSV file, a directory of them, or the name or hash of an imported series; repeatable (several instruments on one clock, for the target strategies)', collect, [])
    .addOption(new Option('--format <f>', 'file format (default: detected)').choices([...FORMATS]))
    .option('--strategy <s>', 'strategy: sma-cross (fast, slow), peek-ahead (a look-ahead example), or the live L2 alphas as target weights: strategic, tactical, stat-model, l2 (the three aggregated)', 'sma-cross')
    .option('--param <k=v>', `strategy parameter, repeatable (sma-cross: fast=10 slow=30; ${TARGET_PARAMS_HELP})`, paramArg, {})
    .addOption(new Option('--fidelity <f>', 'bar: next-open fills, no slippage (the textbook mode); l1: signal close + haircut; l2: bar volume, spread, √-impact, participation cap; l3: the engine (L1, OMS, algos by --urgency) on the simulated venue driven by a trade tape').choices(['bar', 'l1', 'l2', 'l3']).default('bar'))
    .option('--bar <interval>', 'trade tape: bar length the strategy decides on, built from the tape (30s, 1m, 5m, 1h)', '1m')
    .option('--symbol <s>', 'trade tape: its instrument (default: from the file name, e.g. binance_XRPETH_… → XRP/ETH)')
    .option('--latency-ms <n>', 'l3: the venue\'s median message latency, ms', numberArg('latency-ms', 0, 60_000), 4)
    .option('--desk-guards', "l3: the desk's own guards act as live (the PMS escalating a daily loss to REDUCING, the circuit breakers); off by default, as at bar, l1 and l2, so levels compare like for like; kept in the run's spec")
    .option('--cash <c>', 'starting cash', decimalArg('cash', 0, 1e15), '100000')
    .option('--commission <c>', 'commission, fraction of traded value', decimalArg('commission', 0, 0.5), '0')
    .option('--haircut-bps <n>', 'L1 haircut against the signal price, bps', numberArg('haircut-bps', 0, 10_000), 0)
    .option('--spread-bps <n>', 'L2 quoted spread, bps (half is paid)', numberArg('spread-bps', 0, 10_000))
    .option('--impact-k <k>', 'L2 impact coefficient k in k·urgency·√(size/volume)', numberArg('impact-k', 0, 100))
    .addOption(new Option('--urgency <u>', 'L2 urgency (impact scale immediate 3, high 2, medium 1, low 0.5)').choices([...URGENCIES]))
    .option('--participation <p>', 'L2 cap on the fraction of a bar volume one order takes', numberArg('participation', 0.0001, 1))
    .option('--sizing <s>', 'all-in (floor(cash / (next open × (1 + commission)))) or fixed:N for a bar strategy (default all-in); target for strategic, tactical, stat-model, l2 (their weights through the live rebalancer; the default for them)')
    .option('--from <date>', `first bar (YYYY-MM-DD or ISO)${TAPE_FROM}`, timeArg('--from'))
    .option('--to <date>', 'last bar (inclusive)', timeArg('--to'))
    .option('--seed <n>', 'seed recorded with the run', intArg('seed', 0, 2 ** 31 - 1), 42)
    .option('--name <n>', 'name to store the data under when --data is a file')
    .option('--no-save', 'do not keep the run')
    .option('--json', 'print JSON')
    .action(
      (o: TargetRunOpts & { bar: string; symbol?: string; latencyMs?: number; deskGuards?: boolean; name?: string; save: boolean }) =>
        guarded(async () => {
          const [{ runSpec, sizingArg }, { strategyDef, isTargetStrategy }, { ENGINE_VERSION }, { createHash }, { engineBuild }] = await Promise.all([import('../backtest/run-spec.ts'), import('../backtest/strategies/index.ts'), import('../kernel/version.ts'), import('node:crypto'), import('../kernel/build-id.ts')]);
          const dir = await dataDir();
          // The bar levels run with the desk's guards off and have no PMS loop to escalate: refused, not ignored.
          if (o.deskGuards && o.fidelity !== 'l3') throw new CliExit(EXIT.usage, `--desk-guards applies to --fidelity l3 (the engine's PMS and breakers on a trade tape); the ${o.fidelity} level runs without them`);
          if (isTargetStrategy(o.strategy) || o.sizing === 'target') return runTargetCommand(o, ctx, dir);
          if (o.data.length !== 1) throw new CliExit(EXIT.usage, `${o.strategy} trades one instrument: give one --data (several are for the target strategies: strategic, tactical, stat-model, l2)`);
          const data = o.data[0]!;
          const sizing = o.sizing ?? 'all-in';
          if (o.fidelity === 'l3') return runL3Command({ ...o, data, sizing }, ctx, dir);
          const d = await loadData(dir, data, o.format, o.name);
          const def = strategyDef(o.strategy);
          let spec: RunSpec = {
            strategy: o.strategy,
            params: { ...def.defaults, ...o.param },
            ...runSpecFields(o, sizingArg(sizing)),
            instrument: d.info.name,
          };
          let series: BarSeries;
          if (d.series.kind === 'bars') series = d.series;
          else {
            // A trade tape at a bar level: the bars an L3 run would decide on, as backtest.run does for the UI.
            const tape = await tapeLevelSpec(spec, d.info, d.series, o);
            spec = tape.spec;
            series = tape.bars;
          }
          const { kernelBarEngine } = await import('../kernel/backtest-bars.ts');
          const t0 = performance.now();
          const { result, report } = await runSpec(spec, series, kernelBarEngine);
          const seconds = (performance.now() - t0) / 1000;
          const resultHash = createHash('sha256').update(JSON.stringify(report)).update(Buffer.from(result.equity.buffer, result.equity.byteOffset, result.equity.byteLength)).digest('hex');
          let runId: number | null = null;
          if (o.save) {
            const runs = (await openStores(dir)).runs();
            try {
              runId = runs.save({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName: d.info.name, dataHash: d.info.hash, spec, report, resultHash, time: new Float64Array(result.time), equity: result.equity }).id;
            } finally {
              runs.close();
            }
          }
          const out = { runId, engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName: d.info.name, dataHash: d.info.hash, resultHash, barsPerSecond: Math.round(report.bars / Math.max(seconds, 1e-9)), ...report };
          ctx.print(!!o.json, out, () => reportText(out));
        }),
    );
  bt.command('list')
    .description('kept runs, newest first')
    .option('--limit <n>', 'how many', intArg('limit', 1, 10_000), 50)
    .option('--json', 'print JSON')
    .action((o: { limit: number; json?: boolean }) =>
      guarded(async () => {
        const runs = (await openStores(await dataDir())).runs();
        try {
          const list = runs.list(o.limit);
          ctx.print(!!o.json, list, () =>
            table(
              ['ID', 'CREATED', 'STRATEGY', 'PARAMS', 'FIDELITY', 'DATA', 'FINAL VALUE', 'RETURN', 'SHARPE', 'MAX DD', 'ENGINE'],
              list.map((r) => [r.id, new Date(r.createdAt).toISOString().slice(0, 19) + 'Z', r.strategy, strategyParamsText(r.params), r.fidelity, r.dataName, num(r.finalValue, 2), pct(r.totalReturn), num(r.sharpe), pct(r.maxDrawdown), engineText(r.engineVersion, r.engineBuild)]),
            ),
          );
        } finally {
          runs.close();
        }
      }),
    );
  bt.command('show <id>')
    .description('one kept run: config, data hash, metrics (labelled with fidelity and fill assumptions), yearly returns')
    .option('--trades', 'list the trades')
    .addOption(new Option('--period <p>', 'also print returns by this calendar period (UTC), from the kept equity curve').choices(['day', 'week', 'month', 'year']))
    .option('--json', 'print JSON')
    .action((id: string, o: { trades?: boolean; period?: 'day' | 'week' | 'month' | 'year'; json?: boolean }) =>
      guarded(async () => {
        const { periodReturns } = await import('../backtest/metrics/metrics.ts');
        const runs = (await openStores(await dataDir())).runs();
        try {
          const r = runs.get(Number(id));
          if (!r) throw new CliExit(EXIT.failed, `RUN_NOT_FOUND: no run ${id} (see strata backtest list)`);
          const byPeriod = o.period ? periodReturns(r.time, r.equity, r.report.metrics.startEquity, o.period) : undefined;
          const out = { runId: r.id, createdAt: r.createdAt, engineVersion: r.engineVersion, engineBuild: r.engineBuild, dataName: r.dataName, dataHash: r.dataHash, resultHash: r.resultHash, ...r.report, ...(byPeriod ? { byPeriod } : {}) };
          ctx.print(!!o.json, o.trades ? out : { ...out, trades: undefined, tradeCount: out.trades.length }, () =>
            [reportText(out, !!o.trades) + attributionText(r.report), ...(r.report.l3 ? [l3Text(r.report)] : []), ...(byPeriod ? ['', table([o.period!.toUpperCase(), 'START', 'END', 'RETURN'], byPeriod.map((p) => [p.period, num(p.startEquity, 2), num(p.endEquity, 2), pct(p.return)]), [undefined, 'r', 'r', 'r'])] : [])].join('\n'),
          );
        } finally {
          runs.close();
        }
      }),
    );
  bt.command('compare <a> <b>')
    .description('two kept runs side by side')
    .option('--json', 'print JSON')
    .action((a: string, b: string, o: { json?: boolean }) =>
      guarded(async () => {
        const { metricRows } = await import('../backtest/metrics/metrics.ts');
        const runs = (await openStores(await dataDir())).runs();
        try {
          const ra = runs.get(Number(a));
          const rb = runs.get(Number(b));
          if (!ra || !rb) throw new CliExit(EXIT.failed, `RUN_NOT_FOUND: no run ${ra ? b : a}`);
          const ma = metricRows(ra.report.metrics);
          const mb = metricRows(rb.report.metrics);
          const cfg = (r: typeof ra) => `${r.spec.strategy} ${strategyParamsText(r.spec.params)} ${r.spec.fidelity} ${r.dataName}`;
          const rows = [['config', cfg(ra), cfg(rb)], ['data hash', ra.dataHash.slice(0, 12), rb.dataHash.slice(0, 12)], ['fills', r0(ra.report.metrics.assumptions.fills), r0(rb.report.metrics.assumptions.fills)], ['costs model', ra.report.metrics.assumptions.costs, rb.report.metrics.assumptions.costs], ['final value', ra.report.finalValueExact, rb.report.finalValueExact], ...(ra.report.l3 || rb.report.l3 ? [['venue fills (l3)', venueCell(ra.report.l3), venueCell(rb.report.l3)]] : []), ...ma.map((m, i) => [m[0], m[1], mb[i]![1]])];
          ctx.print(!!o.json, { a: { id: ra.id, spec: ra.spec, metrics: ra.report.metrics, finalValue: ra.report.finalValue }, b: { id: rb.id, spec: rb.spec, metrics: rb.report.metrics, finalValue: rb.report.finalValue }, sameResult: ra.resultHash === rb.resultHash }, () =>
            [table(['', `RUN ${ra.id}`, `RUN ${rb.id}`], rows as (string | null)[][]), ra.resultHash === rb.resultHash ? '(identical results, bit for bit)' : ''].join('\n').trimEnd(),
          );
        } finally {
          runs.close();
        }
      }),
    );
  registerResearchCommands(bt, ctx, dataDir, loadData);
}

const r0 = (s: string) => s;
const paramText = strategyParamsText;

type SweepRowOut = import('../backtest/sweep.ts').SweepRow;

/** A sweep's table sorted for reading (kept rows are in point order; a null figure sorts last). */
function sortRows(rows: readonly SweepRowOut[], sort: string): SweepRowOut[] {
  const v = (x: number | null | undefined, d: number) => (x === null || x === undefined || Number.isNaN(x) ? d : x);
  const key = (x: SweepRowOut) => (sort === 'return' ? -v(x.totalReturn, -Infinity) : sort === 'drawdown' ? v(x.maxDrawdown, Infinity) : sort === 'index' ? x.index : -v(x.sharpe, -Infinity));
  return [...rows].sort((a, b) => key(a) - key(b) || a.index - b.index);
}

function sweepText(keys: string[], x: { jobId: string; points: number; cancelled: boolean; workers: number; seconds: number; rows: SweepRowOut[]; best: SweepRowOut | null; deflatedSharpe: number | null; probabilisticSharpe: number | null }): string {
  const ok = x.rows.filter((r) => !r.error).length;
  return [
    table(
      [...keys.map((k) => k.toUpperCase()), 'FINAL VALUE', 'RETURN', 'SHARPE', 'MAX DD', 'TRADES', 'NOTE'],
      x.rows.map((r) => [...keys.map((k) => (k === 'method' ? (CONSTRUCTION_METHODS[r.params[k] ?? -1] ?? null) : (r.params[k] ?? null))), r.error ? null : num(r.finalValue, 2), r.error ? null : pct(r.totalReturn), num(r.sharpe), r.error ? null : pct(r.maxDrawdown), r.trades, r.error]),
    ),
    `${x.rows.length}/${x.points} points${x.cancelled ? ' (CANCELLED)' : ''} on ${x.workers} worker(s) in ${x.seconds.toFixed(2)} s` +
      (x.best ? `; best ${paramText(x.best.params)}: Sharpe ${num(x.best.sharpe)}, probabilistic ${num(x.probabilisticSharpe, 4)}, deflated over ${ok} trials ${num(x.deflatedSharpe, 4)}` : '') +
      `; kept as ${x.jobId}`,
  ].join('\n');
}

interface SpecOpts {
  strategy: string;
  param: Record<string, number>;
  fidelity: 'bar' | 'l1' | 'l2';
  cash: string;
  commission: string;
  haircutBps: number;
  sizing: string;
  from?: number;
  to?: number;
  seed: number;
}

function specOptions(c: Command, several = false): Command {
  return (several ? c.requiredOption('--data <file>', 'a CSV file, a directory of them, or the name or hash of an imported series; repeatable for the target strategies (several instruments on one clock)', collect, []) : c.requiredOption('--data <file>', 'a CSV file, or the name or hash of an imported series'))
    .option('--strategy <s>', several ? 'strategy (sma-cross, peek-ahead; target weights: strategic, tactical, stat-model, l2)' : 'strategy (sma-cross, peek-ahead)', 'sma-cross')
    .option('--param <k=v>', 'strategy parameter, repeatable', paramArg, {})
    .addOption(new Option('--fidelity <f>', 'bar, l1 or l2').choices(['bar', 'l1', 'l2']).default('bar'))
    .option('--cash <c>', 'starting cash', decimalArg('cash', 0, 1e15), '100000')
    .option('--commission <c>', 'commission, fraction of traded value', decimalArg('commission', 0, 0.5), '0')
    .option('--haircut-bps <n>', 'L1 haircut, bps', numberArg('haircut-bps', 0, 10_000), 0)
    .option('--sizing <s>', 'all-in or fixed:N', 'all-in')
    .option('--from <date>', 'first bar', timeArg('--from'))
    .option('--to <date>', 'last bar', timeArg('--to'))
    .option('--seed <n>', 'seed (random search draws from it)', intArg('seed', 0, 2 ** 31 - 1), 42);
}

async function specFrom(o: SpecOpts, instrument: string) {
  const [{ sizingArg }, { strategyDef, isTargetStrategy }] = await Promise.all([import('../backtest/run-spec.ts'), import('../backtest/strategies/index.ts')]);
  // Sweeps and walk-forward run the one-instrument bar strategies; the target strategies have run, fidelities and lookahead.
  if (isTargetStrategy(o.strategy)) throw new CliExit(EXIT.usage, `${o.strategy} is a target strategy: give it several --data (its inputs are read by targetSweepInputs)`);
  const def = strategyDef(o.strategy);
  return {
    def,
    spec: {
      strategy: o.strategy,
      params: { ...def.defaults, ...o.param },
      fidelity: o.fidelity,
      cash: o.cash,
      commission: o.commission,
      sizing: sizingArg(o.sizing),
      haircutBps: o.haircutBps,
      ...(o.from !== undefined ? { fromMs: o.from } : {}),
      ...(o.to !== undefined ? { toMs: o.to } : {}),
      seed: o.seed,
      instrument,
    },
  };
}

/** `backtest lookahead`, `backtest sweep`, `backtest walkforward`. */
function registerResearchCommands(bt: Command, ctx: CliContext, dataDir: () => Promise<string>, load: typeof loadData): void {
  const bars = async (data: string) => {
    const d = await load(await dataDir(), data, undefined, undefined);
    if (d.series.kind !== 'bars') throw new CliExit(EXIT.usage, `${data} is a trade tape; this command needs bars`);
    return { d, series: d.series };
  };
  specOptions(bt.command('lookahead'), true)
    .description('run the strategy on the data cut off at several points and check that no decision before a cut changes (exit 1 when one does)')
    .option('--json', 'print JSON')
    .action((o: SpecOpts & { data: string[]; json?: boolean }) =>
      guarded(async () => {
        const { isTargetStrategy } = await import('../backtest/strategies/index.ts');
        if (isTargetStrategy(o.strategy)) return targetLookaheadCommand({ ...o, sizing: 'target' }, ctx, await dataDir());
        if (o.data.length !== 1) throw new CliExit(EXIT.usage, `${o.strategy} trades one instrument: give one --data`);
        const [{ lookaheadCheck }, { configOf }, { barsBetween }] = await Promise.all([import('../backtest/lookahead.ts'), import('../backtest/run-spec.ts'), import('../backtest/data/series.ts')]);
        const { d, series } = await bars(o.data[0]!);
        const { def, spec } = await specFrom(o, d.info.name);
        const { kernelBarEngine } = await import('../kernel/backtest-bars.ts');
        const r = await lookaheadCheck(barsBetween(series, spec.fromMs, spec.toMs), def, spec.params, configOf(spec), kernelBarEngine);
        ctx.print(!!o.json, r, () =>
          r.biased
            ? [`LOOK-AHEAD BIAS: ${o.strategy} changed ${r.mismatches.length}${r.mismatches.length >= 50 ? '+' : ''} earlier decision(s) when later data was cut off`, table(['CUT AT BAR', 'BAR', 'DATE', 'FULL', 'TRUNCATED'], r.mismatches.slice(0, 10).map((m) => [m.cut, m.bar, iso(m.time), m.full, m.truncated]))].join('\n')
            : `no look-ahead: ${r.decisionsCompared} decisions identical with the data cut at bars ${r.cuts.join(', ')} (warm-up ${def.create(spec.params).warmup} bars)`,
        );
        if (r.biased) throw new CliExit(EXIT.failed, 'LOOKAHEAD_BIAS: the strategy reads data after the bar it decides on');
      }),
    );
  specOptions(bt.command('fidelities'), true)
    .description('the same run at bar, l1 and l2 side by side: how much of the result each fill assumption explains; on a trade tape l3 runs too, through the engine on the same tape (on a bar series l3 is listed as not run, NO_TAPE); a target strategy over several --data runs bar, l1 and l2')
    .option('--spread-bps <n>', 'L2 quoted spread, bps', numberArg('spread-bps', 0, 10_000))
    .option('--impact-k <k>', 'L2 impact coefficient', numberArg('impact-k', 0, 100))
    .option('--bar <interval>', 'trade tape: bar length every level decides on, built from the tape (30s, 1m, 5m, 1h)', '1m')
    .option('--symbol <s>', 'trade tape: its instrument (default: from the file name, e.g. binance_XRPETH_… → XRP/ETH)')
    .option('--latency-ms <n>', 'l3: the venue\'s median message latency, ms', numberArg('latency-ms', 0, 60_000), 4)
    .addOption(new Option('--urgency <u>', 'trade tape: urgency of l2 (impact scale) and l3 (routing picks the algorithm); default immediate').choices([...URGENCIES]))
    .option('--desk-guards', "trade tape: l3 runs with the desk's own guards (PMS escalation, breakers), as backtest run --desk-guards; the bar levels never have them")
    .option('--json', 'print JSON')
    .action((o: SpecOpts & { data: string[]; spreadBps?: number; impactK?: number; bar: string; symbol?: string; latencyMs?: number; urgency?: Urgency; deskGuards?: boolean; json?: boolean }) =>
      guarded(async () => {
        const { isTargetStrategy } = await import('../backtest/strategies/index.ts');
        // Refused, not ignored: target strategies run on bar series, where no level has the desk's guards.
        if (isTargetStrategy(o.strategy) && o.deskGuards) throw new CliExit(EXIT.usage, `--desk-guards applies to l3 on a trade tape; ${o.strategy} runs on bar series (bar, l1, l2)`);
        if (isTargetStrategy(o.strategy)) return targetFidelitiesCommand({ ...o, sizing: 'target' }, ctx, await dataDir());
        if (o.data.length !== 1) throw new CliExit(EXIT.usage, `${o.strategy} trades one instrument: give one --data`);
        const { runSpec } = await import('../backtest/run-spec.ts');
        const d = await load(await dataDir(), o.data[0]!, undefined, undefined);
        const { spec: base } = await specFrom(o, d.info.name);
        let spec: RunSpec = { ...base, ...(o.spreadBps !== undefined ? { spreadBps: o.spreadBps } : {}), ...(o.impactK !== undefined ? { impactK: o.impactK } : {}) };
        let series: BarSeries;
        let tape: TradeTape | null = null;
        if (d.series.kind === 'bars') {
          if (o.deskGuards) throw new CliExit(EXIT.usage, `--desk-guards applies to l3, which runs on a trade tape; ${d.info.name} is a bar series`);
          series = d.series;
        } else {
          // A trade tape: every level decides on the bars an L3 run builds from it, and L3 runs too.
          const t = await tapeLevelSpec(spec, d.info, d.series, o);
          spec = t.spec;
          series = t.bars;
          tape = d.series;
        }
        const levels = (['bar', 'l1', 'l2'] as const).filter((f) => f !== 'l2' || series.volume.some((v) => v > 0));
        const { kernelBarEngine } = await import('../kernel/backtest-bars.ts');
        const out: { fidelity: 'bar' | 'l1' | 'l2' | 'l3'; finalValue: number; fills: number; metrics: BacktestReport['metrics']; l3?: L3Stats }[] = [];
        for (const fidelity of levels) {
          const r = (await runSpec({ ...spec, fidelity }, series, kernelBarEngine)).report;
          out.push({ fidelity, finalValue: r.finalValue, fills: r.fills, metrics: r.metrics });
        }
        if (tape) {
          const { runL3Spec } = await import('../kernel/backtest-l3.ts');
          const r = (await runL3Spec({ ...spec, fidelity: 'l3', ...(o.deskGuards ? { deskGuards: true as const } : {}) }, tape)).report;
          out.push({ fidelity: 'l3', finalValue: r.finalValue, fills: r.fills, metrics: r.metrics, l3: r.l3! });
        }
        const { attribute } = await import('../backtest/fidelity-attribution.ts');
        const steps = attribute(out.map((x) => ({ fidelity: x.fidelity, finalValue: x.finalValue, costs: x.metrics.costs })));
        ctx.print(!!o.json, out, () =>
          [
            table(
              ['FIDELITY', 'FINAL VALUE', 'RETURN', 'SHARPE', 'MAX DD', 'FEES', 'SPREAD', 'IMPACT', 'FILLS', 'FILL ASSUMPTION'],
              out.map((x) => [x.fidelity, num(x.finalValue, 2), pct(x.metrics.totalReturn), num(x.metrics.sharpe), pct(x.metrics.maxDrawdown), num(x.metrics.costs.fees, 2), num(x.metrics.costs.spread, 2), num(x.metrics.costs.impact, 2), x.fills, x.metrics.assumptions.fills]),
            ),
            ...out.map((x) => `${x.fidelity}: ${x.metrics.assumptions.costs}`),
            ...(levels.length < 3 ? ['l2 not run (NO_VOLUME): the series has no volume; L2 sizes impact and participation by bar volume'] : []),
            // The same typed reason the host's comparison gives (backtest.fidelities): L3 is never faked on bars.
            ...(tape
              ? [`l3 venue: ${venueCell(out[out.length - 1]!.l3)}; ${spec.instrument}, ${out[out.length - 1]!.l3!.tapeTrades} recorded trades, bars of ${o.bar}`, `l3 trading state: ${stateCell(out[out.length - 1]!.l3!)}`]
              : [`l3 not run (NO_TAPE): ${d.info.name} is a bar series; L3 drives the simulated venue from a recorded trade tape (run a tape with backtest run --fidelity l3)`]),
            '',
            table(
              ['STEP', 'CHANGE', 'FEES', 'SPREAD', 'IMPACT', 'FILL PRICE & TIMING'],
              steps.map((s) => [`${s.from} → ${s.to}`, num(s.change, 2), num(s.fees, 2), num(s.spread, 2), num(s.impact, 2), num(s.rest, 2)]),
            ),
          ].join('\n'),
        );
      }),
    );
  specOptions(bt.command('sweep'), true)
    .description('run a grid (or --random N points of it) of parameters on worker_threads; Ctrl-C cancels and keeps the rows done')
    .option('--grid <k=spec>', 'K=a,b,c or K=from:to:step, repeatable', gridArg, {})
    .option('--random <n>', 'draw N points of the grid at random (by --seed) instead of all', intArg('random', 1, 1_000_000))
    .option('--workers <n>', 'worker threads (default: one per core)', intArg('workers', 1, 256))
    .addOption(new Option('--sort <m>', 'sort the table by').choices(['sharpe', 'return', 'drawdown', 'index']).default('sharpe'))
    .option('--json', 'print JSON')
    .action((o: SpecOpts & { data: string[]; grid: Record<string, number[]>; random?: number; workers?: number; sort: string; json?: boolean }) =>
      guarded(async () => {
        if (Object.keys(o.grid).length === 0) throw new CliExit(EXIT.usage, 'give at least one --grid K=values');
        const [{ gridPoints, randomPoints, summarise, summariseTargets }, { sweepOnWorkers }, { isTargetStrategy }] = await Promise.all([import('../backtest/sweep.ts'), import('./backtest-sweep.ts'), import('../backtest/strategies/index.ts')]);
        // A target strategy sweeps over its instruments (several --data), each point through the kernel's target run.
        const target = isTargetStrategy(o.strategy) ? await targetSweepInputs({ ...o, sizing: 'target' }, await dataDir()) : null;
        if (!target && o.data.length !== 1) throw new CliExit(EXIT.usage, `${o.strategy} trades one instrument: give one --data`);
        const { d, series } = target ? { d: { info: { name: target.dataName, hash: target.dataHash } }, series: target.series } : await bars(o.data[0]!);
        const { spec } = target ?? (await specFrom(o, d.info.name));
        const points = o.random !== undefined ? randomPoints(o.grid, o.random, o.seed) : gridPoints(o.grid);
        const { ENGINE_VERSION } = await import('../kernel/version.ts');
        const { engineBuild } = await import('../kernel/build-id.ts');
        // Kept from its start (status running): a sweep cut short by a kill reads as interrupted.
        const store = (await openStores(await dataDir())).runs();
        const kept = (() => {
          try {
            return store.startSweep({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName: d.info.name, dataHash: d.info.hash, spec, grid: o.grid, random: o.random ?? null });
          } finally {
            store.close();
          }
        })();
        const finish = async (outcome: import('../backtest/runs.ts').SweepOutcome) => {
          const runs = (await openStores(await dataDir())).runs();
          try {
            runs.finishSweep(kept.id, outcome);
          } finally {
            runs.close();
          }
        };
        const ac = new AbortController();
        const onSigint = () => ac.abort();
        process.once('SIGINT', onSigint);
        const t0 = performance.now();
        const tty = !o.json && process.stderr.isTTY;
        let r;
        try {
          r = await sweepOnWorkers(spec, series, points, {
            ...(o.workers !== undefined ? { workers: o.workers } : {}),
            signal: ac.signal,
            onProgress: ({ done, total }) => {
              if (!tty) return;
              const w = 30;
              const f = Math.round((done / total) * w);
              const el = (performance.now() - t0) / 1000;
              ctx.io.err(`\r[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${total}  ETA ${((el / done) * (total - done)).toFixed(1)} s `);
            },
          });
        } finally {
          process.off('SIGINT', onSigint);
          if (tty) ctx.io.err('\n');
        }
        const seconds = (performance.now() - t0) / 1000;
        const { barsBetween } = await import('../backtest/data/series.ts');
        const { kernelBarEngine } = await import('../kernel/backtest-bars.ts');
        let s;
        try {
          s = Array.isArray(series) ? await summariseTargets(r.rows, series, spec, target!.engine) : await summarise(r.rows, barsBetween(series as BarSeries, spec.fromMs, spec.toMs), spec, kernelBarEngine);
        } catch (err) {
          await finish({ status: 'failed', points: points.length, rows: r.rows, best: null, deflatedSharpe: null, probabilisticSharpe: null, workers: r.workers, seconds, error: err instanceof Error ? err.message : String(err) });
          throw err;
        }
        await finish({ status: r.cancelled ? 'cancelled' : 'done', points: points.length, rows: s.rows, best: s.best, deflatedSharpe: s.deflatedSharpe, probabilisticSharpe: s.probabilisticSharpe, workers: r.workers, seconds, error: null });
        const out = { sweepId: kept.id, jobId: `SW${kept.id}`, points: points.length, done: r.rows.length, cancelled: r.cancelled, workers: r.workers, seconds, best: s.best, deflatedSharpe: s.deflatedSharpe, probabilisticSharpe: s.probabilisticSharpe, rows: sortRows(s.rows, o.sort) };
        ctx.print(!!o.json, out, () => sweepText(Object.keys(o.grid), out));
        if (r.cancelled) throw new CliExit(EXIT.failed, 'CANCELLED: the sweep was interrupted; the rows above are the points finished');
      }),
    );
  bt.command('sweeps')
    .description('kept sweeps, newest first (their tables: backtest sweep-result ID)')
    .option('--limit <n>', 'how many', intArg('limit', 1, 10_000), 50)
    .option('--json', 'print JSON')
    .action((o: { limit: number; json?: boolean }) =>
      guarded(async () => {
        const runs = (await openStores(await dataDir())).runs();
        try {
          const list = runs.listSweeps(o.limit);
          ctx.print(!!o.json, list, () =>
            table(
              ['ID', 'CREATED', 'STRATEGY', 'GRID', 'POINTS', 'FIDELITY', 'DATA', 'STATUS', 'BEST', 'SHARPE', 'DEFLATED'],
              list.map((x) => [`SW${x.id}`, new Date(x.createdAt).toISOString().slice(0, 19) + 'Z', x.strategy, x.keys.join(' × '), x.points, x.fidelity, x.dataName, x.status, x.bestParams ? paramText(x.bestParams) : null, num(x.bestSharpe), num(x.deflatedSharpe, 4)]),
            ),
          );
        } finally {
          runs.close();
        }
      }),
    );
  bt.command('sweep-result <id>')
    .description('one kept sweep: its grid, every point\'s metrics, the best point and its deflated Sharpe (ID as listed: SW12 or 12)')
    .addOption(new Option('--sort <m>', 'sort the table by').choices(['sharpe', 'return', 'drawdown', 'index']).default('sharpe'))
    .option('--json', 'print JSON')
    .action((id: string, o: { sort: string; json?: boolean }) =>
      guarded(async () => {
        const m = /^(?:SW)?(\d+)$/i.exec(id.trim());
        if (!m) throw new CliExit(EXIT.usage, `a sweep id looks like SW12 or 12, got "${id}"`);
        const runs = (await openStores(await dataDir())).runs();
        try {
          const r = runs.getSweep(Number(m[1]));
          if (!r) throw new CliExit(EXIT.failed, `SWEEP_NOT_FOUND: no sweep ${id} (see strata backtest sweeps)`);
          const x = r.outcome;
          const out = {
            sweepId: r.id,
            jobId: `SW${r.id}`,
            createdAt: r.createdAt,
            engineVersion: r.engineVersion,
            engineBuild: r.engineBuild,
            dataName: r.dataName,
            dataHash: r.dataHash,
            spec: r.spec,
            grid: r.grid,
            random: r.random,
            status: x ? r.status : 'interrupted',
            points: x?.points ?? null,
            done: x?.rows.length ?? 0,
            cancelled: r.status === 'cancelled',
            workers: x?.workers ?? 0,
            seconds: x?.seconds ?? null,
            best: x?.best ?? null,
            deflatedSharpe: x?.deflatedSharpe ?? null,
            probabilisticSharpe: x?.probabilisticSharpe ?? null,
            error: x ? x.error : 'the process running it stopped before the sweep finished',
            rows: sortRows(x?.rows ?? [], o.sort),
          };
          ctx.print(!!o.json, out, () =>
            [
              fields([
                ['sweep', `SW${r.id} (${out.status})`],
                ['strategy', `${r.spec.strategy} ${paramText(r.spec.params)}, fidelity ${r.spec.fidelity}`],
                ['grid', Object.entries(r.grid).map(([k, v]) => `${k}=${v.join(',')}`).join(' ') + (r.random !== null ? ` (${r.random} random points)` : '')],
                ['data', `${r.dataName} (${r.dataHash.slice(0, 12)})`],
                ['engine', engineText(r.engineVersion, r.engineBuild)],
                ...(out.error ? ([['error', out.error]] as [string, string][]) : []),
              ]),
              '',
              sweepText(Object.keys(r.grid), { ...out, points: out.points ?? out.done, seconds: out.seconds ?? 0 }),
            ].join('\n'),
          );
        } finally {
          runs.close();
        }
      }),
    );
  specOptions(bt.command('walkforward'), true)
    .description('walk-forward: sweep the grid on each in-sample window, trade the best point on the next out-of-sample window')
    .option('--grid <k=spec>', 'K=a,b,c or K=from:to:step, repeatable', gridArg, {})
    .requiredOption('--in-sample <n>', 'bars per in-sample window', intArg('in-sample', 10, 10_000_000))
    .requiredOption('--out-of-sample <n>', 'bars per out-of-sample window', intArg('out-of-sample', 2, 10_000_000))
    .option('--json', 'print JSON')
    .action((o: SpecOpts & { data: string[]; grid: Record<string, number[]>; inSample: number; outOfSample: number; json?: boolean }) =>
      guarded(async () => {
        if (Object.keys(o.grid).length === 0) throw new CliExit(EXIT.usage, 'give at least one --grid K=values');
        const [{ walkForward, walkForwardTargets }, { isTargetStrategy }] = await Promise.all([import('../backtest/walk-forward.ts'), import('../backtest/strategies/index.ts')]);
        let r;
        if (isTargetStrategy(o.strategy)) {
          // The instruments on one clock; the windows count its steps; every run through the kernel's target run.
          const t = await targetSweepInputs({ ...o, sizing: 'target' }, await dataDir());
          const { runTargetSpecOnKernel } = await import('../kernel/backtest-targets.ts');
          r = await walkForwardTargets(t.spec, t.series, o.grid, o.inSample, o.outOfSample, async (spec, series, tradeFromMs) => (await runTargetSpecOnKernel(spec, series, tradeFromMs !== undefined ? { tradeFromMs } : {})).result);
        } else {
          if (o.data.length !== 1) throw new CliExit(EXIT.usage, `${o.strategy} trades one instrument: give one --data`);
          const { d, series } = await bars(o.data[0]!);
          const { spec } = await specFrom(o, d.info.name);
          const { kernelBarEngine } = await import('../kernel/backtest-bars.ts');
          r = await walkForward(spec, series, o.grid, o.inSample, o.outOfSample, kernelBarEngine);
        }
        ctx.print(!!o.json, r, () =>
          [
            table(
              ['IN-SAMPLE', 'OUT-OF-SAMPLE', 'BEST', 'IS SHARPE', 'OOS RETURN', 'OOS SHARPE', 'OOS TRADES'],
              r.windows.map((w) => [`${iso(w.inSample.from)}..${iso(w.inSample.to)}`, `${iso(w.outOfSample.from)}..${iso(w.outOfSample.to)}`, w.best ? paramText(w.best) : null, num(w.inSampleSharpe), pct(w.outOfSampleReturn), num(w.outOfSampleSharpe), w.outOfSampleTrades]),
            ),
            `out-of-sample return, chained over ${r.windows.length} windows: ${pct(r.outOfSampleReturn)}`,
          ].join('\n'),
        );
      }),
    );
}

export { gridArg, paramArg };
