import { createHash } from 'node:crypto';
import type { BacktestReport } from '../backtest/run-spec.ts';

/** The kept hash of a result: sha256 of the report's JSON and the equity curve's bytes (same inputs, same hash). */
export function resultHashOf(report: BacktestReport, equity: Float64Array): string {
  return createHash('sha256').update(JSON.stringify(report)).update(new Uint8Array(equity.buffer, equity.byteOffset, equity.byteLength)).digest('hex');
}
