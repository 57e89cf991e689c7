import type { Params } from '../contract/api.ts';
import type { InstrumentSpec } from '../core/instrument.ts';
import { SimClock } from '../core/clock.ts';
import { divFloor, pow10, toDecimalString, toUnits } from '../core/precision.ts';
import { BacktestConfigError } from '../backtest/bar-runner.ts';
import type { BacktestReport, RunSpec } from '../backtest/run-spec.ts';
import { runTargetSpecAsync } from '../backtest/run-spec.ts';
import { targetStrategyDef } from '../backtest/strategies/index.ts';
import type { InstrumentSeries, TargetOrderRoute, TargetRunConfig, TargetRunResult } from '../backtest/strategies/target-runner.ts';
import { EMPTY_LIMIT_BOOK } from '../risk/limits.ts';
import { buildKernel } from './kernel.ts';
import { NO_BREAKERS } from './backtest-bars.ts';
import { barBacktestParts } from './modes/backtest.ts';

/**
 * Target backtests (strategic, tactical, stat-model, l2 with --sizing target) with every order
 * through the kernel: the target runner (src/backtest/strategies/target-runner.ts) runs the live
 * alphas, aggregator and rebalancer, and each order its execution model priced leaves as a market
 * order of origin `signal`, approved by `auto:backtest` with the rebalance as its proposal id (as
 * an approved proposal leaves the approval queue live), through OrderIntake: L1 with the run's own
 * limits (none by default), the OMS and its journal on the memory store, to the bar venue on the
 * run's clock, which fills it at the model's price. The runner books what the venue filled; an
 * order L1 or the OMS refused is not booked.
 *
 * The engine keeps cash and quantities to 1e-8: price decimals + lot decimals must be ≤ 8, so its
 * account counts in 10^s of the quote currency when the data's prices are finer (as the bar
 * kernel does, src/kernel/backtest-bars.ts BarGrid), with the cash rounded up so L1 never refuses
 * a buy the runner's exact cash pays for.
 */

const ID_PREFIX = 'BT';
const RATE_DECIMALS = 8;

const step = (d: number): string => (d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`);

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

export interface KernelTargetRun {
  result: TargetRunResult;
  report: BacktestReport;
  /** Orders the venue filled, and orders L1 or the OMS refused. */
  orders: number;
  denied: number;
  /** The kernel's own cash at the end (quote currency), to check against the runner's exact ledger. */
  kernelCash: number;
}

/** Runs a target spec with its orders through the kernel (memory durability, the bar clock); `tradeFromMs`: no decision before it. */
export async function runTargetSpecOnKernel(spec: RunSpec, series: readonly InstrumentSeries[], opts: Pick<TargetRunConfig, 'tradeFromMs' | 'onStep'> = {}): Promise<KernelTargetRun> {
  const def = targetStrategyDef(spec.strategy);
  if (!def || spec.sizing.kind !== 'target') throw new BacktestConfigError(`${spec.strategy} is not a target run (strategic, tactical, stat-model, l2 with --sizing target)`);
  const lot = String(def.rebalance(spec.params).lot);
  const qd = decimalsOf(lot);
  // The runner's price grid (src/backtest/strategies/target-runner.ts): the finest data + 2 decimals.
  const runnerPd = Math.max(...series.map((s) => s.bars.priceDecimals)) + 2;
  const scale = Math.max(0, runnerPd + qd - 8);
  const pd = runnerPd - scale;
  let commissionUnits: bigint;
  let cashUnits: bigint;
  try {
    commissionUnits = toUnits(spec.commission, RATE_DECIMALS);
    cashUnits = toUnits(spec.cash, qd + runnerPd + 8);
  } catch (err) {
    throw new BacktestConfigError(err instanceof Error ? err.message : String(err));
  }
  const feeBps = Math.floor(Number(commissionUnits) / 100) / 100;
  const specs: InstrumentSpec[] = series.map((s) => ({ symbol: s.name, base: s.name, quote: 'CASH', kind: 'equity', tickSize: step(pd), lotSize: step(qd), minNotional: step(8), makerFeeBps: feeBps, takerFeeBps: feeBps, tradable: true }));
  const first = Math.min(...series.map((s) => (s.bars.time.length > 0 ? s.bars.time[0]! : Infinity)));
  const clock = new SimClock(Number.isFinite(first) ? first - 1 : 0);
  // Engine cash in 10^s of the quote currency, 8 decimals, rounded up.
  const initialCash = cashUnits > 0n ? toDecimalString(-divFloor(-cashUnits, pow10(qd + pd)), 8) : '0';
  const parts = barBacktestParts({ clock, instrument: specs[0]!, more: specs.slice(1), currency: 'CASH', initialCash, commissionUnits, idPrefix: ID_PREFIX, log: () => undefined, limitsReadLoss: false });
  const engine = buildKernel(parts, {
    seed: spec.seed,
    warmUpMinutes: 0,
    risk: { limits: EMPTY_LIMIT_BOOK, breakers: NO_BREAKERS },
    pms: { escalate: false },
    watchdog: false,
    // The kernel's own L2 cycle stays off: the runner drives the same alphas on the run's clock.
    l2: { cycleEveryMs: 0, sweepEveryMs: 365 * 86_400_000 },
  });
  await engine.start();
  let orders = 0;
  let denied = 0;
  try {
    const route: TargetOrderRoute = {
      fill(o) {
        clock.jumpTo(Math.max(clock.now(), o.time));
        // The runner's price units are the instrument's on the engine's grid (10^s of the quote currency).
        parts.venue.quote(o.instrument, o.priceUnits);
        const ticket = { symbol: o.instrument, side: o.side, qty: toDecimalString(o.qty, qd), type: 'market', tif: 'gtc', urgency: 'immediate', algo: 'market' } as Params<'orders.place'>;
        const r = engine.intake.submit({ order: ticket, origin: 'signal', approvedBy: 'auto:backtest', proposalId: `BT-${o.step}`, confirmSoft: false });
        if (r.kind !== 'admitted') {
          denied++;
          return 0n;
        }
        // The venue answers on the clock, at this instant.
        clock.jumpTo(clock.now());
        const filled = r.order.filledUnits;
        if (filled > 0n) orders++;
        return filled;
      },
    };
    const { result, report } = await runTargetSpecAsync(spec, series, route, opts);
    const account = await engine.handlers['account.get']({});
    return { result, report, orders, denied, kernelCash: account.cash / 10 ** scale };
  } finally {
    await engine.stop();
  }
}
