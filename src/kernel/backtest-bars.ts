import type { Params } from '../contract/api.ts';
import type { Instrument, InstrumentSpec } from '../core/instrument.ts';
import { divFloor, pow10, toDecimalString, toUnits } from '../core/precision.ts';
import type { BarEngine, BarRunConfig, BarRunResult } from '../backtest/bar-runner.ts';
import { BacktestConfigError, costsOf, exactUnits, executionFor, fixedUnits, runBars } from '../backtest/bar-runner.ts';
import type { BarSeries } from '../backtest/data/series.ts';
import type { AccountView, ExecutionPort, OrderIntent, ProposedFill } from '../backtest/execution.ts';
import type { Strategy } from '../backtest/strategies/strategy.ts';
import type { FillAssumptions } from '../backtest/types.ts';
import { DEFAULT_BREAKERS } from '../risk/circuit-breakers.ts';
import type { BreakerConfig } from '../risk/circuit-breakers.ts';
import { EMPTY_LIMIT_BOOK, LIMIT_DEFS } from '../risk/limits.ts';
import type { LimitBook } from '../risk/limits.ts';
import { SimClock } from '../core/clock.ts';
import type { BarVenue } from '../venues/sim/bar-venue.ts';
import { buildKernel } from './kernel.ts';
import type { Engine } from './kernel.ts';
import { barBacktestParts } from './modes/backtest.ts';

/**
 * Fidelities bar, l1 and l2 through the kernel: the bar loop (src/backtest/bar-runner.ts) stays a
 * tight loop over typed arrays, and only a decision that produces an order leaves it. That order
 * is a market order through OrderIntake (L1 with the run's own limits, then the OMS, which
 * journals it on the memory store and keeps the engine's ledger) to the bar venue
 * (src/venues/sim/bar-venue.ts), which fills it at the price the fidelity's execution model
 * (src/backtest/execution.ts) quotes. The runner books the quantity the venue filled at the model's
 * exact price (the same number as the venue's on the instrument's grid; the engine's own ledger keeps
 * cash to 1e-8, and agrees with the runner's exact one to that); an order L1 or the OMS refused is not
 * booked (an entry counts as refused, as a broker's margin refusal would).
 *
 * Prices finer than the engine's grid (a tape's 8-decimal prices + 2, an ETH-quoted pair at l1): the
 * engine keeps cash to 8 decimals and needs price decimals + quantity decimals <= 8, so its account is
 * kept in 10^s of the quote currency (s = the decimals beyond that; 0 for ORCL's 4-decimal prices),
 * where the model's price units are exactly the instrument's: every fill is at the model's price, the
 * venue's fee rounds down to the cash scale and the cash starts rounded up, so the engine's cash is
 * never below the model's exact cash and L1 admits every order the model sized (a coarser price,
 * rounded to the nearest, left it short by a few 10^-8 and refused entries: audit D6).
 *
 * The PMS is off (the mode's parts say so): it is beside the order path and nothing in a bar run
 * reads it; it reviews on request only. So is the kernel's once-a-second tick unless the run's limits
 * read the loss view (its equity watermarks): with breakers off nothing else reads what it feeds.
 */

/** Every breaker off: a backtest's result is the strategy's, not the desk's (also the L3 run's default, backtest-l3.ts). */
export const NO_BREAKERS: BreakerConfig = {
  dailyDrawdown: { ...DEFAULT_BREAKERS.dailyDrawdown, enabled: false },
  instrumentMove: { ...DEFAULT_BREAKERS.instrumentMove, enabled: false },
  venueDisconnect: { ...DEFAULT_BREAKERS.venueDisconnect, enabled: false },
  orderRate: { ...DEFAULT_BREAKERS.orderRate, enabled: false },
};

/** Ids of a bar backtest's orders: fixed, so a run reproduces every id. */
const ID_PREFIX = 'BT';

const RATE_DECIMALS = 8;

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

const step = (d: number): string => (d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`);

/**
 * The grids of a run: the runner's price decimals (the data's + 2), the lot's decimals (whole units
 * for all-in sizing, a fixed size's own), and the power of ten s of the quote currency the engine's
 * account counts in, so that the runner's price units are the instrument's on the engine's
 * 8-decimal cash scale (price decimals + lot decimals <= 8).
 */
interface BarGrid {
  runnerPd: number;
  qd: number;
  /** The engine's price decimals: runnerPd - scale. */
  pd: number;
  scale: number;
}

function barGrid(config: BarRunConfig, bars: BarSeries): BarGrid {
  const qd = config.sizing.kind === 'fixed' ? decimalsOf(config.sizing.qty) : 0;
  if (qd > 8) throw new BacktestConfigError(`a fixed size has at most 8 decimals (the engine keeps quantities and cash to 1e-8), got ${config.sizing.kind === 'fixed' ? config.sizing.qty : ''}`);
  const runnerPd = bars.priceDecimals + 2;
  const scale = Math.max(0, runnerPd + qd - 8);
  return { runnerPd, qd, pd: runnerPd - scale, scale };
}

/** The instrument the kernel trades: the runner's price units on the grid of g (see BarGrid), its lot. */
function barInstrument(config: BarRunConfig, g: BarGrid, feeBps: number): InstrumentSpec {
  const pd = g.pd;
  const qd = g.qd;
  return {
    symbol: config.instrument,
    base: config.instrument,
    quote: 'CASH',
    kind: 'equity',
    tickSize: step(pd),
    lotSize: step(qd),
    minNotional: step(8),
    makerFeeBps: feeBps,
    takerFeeBps: feeBps,
    tradable: true,
  };
}

/**
 * The run's cash in the engine's account (10^s of the quote currency, 8 decimals), rounded up: the
 * engine's cash is then never below the runner's exact cash. The runner refuses bad cash text with
 * its own message.
 */
function kernelCash(text: string, g: BarGrid): string {
  // The runner's cash scale: 10^-(qd + runnerPd + 8).
  let units: bigint;
  try {
    units = toUnits(text, g.qd + g.runnerPd + 8);
  } catch {
    return '0';
  }
  if (units <= 0n) return '0';
  const d = pow10(g.qd + g.pd);
  return toDecimalString(-divFloor(-units, d), 8);
}

/** Money limits (cash units) in the engine's account currency, 10^s of the quote currency. */
function scaledLimits(book: LimitBook, scale: number): LimitBook {
  if (scale === 0) return book;
  const f = pow10(scale);
  return { ...book, entries: book.entries.map((e) => (LIMIT_DEFS[e.name].unit === 'money' ? { ...e, hard: e.hard * f, soft: e.soft === null ? null : e.soft * f } : e)) };
}

function rateUnits(text: string): bigint {
  try {
    const u = toUnits(text, RATE_DECIMALS);
    return u >= 0n ? u : 0n;
  } catch {
    // The runner refuses the run with its own message.
    return 0n;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The ticket's quantity: whole units (all-in sizing) as a number, which the intake reads without
 * parsing text (toUnits' safe-integer path; the order's requested quantity, String(qty), is the same
 * digits); a fixed size's decimals as their exact text. The text's parse was ~2% of a daily-bar run.
 */
function ticketQty(units: bigint, qd: number): number | string {
  return qd === 0 && units <= MAX_SAFE ? Number(units) : toDecimalString(units, qd);
}

/** The runner's execution port over a running kernel: the model decides, the kernel's order path executes. */
export class KernelBarExecution implements ExecutionPort {
  readonly assumptions: FillAssumptions;
  /** Orders L1 or the OMS refused. */
  denied = 0;
  /** Orders the venue filled. */
  orders = 0;
  private readonly engine: Engine;
  private readonly clock: SimClock;
  private readonly venue: BarVenue;
  private readonly bars: BarSeries;
  private readonly model: ExecutionPort;
  private readonly inst: Instrument;

  /** The runner's price decimals, and whether it reads fills at the open as exact prices (fidelity bar). */
  private readonly runnerPd: number;
  private readonly exactAtOpen: boolean;

  constructor(engine: Engine, clock: SimClock, venue: BarVenue, bars: BarSeries, model: ExecutionPort, inst: Instrument, runnerPd: number, exactAtOpen: boolean) {
    this.engine = engine;
    this.clock = clock;
    this.venue = venue;
    this.bars = bars;
    this.model = model;
    this.inst = inst;
    this.assumptions = model.assumptions;
    this.runnerPd = runnerPd;
    this.exactAtOpen = exactAtOpen;
  }

  submit(intent: OrderIntent, account: AccountView): readonly ProposedFill[] {
    const proposed = this.model.submit(intent, account);
    return proposed.length === 0 ? proposed : this.execute(intent.bar, proposed, account, false);
  }

  atOpen(i: number, account: AccountView): readonly ProposedFill[] {
    const proposed = this.model.atOpen(i, account);
    return proposed.length === 0 ? proposed : this.execute(i, proposed, account, this.exactAtOpen);
  }

  idle(): boolean {
    return this.model.idle?.() ?? false;
  }

  private execute(bar: number, proposed: readonly ProposedFill[], account: AccountView, exact: boolean): ProposedFill[] {
    this.clock.jumpTo(this.bars.time[bar]!);
    const out: ProposedFill[] = [];
    for (const f of proposed) {
      // The price units the runner books, as the runner computes them: the same integer is the
      // instrument's price on the engine's grid (see BarGrid).
      const p = f.priced.price;
      this.venue.quote(this.inst.symbol, exact ? exactUnits(p, this.runnerPd) : fixedUnits(p, this.runnerPd));
      const ticket = { symbol: this.inst.symbol, side: f.side, qty: ticketQty(f.qty, account.qtyScale), type: 'market', tif: 'gtc', urgency: 'immediate', algo: 'market', source: 'api' } as Params<'orders.place'>;
      const r = this.engine.intake.submit({ order: ticket, origin: 'api', confirmSoft: false });
      if (r.kind !== 'admitted') {
        this.denied++;
        if (f.side === 'buy') account.refuse();
        continue;
      }
      // The venue answers on the clock, at this instant.
      this.clock.jumpTo(this.bars.time[bar]!);
      const filled = r.order.filledUnits;
      if (filled <= 0n) continue;
      this.orders++;
      out.push(filled === f.qty ? f : { ...f, qty: filled });
    }
    return out;
  }
}

export interface KernelBarRun {
  result: BarRunResult;
  /** Orders L1 or the OMS refused, and orders the venue filled. */
  denied: number;
  orders: number;
  /** The kernel's own account at the end (in the quote currency), to check against the runner's exact ledger. */
  kernelCash: number;
  kernelPosition: number;
}

export interface KernelBarOptions {
  /** The run's own L1 limits (default none: the strategy's account alone bounds it). */
  limits?: LimitBook;
}

/** Runs a bar strategy at fidelity bar, l1 or l2 with its orders through the kernel (memory durability, the bar clock). */
export async function runBarsOnKernel(bars: BarSeries, strategy: Strategy, config: BarRunConfig, o: KernelBarOptions = {}): Promise<KernelBarRun> {
  // The model first: a bad fidelity or missing volume is refused before any kernel is built.
  const model = executionFor(config.fidelity, bars, costsOf(config));
  const commissionUnits = rateUnits(config.commission);
  const grid = barGrid(config, bars);
  // L1's cash check estimates the fee at the instrument's taker rate, which it reads to 10^-6: rounded
  // down here, so the estimate never exceeds the commission the venue charges.
  const spec = barInstrument(config, grid, Math.floor(Number(commissionUnits) / 100) / 100);
  const clock = new SimClock(bars.time.length > 0 ? bars.time[0]! - 1 : 0);
  const limits = scaledLimits(o.limits ?? EMPTY_LIMIT_BOOK, grid.scale);
  const limitsReadLoss = limits.entries.some((e) => LIMIT_DEFS[e.name].check === 'loss');
  const parts = barBacktestParts({ clock, instrument: spec, currency: 'CASH', initialCash: kernelCash(config.cash, grid), commissionUnits, idPrefix: ID_PREFIX, log: () => undefined, limitsReadLoss });
  const engine = buildKernel(parts, {
    seed: 1,
    warmUpMinutes: 0,
    // The run's own limits (none unless given: not the operator's live ones) and no breakers (a
    // textbook backtest holds through a 5% down day).
    risk: { limits, breakers: NO_BREAKERS },
    // The PMS is off in the parts (barBacktestParts); were it asked to review, escalating its flags
    // into the trading state is an operator's desk policy, not part of the strategy's result.
    pms: { escalate: false },
    watchdog: false,
    // No signal cycles, so nothing ever enters the approval queue: its expiry sweep (once a second,
    // so at every order's jump) has nothing to expire. Once a simulated year keeps the timer honest.
    l2: { cycleEveryMs: 0, sweepEveryMs: 365 * 86_400_000 },
  });
  await engine.start();
  try {
    const port = new KernelBarExecution(engine, clock, parts.venue, bars, model, parts.marketData.instruments.get(spec.symbol)!, grid.runnerPd, config.fidelity === 'bar');
    const result = runBars(bars, strategy, config, port);
    const account = await engine.handlers['account.get']({});
    const positions = await engine.handlers['positions.list']({});
    return { result, denied: port.denied, orders: port.orders, kernelCash: account.cash / 10 ** grid.scale, kernelPosition: positions.find((p) => p.symbol === spec.symbol)?.qty ?? 0 };
  } finally {
    await engine.stop();
  }
}

/** The product's bar engine: what hosts hand to runSpec, sweeps, walk-forward and the look-ahead check. */
export const kernelBarEngine: BarEngine = async (bars, strategy, config) => (await runBarsOnKernel(bars, strategy, config)).result;
