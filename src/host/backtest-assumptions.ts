import type { BacktestAssumptionsDto } from '../contract/api.ts';
import type { RunSpec } from '../backtest/run-spec.ts';

/**
 * A kept run's assumptions as the UI lists them (fidelity aside): read from its spec, so a run kept
 * before a field existed shows what it ran with (no desk guards meant off at L3).
 */
export function assumptionsOf(spec: RunSpec): BacktestAssumptionsDto {
  const tape = spec.barMs !== undefined;
  // A tape's instrument is BASE/QUOTE and its cash is in the quote; a bar series' file names no currency.
  const quote = tape ? (spec.instrument.split('/')[1] ?? null) : null;
  const sizing = spec.sizing.kind === 'fixed' ? `fixed:${spec.sizing.qty}` : spec.sizing.kind;
  return {
    cash: spec.cash,
    currency: quote,
    commission: spec.commission,
    sizing,
    haircutBps: spec.haircutBps,
    spreadBps: spec.spreadBps ?? null,
    impactK: spec.impactK ?? null,
    seed: spec.seed,
    deskGuards: spec.fidelity === 'l3' ? spec.deskGuards === true : null,
    instrument: spec.instrument,
    urgency: spec.urgency ?? null,
    barMs: spec.barMs ?? null,
    latencyMs: spec.latencyMs ?? null,
    fromMs: spec.fromMs ?? null,
    toMs: spec.toMs ?? null,
  };
}

/** A failed job's error with a code first, as every error the UI shows has one (the worker's often do already). */
export function codedError(error: string): string {
  return /^[A-Z][A-Z0-9_]+: /.test(error) ? error : `BACKTEST_FAILED: ${error}`;
}
