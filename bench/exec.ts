/**
 * Execution quality on the real XRP/ETH tape: one large buy, about 20% of the volume traded in its
 * hour, worked by each algorithm through the real OMS, algos and simulated venue (exec simulate).
 * Reports implementation shortfall (bps of decision value, positive = cost) and completion time.
 * Deterministic: a seed fixes every run, so the table only changes when the code does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExecutionStyle } from '../src/contract/dto.ts';
import { parseTradesCsv } from '../src/marketdata/csv.ts';
import { simulateExecution } from '../src/kernel/exec-simulate.ts';

const TAPE = fileURLToPath(new URL('../assets/demo/binance_XRPETH_trades_20191011-13.csv', import.meta.url));
export const ALGOS: ExecutionStyle[] = ['market', 'twap', 'vwap', 'pov', 'passive', 'adaptive'];

export interface ExecRow {
  algo: ExecutionStyle;
  shortfallBps: number;
  impactBps: number;
  timingBps: number;
  opportunityBps: number;
  feesBps: number;
  fillRate: number;
  completionSec: number | null;
  children: number;
}

export async function benchExecution(startOffsetH = 2, horizonH = 1, share = 0.2): Promise<{ qty: number; windowVolume: number; start: number; rows: ExecRow[] }> {
  const rows = parseTradesCsv(readFileSync(TAPE, 'utf8'));
  const start = rows[0]!.timestampMs + startOffsetH * 3_600_000;
  const end = start + horizonH * 3_600_000;
  const windowVolume = rows.filter((r) => r.timestampMs >= start && r.timestampMs < end).reduce((a, r) => a + r.amount, 0);
  const qty = Math.round(windowVolume * share);
  const out: ExecRow[] = [];
  for (const algo of ALGOS) {
    try {
      const r = await simulateExecution({
        rows,
        symbol: 'XRP/ETH',
        side: 'buy',
        qty: String(qty),
        algo,
        startAt: start,
        seed: 7,
        ...(algo === 'market' ? {} : { durationSec: horizonH * 3600 }),
        ...(algo === 'pov' ? { participation: share } : {}),
      });
      out.push({
        algo,
        shortfallBps: r.tca.shortfallBps,
        impactBps: r.tca.impactBps,
        timingBps: r.tca.timingBps,
        opportunityBps: r.tca.opportunityBps,
        feesBps: r.tca.feesBps,
        fillRate: r.tca.fillRate,
        completionSec: r.complete && r.completionMs !== null ? r.completionMs / 1000 : null,
        children: r.children.length,
      });
    } catch (err) {
      console.error(`${algo}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { qty, windowVolume, start, rows: out };
}

export interface ExecSummary {
  algo: ExecutionStyle;
  runs: number;
  meanShortfallBps: number;
  meanImpactBps: number;
  meanTimingBps: number;
  meanFillRate: number;
  medianCompletionSec: number | null;
  completed: number;
}

/** The same buy in several one-hour windows: timing (market drift) averages out, impact does not. */
export async function benchExecutionWindows(offsetsH: number[]): Promise<{ windows: Awaited<ReturnType<typeof benchExecution>>[]; summary: ExecSummary[] }> {
  const windows: Awaited<ReturnType<typeof benchExecution>>[] = [];
  for (const h of offsetsH) windows.push(await benchExecution(h));
  const summary: ExecSummary[] = ALGOS.map((algo) => {
    const rs = windows.flatMap((w) => w.rows.filter((r) => r.algo === algo));
    const mean = (f: (r: ExecRow) => number) => (rs.length ? rs.reduce((a, r) => a + f(r), 0) / rs.length : NaN);
    const done = rs.map((r) => r.completionSec).filter((x): x is number => x !== null).sort((a, b) => a - b);
    return {
      algo,
      runs: rs.length,
      meanShortfallBps: mean((r) => r.shortfallBps),
      meanImpactBps: mean((r) => r.impactBps),
      meanTimingBps: mean((r) => r.timingBps),
      meanFillRate: mean((r) => r.fillRate),
      medianCompletionSec: done.length ? done[Math.floor((done.length - 1) / 2)]! : null,
      completed: done.length,
    };
  });
  return { windows, summary };
}

export const WINDOW_OFFSETS_H = [2, 8, 14, 20, 26, 32, 38, 44];

export function summaryTable(summary: ExecSummary[]): string[] {
  const out = ['| algo | mean shortfall bps | mean impact bps | mean timing bps | mean fill rate | median completion | completed |', '|---|---|---|---|---|---|---|'];
  for (const x of summary) {
    out.push(
      `| ${x.algo} | ${x.meanShortfallBps.toFixed(1)} | ${x.meanImpactBps.toFixed(1)} | ${x.meanTimingBps.toFixed(1)} | ${(x.meanFillRate * 100).toFixed(1)}% | ${x.medianCompletionSec === null ? '-' : x.medianCompletionSec.toFixed(0) + ' s'} | ${x.completed}/${x.runs} |`,
    );
  }
  return out;
}

if (import.meta.main) {
  const { windows, summary } = await benchExecutionWindows(WINDOW_OFFSETS_H);
  const r = windows[0]!;
  console.log(`XRP/ETH tape, one buy of ~20% of the hour's volume, ${windows.length} one-hour windows (seed 7)`);
  console.log(summaryTable(summary).join('\n') + '\n');
  console.log(`First window: buy ${r.qty} XRP (20% of ${Math.round(r.windowVolume)} XRP traded ${new Date(r.start).toISOString()} + 1 h)`);
  console.log('| algo | shortfall bps | impact | timing | opportunity | fees | fill rate | completion | children |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const x of r.rows) {
    console.log(`| ${x.algo} | ${x.shortfallBps.toFixed(2)} | ${x.impactBps.toFixed(2)} | ${x.timingBps.toFixed(2)} | ${x.opportunityBps.toFixed(2)} | ${x.feesBps.toFixed(2)} | ${(x.fillRate * 100).toFixed(1)}% | ${x.completionSec === null ? 'incomplete' : x.completionSec.toFixed(0) + ' s'} | ${x.children} |`);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ summary, windows }));
}
