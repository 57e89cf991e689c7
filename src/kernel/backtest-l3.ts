import type { Params } from '../contract/api.ts';
import type { FillDto, Urgency } from '../contract/dto.ts';
import type { TradingStateDto } from '../contract/risk-dto.ts';
import { SimClock, SimClockDriver } from '../core/clock.ts';
import type { BarRunConfig, BarRunResult } from '../backtest/bar-runner.ts';
import { runBars } from '../backtest/bar-runner.ts';
import { barsFromRows } from '../backtest/data/series.ts';
import type { BarSeries, TradeTape } from '../backtest/data/series.ts';
import { BacktestConfigError } from '../backtest/bar-runner.ts';
import { configOf, reportOf } from '../backtest/run-spec.ts';
import type { BacktestReport, RunSpec } from '../backtest/run-spec.ts';
import { strategyDef } from '../backtest/strategies/index.ts';
import type { AccountView, ExecutionPort, OrderIntent, ProposedFill } from '../backtest/execution.ts';
import type { Strategy } from '../backtest/strategies/strategy.ts';
import type { FillAssumptions } from '../backtest/types.ts';
import type { TradeRow } from '../marketdata/csv.ts';
import { decimalText } from '../marketdata/recording.ts';
import { inferTapeInstrument } from '../marketdata/tape-instrument.ts';
import { EMPTY_LIMIT_BOOK } from '../risk/limits.ts';
import { NO_BREAKERS } from './backtest-bars.ts';
import { createEngine } from './engine.ts';
import type { Engine } from './engine.ts';

/**
 * Fidelity L3: the bar strategy decides on bars built from a recorded trade tape, exactly as at
 * L1/L2 (same bars, same runner, same ledger), but its orders go through the real engine: intake,
 * L1, the OMS, routing to the real execution algorithms by urgency, and the simulated venue driven
 * by the tape on a SimClock, with message latency, queue position, partial fills, square-root
 * impact and maker/taker fees. The runner books each fill the venue reports, in the bar during
 * which it happened. Nothing is priced here: fills are the venue's.
 */

export interface L3Options {
  rows: readonly TradeRow[];
  /** The tape's instrument, e.g. XRP/ETH (the venue's symbol). */
  symbol: string;
  /** Bar length the strategy decides on, ms (bars are aligned to multiples of it since the epoch). */
  barMs: number;
  /** Urgency of every order (routing picks the algorithm: immediate → market, high → TWAP 2 min, …). Default immediate. */
  urgency?: Urgency;
  seed?: number;
  /** Median venue message latency, ms (default 4). */
  latencyMs?: number;
  /**
   * The desk's own guards as live money has them: the PMS escalating a daily loss into REDUCING and
   * the circuit breakers. Off by default, as at bar, L1 and L2 (backtest-bars.ts), so the levels
   * compare like for like: a textbook run holds through a 2% losing day. L1's checks on each order
   * (cash, lot, the run's own limits) act either way, and the report counts what they denied.
   */
  deskGuards?: boolean;
  /**
   * Told before each bar is played (bar index, bars in all): a host shows a run's progress and ETA
   * from it. An L3 run is the slow level (seconds on the demo tape), the one worth an ETA.
   */
  onBar?: (index: number, bars: number) => void;
}

/** Time bars (OHLCV) of a tape; a bar in which nothing traded carries the last close with no volume. */
export function tapeBars(rows: readonly TradeRow[], barMs: number, priceDecimals: number): BarSeries {
  if (!(barMs > 0)) throw new RangeError(`bar length must be positive, got ${barMs}`);
  const out: { time: number; open: number; high: number; low: number; close: number; volume: number }[] = [];
  for (const r of rows) {
    const t = Math.floor(r.timestampMs / barMs) * barMs;
    let bar = out[out.length - 1];
    while (bar && bar.time + barMs < t) {
      out.push({ time: bar.time + barMs, open: bar.close, high: bar.close, low: bar.close, close: bar.close, volume: 0 });
      bar = out[out.length - 1];
    }
    if (!bar || bar.time !== t) out.push({ time: t, open: r.price, high: r.price, low: r.price, close: r.price, volume: r.amount });
    else {
      bar.high = Math.max(bar.high, r.price);
      bar.low = Math.min(bar.low, r.price);
      bar.close = r.price;
      bar.volume += r.amount;
    }
  }
  return barsFromRows(out, priceDecimals);
}

const tickDecimals = (tickSize: string): number => {
  const tick = tickSize.replace(/0+$/, '');
  return tick.includes('.') ? tick.length - tick.indexOf('.') - 1 : 0;
};

/**
 * The bars an L3 run decides on (prices at the venue's tick, inferred from the tape's texts): what
 * bar, L1 and L2 run on when a comparison sets them beside L3, so every level sees the same bars.
 */
export function l3Bars(rows: readonly TradeRow[], symbol: string, barMs: number): BarSeries {
  return tapeBars(rows, barMs, tickDecimals(inferTapeInstrument(symbol, rows).tickSize));
}

/** A buy is sized for the close plus this much, since its fill price is the venue's, not known in advance. */
const BUY_PRICE_BUFFER = 0.01;
/** What L1 adds beyond the visible book when it prices a market order (risk/pre-trade-gate.ts MARKET_SLIPPAGE_BUFFER_BPS). */
const GATE_BEYOND_BOOK = 0.01;
/**
 * Room for the gate rounding its average price to the instrument's price units (at XRP/ETH's 8
 * decimals, half a unit of 0.0015 is 3.4e-6 of it; 1e-6 left 2 of 65 entries short by 0.02).
 */
const GATE_ROUNDING = 1e-4;

/**
 * The average price L1 will price a market buy of `qty` at: the venue's asks walked in order, the
 * rest at the last ask plus its 1% buffer (risk/pre-trade-gate.ts estimateFillPrice). Undefined
 * without asks.
 */
export function gateBuyEstimate(asks: readonly { price: number; qty: number }[], qty: number): number | undefined {
  if (asks.length === 0 || !(qty > 0)) return undefined;
  let left = qty;
  let cost = 0;
  let last = asks[0]!.price;
  for (const l of asks) {
    if (left <= 0) break;
    const take = Math.min(l.qty, left);
    cost += take * l.price;
    left -= take;
    last = l.price;
  }
  if (left > 0) cost += left * last * (1 + GATE_BEYOND_BOOK);
  return cost / qty;
}

/** The bar runner's execution port over a running kernel on a SimClock. */
export class KernelExecution implements ExecutionPort {
  readonly assumptions: FillAssumptions;
  private readonly fills: { fill: FillDto; reference: number; reason: 'entry' | 'exit' }[] = [];
  private readonly working = new Map<string, { reference: number; reason: 'entry' | 'exit' }>();
  /** Orders the venue filled, by how many fills each took (partial fills show here). */
  readonly fillsPerOrder = new Map<string, number>();
  denied = 0;
  /** Denied orders by reason code (REDUCING_ONLY after a PMS escalation, a limit's code, …). */
  readonly deniedBy = new Map<string, number>();
  private readonly engine: Engine;
  private readonly driver: SimClockDriver;
  private readonly bars: BarSeries;
  private readonly o: L3Options;

  constructor(engine: Engine, driver: SimClockDriver, bars: BarSeries, o: L3Options, commission: number) {
    this.engine = engine;
    this.driver = driver;
    this.bars = bars;
    this.o = o;
    this.assumptions = {
      fidelity: 'l3',
      fills: `the engine's simulated venue on the recorded tape: orders through L1 and the OMS at urgency ${o.urgency ?? 'immediate'} (routing picks the algorithm), ${o.latencyMs ?? 4} ms median latency, queue position, partial fills, square-root impact`,
      costs: `commission ${commission * 100}% of value (the venue's maker and taker fee); slippage against the signal close reported as impact (L3 does not separate spread from impact)`,
    };
    engine.feed.subscribe((type, payload) => {
      if (type !== 'fill') return;
      const f = payload as FillDto;
      const w = this.working.get(this.rootOf(f.orderId));
      if (!w) return;
      this.fills.push({ fill: f, ...w });
      this.fillsPerOrder.set(f.orderId, (this.fillsPerOrder.get(f.orderId) ?? 0) + 1);
    });
  }

  submit(intent: OrderIntent, account: AccountView): readonly ProposedFill[] {
    // A new decision replaces what is still working.
    if (this.working.size > 0) void this.engine.handlers['orders.cancelAll']({ symbol: this.o.symbol });
    const scale = 10 ** account.qtyScale;
    let units: bigint;
    if (intent.side === 'sell') units = account.position();
    else {
      const price = intent.reference * (1 + BUY_PRICE_BUFFER);
      const want = account.entrySize(price);
      const afford = account.maxBuy(price);
      units = want <= afford ? want : 0n;
      if (units <= 0n) {
        account.refuse();
        return [];
      }
      // L1 prices a market buy by walking the venue's book, the rest at its last level + 1%: an
      // all-in size at the close + 1% can need more cash than the account has at that price (the
      // demo tape's default run: every entry denied INSUFFICIENT_CASH, 100,736 needed of 100,000).
      // Size down to what L1's own estimate affords; a larger size walks further, so it fits.
      const est = gateBuyEstimate(this.asks(), Number(units) / scale);
      if (est !== undefined && est * (1 + GATE_ROUNDING) > price) {
        const fits = account.maxBuy(est * (1 + GATE_ROUNDING));
        if (units > fits) units = fits;
        if (units <= 0n) {
          account.refuse();
          return [];
        }
      }
    }
    if (units <= 0n) return [];
    const ticket: Omit<Params<'orders.place'>, 'source' | 'confirm'> = { symbol: this.o.symbol, side: intent.side, qty: String(Number(units) / scale), type: 'market', tif: 'gtc', urgency: this.o.urgency ?? 'immediate' };
    const r = this.engine.intake.submit({ order: ticket as Params<'orders.place'>, origin: 'api', confirmSoft: false });
    if (r.kind !== 'admitted') {
      this.denied++;
      const code = r.kind === 'denied' ? r.code : 'HELD';
      this.deniedBy.set(code, (this.deniedBy.get(code) ?? 0) + 1);
      if (intent.side === 'buy') account.refuse();
      return [];
    }
    this.working.set(r.order.id, { reference: intent.reference, reason: intent.reason });
    return [];
  }

  /** Plays the tape through bar i and hands the runner the fills that happened in it. */
  atOpen(i: number, account: AccountView): readonly ProposedFill[] {
    this.o.onBar?.(i, this.bars.time.length);
    this.driver.runToEnd(this.bars.time[i]! + this.o.barMs);
    if (this.fills.length === 0) return [];
    const scale = 10 ** account.qtyScale;
    const out: ProposedFill[] = [];
    for (const { fill, reference, reason } of this.fills.splice(0)) {
      const slip = fill.side === 'buy' ? fill.price - reference : reference - fill.price;
      out.push({ side: fill.side, qty: BigInt(Math.round(fill.qty * scale)), priced: { price: fill.price, spreadPerUnit: 0, impactPerUnit: Math.max(0, slip) }, reason });
    }
    return out;
  }

  /** The venue's asks now (the market snapshot answers at once on the kernel's in-memory hub). */
  private asks(): readonly { price: number; qty: number }[] {
    const snap = this.engine.handlers['market.snapshot']({ symbol: this.o.symbol });
    return snap instanceof Promise ? [] : snap.book.asks;
  }

  /** An algo child's fills count for its parent's decision (`{parentId}-C{n}`). */
  private rootOf(orderId: string): string {
    const c = orderId.lastIndexOf('-C');
    return c > 0 && this.working.has(orderId.slice(0, c)) ? orderId.slice(0, c) : orderId;
  }
}

export interface L3Run {
  result: BarRunResult;
  bars: BarSeries;
  /** Every fill the venue reported for the run's orders, and how many fills each order took. */
  venueFills: number;
  fillsPerOrder: Map<string, number>;
  denied: number;
  deniedBy: Record<string, number>;
  /** The engine's trading-state changes during the run, in order (what denied later orders). */
  tradingState: { time: number; mode: string; code: string; message: string }[];
  /** The kernel's own account at the end (cash in the quote currency), to check against the runner's ledger. */
  kernelCash: number;
}

/** Runs a bar strategy at L3 on a tape: the kernel in memory, the clock as fast as it goes. */
export async function runL3(strategy: Strategy, config: Omit<BarRunConfig, 'fidelity'>, o: L3Options): Promise<L3Run> {
  const commission = Number(config.commission);
  const feeBps = commission * 10_000;
  const instrument = inferTapeInstrument(o.symbol, o.rows, { makerFeeBps: feeBps, takerFeeBps: feeBps });
  const bars = tapeBars(o.rows, o.barMs, tickDecimals(instrument.tickSize));
  const clock = new SimClock(o.rows[0]!.timestampMs - 1);
  const driver = new SimClockDriver(clock);
  const engine = createEngine({
    mode: 'backtest',
    durability: 'memory',
    clock,
    seed: o.seed ?? 42,
    idPrefix: 'L3',
    warmUpMinutes: 0,
    venueLatencyMs: o.latencyMs ?? 4,
    market: { kind: 'tape', instrument, trades: o.rows },
    initialCash: config.cash,
    // The run's own limits: the strategy's account, with no operator limits configured; the desk's
    // breakers and PMS escalation only when asked (deskGuards), as at the other levels.
    risk: o.deskGuards ? { limits: EMPTY_LIMIT_BOOK } : { limits: EMPTY_LIMIT_BOOK, breakers: NO_BREAKERS },
    // The PMS watches a book the run does not need flagged every 2 s; no signal cycle of its own.
    pms: { intervalMs: 300_000, escalate: o.deskGuards === true },
    l2: { cycleEveryMs: 0 },
    log: () => undefined,
  });
  await engine.start();
  // With deskGuards the engine's own guards act as live (a PMS escalation to REDUCING, a breaker's
  // HALT): recorded so the run says why later orders were denied; without, nothing escalates and
  // the record stays empty unless an operator-style state change happens another way.
  const tradingState: L3Run['tradingState'] = [];
  const offState = engine.feed.subscribe((type, payload) => {
    if (type !== 'risk.state') return;
    const s = payload as TradingStateDto;
    tradingState.push({ time: s.since ?? clock.now(), mode: s.mode, code: s.cause?.code ?? '', message: s.cause?.message ?? '' });
  });
  try {
    const port = new KernelExecution(engine, driver, bars, o, commission);
    const result = runBars(bars, strategy, { ...config, fidelity: 'l3' }, port);
    const account = await engine.handlers['account.get']({});
    let venueFills = 0;
    for (const n of port.fillsPerOrder.values()) venueFills += n;
    return { result, bars, venueFills, fillsPerOrder: port.fillsPerOrder, denied: port.denied, deniedBy: Object.fromEntries(port.deniedBy), tradingState, kernelCash: account.cash };
  } finally {
    offState();
    await engine.stop();
  }
}

/**
 * A stored tape (series.db keeps prices and amounts as float64 columns) as the venue's trade rows.
 * The texts are rebuilt exactly: prices at the tape's decimals, amounts at their shortest round-trip
 * text, which is the file's decimal without trailing zeros (the tick and lot the venue infers read
 * the texts with trailing zeros dropped, so they come out as from the file). Trade ids are the row
 * numbers: the simulated venue does not read them.
 */
export function tapeRows(tape: TradeTape, fromMs?: number, toMs?: number): TradeRow[] {
  const out: TradeRow[] = [];
  for (let i = 0; i < tape.time.length; i++) {
    const t = tape.time[i]!;
    if ((fromMs !== undefined && t < fromMs) || (toMs !== undefined && t > toMs)) continue;
    const price = tape.price[i]!;
    const amount = tape.qty[i]!;
    const amountText = String(amount);
    out.push({ timestampMs: t, tradeId: String(i + 1), side: tape.side[i]! > 0 ? 'buy' : 'sell', price, amount, priceText: decimalText(price, tape.priceDecimals), amountText: amountText.includes('e') ? decimalText(amount, 12) : amountText });
  }
  return out;
}

/**
 * A tape window starts on a bar boundary, whoever asks (the host's backtest.*, every `strata
 * backtest` command, every fidelity): the bar levels keep bars whose time is in the window, so a
 * start inside a bar would drop that bar there while L3 (which windows the trades) kept a partial
 * one. Rounded down, so the bar holding the asked start is in.
 */
export function alignedFrom(fromMs: number | undefined, barMs: number): { fromMs?: number } {
  return fromMs === undefined ? {} : { fromMs: Math.floor(fromMs / barMs) * barMs };
}

/**
 * A kept-run spec at fidelity l3 on a stored tape: the window's trades, the strategy, the kernel
 * run, and the same report the other fidelities keep, with the venue's counts beside it. The spec
 * carries everything that decides the result (bar length, latency, urgency, seed), so the run can be
 * stored, shown, compared and repeated.
 */
export async function runL3Spec(spec: RunSpec, tape: TradeTape, hooks: Pick<L3Options, 'onBar'> = {}): Promise<{ run: L3Run; report: BacktestReport }> {
  if (spec.fidelity !== 'l3') throw new BacktestConfigError(`runL3Spec runs fidelity l3, got ${spec.fidelity}`);
  if (spec.barMs === undefined || !(spec.barMs > 0)) throw new BacktestConfigError('an L3 run needs its bar length (barMs > 0)');
  const rows = tapeRows(tape, spec.fromMs, spec.toMs);
  if (rows.length < 2) throw new BacktestConfigError(`the window holds ${rows.length} recorded trade(s); an L3 backtest needs more`);
  const strategy = strategyDef(spec.strategy).create(spec.params);
  const { fidelity: _f, ...config } = configOf(spec);
  const run = await runL3(strategy, config, {
    rows,
    symbol: spec.instrument,
    barMs: spec.barMs,
    urgency: spec.urgency ?? 'immediate',
    seed: spec.seed,
    ...(spec.latencyMs !== undefined ? { latencyMs: spec.latencyMs } : {}),
    deskGuards: spec.deskGuards === true,
    ...hooks,
  });
  let partial = 0;
  for (const n of run.fillsPerOrder.values()) if (n > 1) partial++;
  const report: BacktestReport = {
    ...reportOf(spec, run.bars, run.result),
    l3: { tapeTrades: rows.length, venueFills: run.venueFills, partiallyFilledOrders: partial, denied: run.denied, kernelCash: run.kernelCash, deniedBy: run.deniedBy, tradingState: run.tradingState },
  };
  return { run, report };
}
