import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, fields } from './cli-common.ts';
import type { Urgency } from '../contract/dto.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import type { BarSeries, TradeTape } from '../backtest/data/series.ts';
import { FORMATS, loadData, openStores, reportText } from './cli-backtest-data.ts';

/**
 * `strata backtest run --fidelity l3` and what reads a trade tape for the other commands: the bars
 * a tape is decided on (so bar, l1 and l2 see the bars L3 does), the `--bar` length, and the
 * venue's side of an L3 run as text. Its stores, data loading and run report are the other
 * backtest commands' (cli-backtest-data.ts).
 */

/**
 * `backtest run --fidelity l3`: the strategy decides on bars built from a trade tape and its orders
 * run through the engine (src/kernel/backtest-l3.ts). The tape is stored in series.db like any
 * imported series (once, by content hash) and the run always reads it from there, so a kept run's
 * data hash names exactly what it ran on; the run is kept in backtests.db like the other fidelities.
 */
export async function runL3Command(
  o: { data: string; format?: (typeof FORMATS)[number]; name?: string; symbol?: string; strategy: string; param: Record<string, number>; bar: string; latencyMs?: number; deskGuards?: boolean; cash: string; commission: string; urgency?: Urgency; sizing: string; from?: number; to?: number; seed: number; save: boolean; json?: boolean },
  ctx: CliContext,
  dir: string,
): Promise<void> {
  const [{ basename }, { symbolFromFileName }, { alignedFrom, runL3Spec }, { strategyDef }, { sizingArg }, { resultHashOf }, { ENGINE_VERSION }, { engineBuild }] = await Promise.all([
    import('node:path'),
    import('../marketdata/recording.ts'),
    import('../kernel/backtest-l3.ts'),
    import('../backtest/strategies/index.ts'),
    import('../backtest/run-spec.ts'),
    import('./backtest-hash.ts'),
    import('../kernel/version.ts'),
    import('../kernel/build-id.ts'),
  ]);
  const barMs = barArg(o.bar);
  const d = await loadData(dir, o.data, o.format, o.name);
  if (d.series.kind !== 'trades') throw new CliExit(EXIT.usage, `NO_TAPE: --fidelity l3 needs a recorded trade tape (e.g. assets/demo/binance_XRPETH_trades_20191011-13.csv); ${o.data} is a bar series (run it at bar, l1 or l2)`);
  const symbol = o.symbol ?? symbolFromFileName(d.info.name) ?? symbolFromFileName(basename(d.info.source));
  if (!symbol) throw new CliExit(EXIT.usage, `cannot tell the instrument of ${d.info.name} from its name; give --symbol BASE/QUOTE`);
  const def = strategyDef(o.strategy);
  const spec = {
    strategy: o.strategy,
    params: { ...def.defaults, ...o.param },
    fidelity: 'l3' as const,
    cash: o.cash,
    commission: o.commission,
    sizing: sizingArg(o.sizing),
    haircutBps: 0,
    urgency: o.urgency ?? 'immediate',
    // On the bar boundary, as every other level on a tape starts (tapeLevelSpec) and the kept spec says so.
    ...alignedFrom(o.from, barMs),
    ...(o.to !== undefined ? { toMs: o.to } : {}),
    seed: o.seed,
    instrument: symbol,
    barMs,
    latencyMs: o.latencyMs ?? 4,
    ...(o.deskGuards ? { deskGuards: true as const } : {}),
  };
  const t0 = performance.now();
  const { run, report } = await runL3Spec(spec, d.series);
  const seconds = Math.max((performance.now() - t0) / 1000, 1e-9);
  const equity = run.result.equity;
  const resultHash = resultHashOf(report, equity);
  let runId: number | null = null;
  if (o.save) {
    const runs = (await openStores(dir)).runs();
    try {
      runId = runs.save({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName: d.info.name, dataHash: d.info.hash, spec, report, resultHash, time: new Float64Array(run.result.time), equity }).id;
    } finally {
      runs.close();
    }
  }
  const l3 = report.l3!;
  const out = {
    runId,
    engineVersion: ENGINE_VERSION,
    engineBuild: engineBuild(),
    dataName: d.info.name,
    dataHash: d.info.hash,
    resultHash,
    fidelity: 'l3' as const,
    instrument: symbol,
    strategy: o.strategy,
    params: spec.params,
    ...report,
    partiallyFilledOrders: l3.partiallyFilledOrders,
    denied: l3.denied,
    barsPerSecond: Math.round(report.bars / seconds),
    eventsPerSecond: Math.round(l3.tapeTrades / seconds),
  };
  ctx.print(!!o.json, out, () => [reportText(out, true), l3Text(report, o.bar)].join('\n'));
}

/**
 * A bar-level spec on a trade tape: the tape's instrument (--symbol, or its name), the bar length,
 * urgency (default immediate, as L3's) and latency recorded in the spec, and the bars an L3 run
 * builds from the tape, so bar, l1 and l2 decide on exactly the bars L3 does.
 */
export async function tapeLevelSpec(
  spec: RunSpec,
  info: { name: string; source: string },
  tape: TradeTape,
  o: { bar: string; symbol?: string; urgency?: Urgency; latencyMs?: number },
): Promise<{ spec: RunSpec; bars: BarSeries }> {
  const [{ basename }, { symbolFromFileName }, { alignedFrom, l3Bars, tapeRows }] = await Promise.all([import('node:path'), import('../marketdata/recording.ts'), import('../kernel/backtest-l3.ts')]);
  const symbol = o.symbol ?? symbolFromFileName(info.name) ?? symbolFromFileName(basename(info.source));
  if (!symbol) throw new CliExit(EXIT.usage, `cannot tell the instrument of ${info.name} from its name; give --symbol BASE/QUOTE`);
  const barMs = barArg(o.bar);
  // Aligned to a bar boundary, as backtest.run and the l3 run do (alignedFrom): every level then sees the same first bar.
  const out: RunSpec = { ...spec, instrument: symbol, barMs, urgency: o.urgency ?? 'immediate', latencyMs: o.latencyMs ?? 4, ...alignedFrom(spec.fromMs, barMs) };
  const rows = tapeRows(tape, out.fromMs, out.toMs);
  if (rows.length < 2) throw new CliExit(EXIT.usage, `${info.name} holds ${rows.length} recorded trade(s) in the window; a backtest needs more`);
  return { spec: out, bars: l3Bars(rows, symbol, out.barMs!) };
}

/** `--bar 30s|1m|5m|1h` as ms. */
function barArg(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m || Number(m[1]) <= 0) throw new CliExit(EXIT.usage, `--bar must look like 30s, 1m, 5m or 1h, got "${text}"`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

/** The venue's side of an L3 run, under its report. */
export function l3Text(r: { l3?: import('../backtest/run-spec.ts').L3Stats; spec: { instrument: string; barMs?: number; latencyMs?: number; urgency?: string; deskGuards?: true } }, bar?: string): string {
  if (!r.l3) return '';
  const x = r.l3;
  return [
    '',
    fields([
      ['tape', `${r.spec.instrument}, ${x.tapeTrades} recorded trades, bars of ${bar ?? `${(r.spec.barMs ?? 0) / 1000} s`}`],
      ['venue', `${x.venueFills} fills (${x.partiallyFilledOrders} order(s) filled in parts), ${deniedCell(x)}, latency ${r.spec.latencyMs ?? 4} ms, urgency ${r.spec.urgency ?? 'immediate'}`],
      ['desk guards', r.spec.deskGuards ? 'on (PMS escalation, circuit breakers)' : 'off (--desk-guards turns them on)'],
      ['trading state', stateCell(x)],
      ['kernel cash', x.kernelCash],
    ]),
  ].join('\n');
}

export const venueCell = (x: import('../backtest/run-spec.ts').L3Stats | undefined) => (x ? `${x.venueFills} (${x.partiallyFilledOrders} in parts, ${deniedCell(x)})` : null);
/** `136 denied: REDUCING_ONLY ×136` (reason codes where the run recorded them). */
const deniedCell = (x: import('../backtest/run-spec.ts').L3Stats) => {
  const why = Object.entries(x.deniedBy ?? {})
    .map(([c, n]) => `${c} ×${n}`)
    .join(', ');
  return `${x.denied} denied${why ? `: ${why}` : ''}`;
};
/** The engine's trading-state changes during an L3 run: why later orders were denied. */
export const stateCell = (x: import('../backtest/run-spec.ts').L3Stats) =>
  (x.tradingState ?? []).map((c) => `${c.mode} from ${new Date(c.time).toISOString().slice(0, 16)}Z (${c.code}${c.message ? `: ${c.message}` : ''})`).join('; ') || 'ACTIVE throughout';
