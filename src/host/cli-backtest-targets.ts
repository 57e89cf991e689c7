import { CONSTRUCTION_METHODS } from '../contract/api/portfolio.ts';
import type { Urgency } from '../contract/dto.ts';
import type { BacktestReport, RunSpec } from '../backtest/run-spec.ts';
import type { InstrumentSeries, TargetAttribution } from '../backtest/strategies/target-runner.ts';
import type { TargetSpecEngine } from '../backtest/sweep.ts';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, table } from './cli-common.ts';
import { iso, loadData, num, openStores, pct, reportText } from './cli-backtest-data.ts';
import type { FORMATS } from './cli-backtest-data.ts';

/**
 * `backtest run` and `backtest lookahead` for the target strategies (strategic, tactical,
 * stat-model, l2): several `--data` (or a directory of CSV files) on one clock, the live alphas and
 * rebalancer (src/backtest/strategies/target-runner.ts), per-alpha and per-instrument attribution
 * printed and kept with the run.
 */

/** commander's collector for a repeatable option. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export const TARGET_PARAMS_HELP =
  'strategic: cash, policyDrift; tactical: lookback, skip, trendPeriod, volWindow, volHistory, highVolPercentile, highVolExposure, topN, grossExposure, momentumScale, horizonDays; stat-model: lags, volWindow, fitWindow, minFitSamples, refitEvery, horizonBars, lambda, feeBps, thresholdBps, convictionScaleBps, targetWeight, logistic; l2: strategic, tactical, model (conviction weights) and <alpha>_<param>; every target strategy: driftThreshold, cashBuffer, minTrade, lot, and the live construction: method=' + CONSTRUCTION_METHODS.join('|') + ' (default signal-weighted), lookbackDays, minWeight, maxWeight';

/** The --data values with each directory replaced by its CSV/TXT files, sorted. */
async function expand(data: readonly string[]): Promise<string[]> {
  const [{ existsSync, readdirSync, statSync }, { join }] = await Promise.all([import('node:fs'), import('node:path')]);
  const out: string[] = [];
  for (const d of data) {
    if (existsSync(d) && statSync(d).isDirectory()) {
      const files = readdirSync(d)
        .filter((f) => /\.(csv|txt)$/i.test(f))
        .sort()
        .map((f) => join(d, f));
      if (files.length === 0) throw new CliExit(EXIT.usage, `${d} is a directory without .csv or .txt files`);
      out.push(...files);
    } else out.push(d);
  }
  return out;
}

/** Loads every --data as a bar series named by its stored name; refuses a trade tape (no target run on one). */
async function loadAll(dir: string, data: readonly string[], format: (typeof FORMATS)[number] | undefined) {
  const files = await expand(data);
  const [{ existsSync }, { basename }] = await Promise.all([import('node:fs'), import('node:path')]);
  const loaded = [];
  for (const f of files) {
    // A file is stored under its name without the extension (AAPL.csv → AAPL): the instrument's name in the run.
    const d = await loadData(dir, f, format, existsSync(f) ? basename(f).replace(/\.(csv|txt)$/i, '') : undefined);
    if (d.series.kind !== 'bars') throw new CliExit(EXIT.usage, `${d.info.name} is a trade tape; the target strategies run on bars (fidelity bar, l1, l2)`);
    loaded.push({ info: d.info, series: d.series });
  }
  const names = loaded.map((d) => d.info.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new CliExit(EXIT.usage, `two --data have the name ${dup}: import one under another name (strata data import FILE --name N)`);
  const { createHash } = await import('node:crypto');
  // One series: its own hash; several: the hash of their hashes in order (the same inputs, the same run).
  const dataHash = loaded.length === 1 ? loaded[0]!.info.hash : createHash('sha256').update(loaded.map((d) => d.info.hash).join('\n')).digest('hex');
  const series: InstrumentSeries[] = loaded.map((d) => ({ name: d.info.name, bars: d.series }));
  return { series, names, dataName: names.join('+'), dataHash };
}

/** `backtest run`'s options that a target run reads (the run command's own options extend them). */
export interface TargetRunOpts {
  data: string[];
  format?: (typeof FORMATS)[number];
  strategy: string;
  param: Record<string, number>;
  fidelity: 'bar' | 'l1' | 'l2' | 'l3';
  cash: string;
  commission: string;
  haircutBps: number;
  spreadBps?: number;
  impactK?: number;
  urgency?: Urgency;
  participation?: number;
  sizing?: string;
  from?: number;
  to?: number;
  seed: number;
  save?: boolean;
  json?: boolean;
}

/**
 * A run spec's fields from `backtest run`'s options, between the strategy and the instrument (the
 * bar and target runs share them; the key order is the spec's, which its hash reads).
 */
export function runSpecFields(o: TargetRunOpts, sizing: RunSpec['sizing']) {
  return {
    fidelity: o.fidelity,
    cash: o.cash,
    commission: o.commission,
    sizing,
    haircutBps: o.haircutBps,
    ...(o.spreadBps !== undefined ? { spreadBps: o.spreadBps } : {}),
    ...(o.impactK !== undefined ? { impactK: o.impactK } : {}),
    ...(o.urgency !== undefined ? { urgency: o.urgency } : {}),
    ...(o.participation !== undefined ? { participationCap: o.participation } : {}),
    ...(o.from !== undefined ? { fromMs: o.from } : {}),
    ...(o.to !== undefined ? { toMs: o.to } : {}),
    seed: o.seed,
  };
}

async function targetSpec(o: TargetRunOpts, names: readonly string[]): Promise<RunSpec> {
  const [{ targetStrategyDef }, { BacktestConfigError }] = await Promise.all([import('../backtest/strategies/index.ts'), import('../backtest/bar-runner.ts')]);
  const def = targetStrategyDef(o.strategy);
  if (!def) throw new BacktestConfigError(`--sizing target turns target weights into orders; ${o.strategy} is a bar strategy (use all-in or fixed:N), the target strategies are strategic, tactical, stat-model, l2`);
  // Seed 001's dynamic sizing (confidence, volatility, drawdown, correlation, capacity: src/portfolio/sizing.ts) is
  // not run on the backtest's book: refused by name rather than run unsized under a label that says otherwise.
  if (o.sizing !== undefined && /^(dynamic|kelly|vol-target|volatility-target)$/.test(o.sizing)) throw new BacktestConfigError(`DYNAMIC_SIZING_OFF: a target run sizes by its construction method (--param method=...) and the rebalancer (driftThreshold, cashBuffer, maxWeight); dynamic sizing (${o.sizing}) is not applied in backtests: run without --sizing`);
  if (o.sizing !== undefined && o.sizing !== 'target') throw new BacktestConfigError(`${o.strategy} produces target weights over instruments: its sizing is target (the live rebalancer), not ${o.sizing}`);
  if (o.fidelity === 'l3') throw new BacktestConfigError('L3_NEEDS_TAPE: fidelity l3 drives the simulated venue from a recorded trade tape of one instrument; the target strategies run at bar, l1 or l2');
  return {
    strategy: o.strategy,
    params: { ...def.defaults, ...o.param },
    ...runSpecFields(o, { kind: 'target' }),
    instrument: names.join('+'),
    instruments: [...names],
  };
}

/**
 * A target sweep's (and walk-forward's) inputs: the instruments, the base spec, the data's name and
 * hash as a run keeps them, and the engine the best point is run again on (the kernel's target run).
 */
export async function targetSweepInputs(o: TargetRunOpts, dir: string): Promise<{ series: InstrumentSeries[]; spec: RunSpec; dataName: string; dataHash: string; engine: TargetSpecEngine }> {
  const { runTargetSpecOnKernel } = await import('../kernel/backtest-targets.ts');
  const { series, names, dataName, dataHash } = await loadAll(dir, o.data, o.format);
  return { series, spec: await targetSpec(o, names), dataName, dataHash, engine: async (spec, s) => (await runTargetSpecOnKernel(spec, s)).result };
}

export async function runTargetCommand(o: TargetRunOpts, ctx: CliContext, dir: string): Promise<void> {
  const [{ runTargetSpecOnKernel }, { ENGINE_VERSION }, { createHash }, { engineBuild }] = await Promise.all([import('../kernel/backtest-targets.ts'), import('../kernel/version.ts'), import('node:crypto'), import('../kernel/build-id.ts')]);
  const { series, names, dataName, dataHash } = await loadAll(dir, o.data, o.format);
  const spec = await targetSpec(o, names);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // Every order through the kernel: intake, L1, the OMS and its journal, the bar venue.
  const { result, report, orders, denied, kernelCash } = await runTargetSpecOnKernel(spec, series);
  const cpu = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const resultHash = createHash('sha256').update(JSON.stringify(report)).update(Buffer.from(result.equity.buffer, result.equity.byteOffset, result.equity.byteLength)).digest('hex');
  let runId: number | null = null;
  if (o.save !== false) {
    const runs = (await openStores(dir)).runs();
    try {
      runId = runs.save({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName, dataHash, spec, report, resultHash, time: new Float64Array(result.time), equity: result.equity }).id;
    } finally {
      runs.close();
    }
  }
  const out = { runId, engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName, dataHash, resultHash, barsPerSecond: Math.round(report.bars / Math.max(seconds, 1e-9)), cpuSeconds: (cpu.user + cpu.system) / 1e6, kernel: { orders, denied, cash: kernelCash }, ...report };
  ctx.print(!!o.json, out, () => `${reportText(out)}${attributionText(report)}\nkernel: ${orders} orders filled by the bar venue, ${denied} denied by L1 or the OMS; engine cash ${kernelCash.toFixed(8)}`);
}

/** The per-alpha and per-instrument tables of a target run ('' for any other run). */
export function attributionText(r: Pick<BacktestReport, 'attribution' | 'notes'>): string {
  const a: TargetAttribution | undefined = r.attribution;
  if (!a) return '';
  const lines = [
    '',
    table(['ALPHA', 'PNL', 'RETURN', ...a.instruments.map((x) => x.instrument)], a.alphas.map((x) => [x.alpha, num(x.pnl, 2), pct(x.returnContribution), ...a.instruments.map((i) => num(x.byInstrument[i.instrument] ?? 0, 2))]), [undefined, 'r', 'r', ...a.instruments.map(() => 'r' as const)]),
    `(per-alpha rule: ${a.rule}; ${a.rebalances} rebalances, ${a.orders} fills)`,
    '',
    table(
      ['INSTRUMENT', 'PNL', 'RETURN', 'FEES', 'SPREAD', 'IMPACT', 'FILLS', 'BUYS', 'SELLS', 'TRADED', 'FINAL QTY', 'FINAL WEIGHT'],
      a.instruments.map((x) => [x.instrument, num(x.pnl, 2), pct(x.returnContribution), num(x.fees, 2), num(x.spread, 2), num(x.impact, 2), x.fills, x.buys, x.sells, num(x.traded, 2), x.finalQty, pct(x.finalWeight)]),
      [undefined, 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  if (r.notes && r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

/** `backtest lookahead` for a target strategy: every target decided before a cut must stay the same. */
export async function targetLookaheadCommand(o: TargetRunOpts, ctx: CliContext, dir: string): Promise<void> {
  const [{ targetLookahead }, { targetStrategyDef }, { barsBetween }] = await Promise.all([import('../backtest/strategies/target-lookahead.ts'), import('../backtest/strategies/index.ts'), import('../backtest/data/series.ts')]);
  const { series, names } = await loadAll(dir, o.data, o.format);
  const spec = await targetSpec(o, names);
  const def = targetStrategyDef(spec.strategy)!;
  const { configOfTarget } = await import('../backtest/run-spec.ts');
  const r = await targetLookahead(
    series.map((s) => ({ name: s.name, bars: barsBetween(s.bars, spec.fromMs, spec.toMs) })),
    def,
    spec.params,
    configOfTarget(spec),
  );
  ctx.print(!!o.json, r, () =>
    r.biased
      ? [`LOOK-AHEAD BIAS: ${o.strategy} changed ${r.mismatches.length}${r.mismatches.length >= 50 ? '+' : ''} earlier target(s) when later data was cut off`, table(['CUT AT', 'DECIDED', 'FULL', 'TRUNCATED'], r.mismatches.slice(0, 10).map((m) => [iso(m.cutTime), iso(m.time), JSON.stringify(m.full), JSON.stringify(m.truncated)]))].join('\n')
      : `no look-ahead: ${r.decisionsCompared} target decisions identical with the data cut at ${r.cuts.map((c) => iso(c)).join(', ')} (${names.join(', ')})`,
  );
  if (r.biased) throw new CliExit(EXIT.failed, 'LOOKAHEAD_BIAS: the strategy reads data after the bar it decides on');
}

/**
 * `backtest fidelities` for a target strategy: the same run at bar, l1 and l2 (l2 only when every
 * instrument has volume), each through the kernel, side by side with its costs and the step from
 * one level to the next split into fees, spread, impact and the rest (fill price and timing).
 */
export async function targetFidelitiesCommand(o: TargetRunOpts, ctx: CliContext, dir: string): Promise<void> {
  const [{ runTargetSpecOnKernel }, { attribute }] = await Promise.all([import('../kernel/backtest-targets.ts'), import('../backtest/fidelity-attribution.ts')]);
  const { series, names } = await loadAll(dir, o.data, o.format);
  const base = await targetSpec({ ...o, fidelity: 'bar' }, names);
  const withVolume = series.every((s) => s.bars.volume.some((v) => v > 0));
  const levels = (['bar', 'l1', 'l2'] as const).filter((f) => f !== 'l2' || withVolume);
  const out: { fidelity: 'bar' | 'l1' | 'l2'; finalValue: number; fills: number; denied: number; metrics: BacktestReport['metrics']; alphas: { alpha: string; pnl: number }[] }[] = [];
  for (const fidelity of levels) {
    const r = await runTargetSpecOnKernel({ ...base, fidelity }, series);
    out.push({ fidelity, finalValue: r.report.finalValue, fills: r.report.fills, denied: r.denied, metrics: r.report.metrics, alphas: (r.report.attribution?.alphas ?? []).map((a) => ({ alpha: a.alpha, pnl: a.pnl })) });
  }
  const steps = attribute(out.map((x) => ({ fidelity: x.fidelity, finalValue: x.finalValue, costs: x.metrics.costs })));
  const alphas = out[0]?.alphas.map((a) => a.alpha) ?? [];
  ctx.print(!!o.json, out, () =>
    [
      table(
        ['FIDELITY', 'FINAL VALUE', 'RETURN', 'SHARPE', 'MAX DD', 'FEES', 'SPREAD', 'IMPACT', 'FILLS', ...alphas.map((a) => `${a.toUpperCase()} PNL`)],
        out.map((x) => [x.fidelity, num(x.finalValue, 2), pct(x.metrics.totalReturn), num(x.metrics.sharpe), pct(x.metrics.maxDrawdown), num(x.metrics.costs.fees, 2), num(x.metrics.costs.spread, 2), num(x.metrics.costs.impact, 2), x.fills, ...alphas.map((a) => num(x.alphas.find((y) => y.alpha === a)?.pnl ?? 0, 2))]),
      ),
      ...out.map((x) => `${x.fidelity}: ${x.metrics.assumptions.fills}; ${x.metrics.assumptions.costs}`),
      ...(withVolume ? [] : [`l2 not run (NO_VOLUME): ${series.filter((s) => !s.bars.volume.some((v) => v > 0)).map((s) => s.name).join(', ')} has no volume; L2 sizes impact and participation by bar volume`]),
      'l3 not run (NO_TAPE): L3 drives the simulated venue from a recorded trade tape of one instrument',
      '',
      table(['STEP', 'CHANGE', 'FEES', 'SPREAD', 'IMPACT', 'FILL PRICE & TIMING'], steps.map((s) => [`${s.from} → ${s.to}`, num(s.change, 2), num(s.fees, 2), num(s.spread, 2), num(s.impact, 2), num(s.rest, 2)])),
    ].join('\n'),
  );
}
