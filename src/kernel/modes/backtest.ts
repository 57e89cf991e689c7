import type { SimClock } from '../../core/clock.ts';
import { InstrumentRegistry } from '../../core/instrument.ts';
import type { InstrumentSpec } from '../../core/instrument.ts';
import { BarVenue } from '../../venues/sim/bar-venue.ts';
import type { KernelParts, Log } from '../parts.ts';
import type { SimMarket } from './markets.ts';
import { simSessionParts } from './session.ts';
import type { SimSessionOptions } from './session.ts';
import { memoryStores, openMemoryStores } from './memory-stores.ts';
import type { OpenStores } from './memory-stores.ts';

/**
 * Backtest: a historical market on a simulated clock run as fast as it goes, the simulated venue,
 * and `memory` durability by default: nothing touches the filesystem, so a run is a pure function
 * of its seed and inputs.
 */
export interface BacktestOptions extends SimSessionOptions {
  clock: SimClock;
  market: SimMarket;
}

/** `open` is asked for the stores: a backtest at `full` or `fast` durability passes openStores (./stores.ts). */
export function backtestParts(o: BacktestOptions, open: OpenStores = openMemoryStores): KernelParts {
  return simSessionParts('backtest', o.clock, o.market, o, { durability: 'memory', groupCommit: false }, open);
}

/** A backtest on bars (fidelities bar, l1, l2): one instrument (or a target run's several), the bar venue, the bar clock, memory stores. */
export interface BarBacktestOptions {
  /** Moved by jumpTo: only to the bars where a decision produced an order. */
  clock: SimClock;
  instrument: InstrumentSpec;
  /** More instruments on the same venue and account (a target run over several, src/kernel/backtest-targets.ts). */
  more?: readonly InstrumentSpec[];
  /** The account currency. */
  currency: string;
  initialCash: string;
  /** Commission as a fraction of traded value, 10^-8 units. */
  commissionUnits: bigint;
  idPrefix: string;
  log: Log;
  /**
   * Whether the run's L1 limits read the loss view (max_daily_loss, max_drawdown_*): its equity
   * watermarks are fed by the kernel's once-a-second tick, so such a run keeps the tick.
   */
  limitsReadLoss: boolean;
}

export function barBacktestParts(o: BarBacktestOptions): KernelParts & { venue: BarVenue } {
  const instruments = new InstrumentRegistry([o.instrument, ...(o.more ?? [])]);
  const stores = memoryStores();
  const venue = new BarVenue({ clock: o.clock, instruments, commissionUnits: o.commissionUnits });
  return {
    mode: 'backtest',
    clock: o.clock,
    venue,
    // Bars carry no intraday profile and no history before the run: the strategy's own warm-up is in the bars.
    marketData: { instruments, currency: o.currency, volumeProfile: () => undefined },
    ...stores,
    ids: { prefix: o.idPrefix, initialCash: o.initialCash },
    log: o.log,
    durability: 'memory',
    // The PMS is beside the order path: with breakers off and its flags not escalated nothing in the
    // run reads it, and its once-a-day review was ~40% of a daily-bar run. It reviews if asked.
    pms: 'off',
    // The once-a-second tick feeds what no bar run reads unless a loss limit does: breakers are off,
    // the PMS samples nothing, no one subscribes to pushes, and every order and fill already names its
    // symbol to L1 (the tick's re-read of all of them is a backstop). Its equity watermarks, written
    // at each jump (every jump is a new day on daily bars), were a fifth of a daily-bar run.
    ...(o.limitsReadLoss ? {} : { tick: 'off' as const }),
  };
}
