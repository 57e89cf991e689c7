import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Events, Handlers } from '../contract/api.ts';
import type { AlgoKind, RiskLimitsDto, SessionDto } from '../contract/dto.ts';
import { RpcError } from '../contract/errors.ts';
import type { EventFeed } from '../contract/rpc.ts';
import calibration from '../../assets/demo/calibration.json' with { type: 'json' };
import { WallClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { EventBus } from '../core/event-bus.ts';
import { CASH_DECIMALS, InstrumentRegistry } from '../core/instrument.ts';
import type { InstrumentSpec } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { Ledger } from '../core/ledger.ts';
import type { PreTradeDecision } from '../core/ports.ts';
import { toUnits } from '../core/precision.ts';
import { AlgoRunner } from '../execution/algo-runner.ts';
import type { RunnerMarket } from '../execution/algo-runner.ts';
import { createAlgo } from '../execution/algos/index.ts';
import type { ExecAlgo } from '../execution/algos/types.ts';
import { Oms } from '../execution/oms.ts';
import { ExecutionService } from './execution-service.ts';
import { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { checkOrder } from '../risk/pre-trade-gate.ts';
import type { RiskLimits } from '../risk/pre-trade-gate.ts';
import { SqliteOrderJournal } from '../store/order-journal.ts';
import { SqliteSimVenueStore } from '../store/sim-venue-store.ts';
import type { DemoCalibration } from '../venues/sim/calibration.ts';
import { DEMO_INSTRUMENTS, demoModels } from '../venues/sim/demo-market.ts';
import { SimVenue } from '../venues/sim/sim-venue.ts';
import { tapeSource } from '../venues/sim/tape-source.ts';
import type { TapeTrade } from '../venues/sim/tape-source.ts';
import { accountDto, bookDto, fillDto, instrumentDto, positionDto, quoteDto, tradeDto } from './dto-mapping.ts';

export const ENGINE_VERSION = '0.1.0';

/**
 * Depth of the book synthesised around a recorded tape. A recorded market had far more resting
 * depth than the dozen levels a screen shows; with 12 a large market order would run out of book
 * and expire part-filled, which no real venue with that tape's volume would do.
 */
const TAPE_BOOK_LEVELS = 60;

export interface EngineOptions {
  dataDir: string;
  seed?: number;
  /** Defaults to the wall clock (paper mode). Replay and backtests pass a SimClock. */
  clock?: Clock;
  initialCash?: string;
  /** Minutes of demo market history generated at start (0 for none). */
  warmUpMinutes?: number;
  /**
   * What drives the simulated venue: the demo market (default), or a recorded trade tape for one
   * instrument (replay, `strata exec simulate`), played on the engine's clock.
   */
  market?: { kind: 'demo' } | { kind: 'tape'; instrument: InstrumentSpec; trades: readonly TapeTrade[]; currency?: string };
  limits?: Partial<{ maxOrderNotional: string; maxPositionNotional: string }>;
  /**
   * Prefix of client order ids for a new data directory (default: random, so two installs never
   * collide at a venue). Simulations fix it so that a seed reproduces every id.
   */
  idPrefix?: string;
  /** Builds the algorithm for a parent (default: the real ones); benchmarks wrap it to time decisions. */
  createAlgo?: (kind: AlgoKind) => ExecAlgo;
  /** Median venue message latency in ms (default 4; 0 for benchmarks of the engine alone). */
  venueLatencyMs?: number;
  /** Receives anomalies and internal errors; defaults to stderr. */
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface Engine {
  handlers: Handlers;
  feed: EventFeed;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Recovery summary of the last start. */
  readonly recovery: { orders: number; fills: number; reconciled: number; fillsRecovered: number } | undefined;
}


/**
 * The composition root: builds one engine for a mode from its parts. Only the clock and the
 * venue differ between modes; everything between the contract and the venue is the same code.
 */
export function createEngine(opts: EngineOptions): Engine {
  const log = opts.log ?? ((level, msg) => process.stderr.write(`[strata ${level}] ${msg}\n`));
  const clock = opts.clock ?? new WallClock();
  const seed = opts.seed ?? 42;
  const journal = new SqliteOrderJournal(join(opts.dataDir, 'strata.sqlite'));
  const venueStore = new SqliteSimVenueStore(join(opts.dataDir, 'sim-venue.sqlite'));
  const market = opts.market ?? { kind: 'demo' };
  const instruments = new InstrumentRegistry(market.kind === 'tape' ? [market.instrument] : DEMO_INSTRUMENTS);
  const ACCOUNT_CURRENCY = market.kind === 'tape' ? (market.currency ?? market.instrument.quote) : 'USD';
  const inst = (symbol: string): Instrument | undefined => instruments.get(symbol);

  // Facts fixed at the first start of a data directory, so later defaults never rewrite history.
  let idPrefix = journal.getMeta('id_prefix');
  if (!idPrefix) {
    idPrefix = opts.idPrefix ?? 'S' + randomBytes(3).toString('hex').toUpperCase();
    journal.setMeta('id_prefix', idPrefix);
  }
  let initialCash = journal.getMeta('initial_cash');
  if (!initialCash) {
    initialCash = opts.initialCash ?? '1000000';
    journal.setMeta('initial_cash', initialCash);
  }

  const limits: RiskLimits = {
    maxOrderNotionalUnits: toUnits(opts.limits?.maxOrderNotional ?? '250000', CASH_DECIMALS),
    maxPositionNotionalUnits: toUnits(opts.limits?.maxPositionNotional ?? '500000', CASH_DECIMALS),
  };

  const bus = new EventBus<Events & Record<string, unknown>>();
  bus.onError = (err, type) => log('error', `event handler for ${String(type)} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  const ledger = new Ledger(toUnits(initialCash, CASH_DECIMALS), inst);
  const venue =
    market.kind === 'tape'
      ? new SimVenue({ clock, instruments, sources: { [market.instrument.symbol]: tapeSource(market.trades, { levels: TAPE_BOOK_LEVELS }) }, store: venueStore, seed, latencyMs: opts.venueLatencyMs })
      : new SimVenue({ clock, instruments, models: demoModels(calibration as DemoCalibration), store: venueStore, seed, latencyMs: opts.venueLatencyMs });
  const hub = new MarketDataHub(instruments.all(), {
    book(book, last) {
      const i = inst(book.symbol);
      if (!i) return;
      bus.publish('book', bookDto(book, i));
      bus.publish('quote', quoteDto(book, i, last));
      runner.onBook(book.symbol);
    },
    trade(t) {
      const i = inst(t.symbol);
      runner.onTrade(t.symbol, t.priceUnits, t.qtyUnits);
      if (i) bus.publish('trade', tradeDto(t, i));
    },
    candle(c) {
      bus.publish('candle', c);
    },
  });
  venue.onMarket((e) => hub.on(e));

  const oms: Oms = new Oms({
    midOf: (s) => hub.mid(s),
    clock,
    journal,
    venue,
    instruments,
    ledger,
    idPrefix,
    check: (order): PreTradeDecision => {
      const i = inst(order.symbol);
      if (!i) return { ok: false, code: 'INSTRUMENT_UNKNOWN', message: `unknown instrument ${order.symbol}` };
      // A child may use its own parent's share of working quantity and reserved cash.
      const d = checkOrder(order, i, limits, {
        positionUnits: (s) => ledger.qtyUnits(s),
        workingUnits: (s, side) => oms.workingUnits(s, side, order.parentId),
        availableCashUnits: () => ledger.cashUnits - oms.reservedCashUnits(order.parentId),
        oppositeLevels: (s, side) => {
          const b = hub.book(s);
          return b ? (side === 'buy' ? b.asks : b.bids) : [];
        },
        referencePriceUnits: (s) => hub.mark(s),
      }, i.takerFeeBps);
      return d.ok ? { ok: true, reservePriceUnits: d.estimatedPriceUnits } : d;
    },
    listener: {
      orderUpdated: (o) => {
        bus.publish('order.updated', exec.dto(o));
        runner.onOrderUpdated(o);
        // Reserved cash moves when a buy starts or stops working; fills publish the account anyway.
        if (o.side === 'buy' && (o.status === 'NEW' || o.status === 'CANCELLED' || o.status === 'EXPIRED' || o.status === 'REJECTED')) {
          bus.publish('account.updated', account());
        }
      },
      orderDenied: (o) => bus.publish('order.denied', exec.dto(o)),
      fillApplied: (f, _o, p) => {
        const i = inst(f.symbol);
        if (!i) return;
        bus.publish('fill', fillDto(f, i));
        const mark = hub.mark(p.symbol);
        bus.publish('position.updated', positionDto(p, i, mark, ledger.marketValue(p, mark)));
        bus.publish('account.updated', account());
      },
      anomaly: (m) => log('warn', m),
    },
  });

  const bookOf = (s: string) => hub.book(s);
  const runnerMarket: RunnerMarket = {
      bestBid: (s) => bookOf(s)?.bids[0]?.priceUnits,
      bestAsk: (s) => bookOf(s)?.asks[0]?.priceUnits,
      bestBidQty: (s) => bookOf(s)?.bids[0]?.qtyUnits ?? 0n,
      bestAskQty: (s) => bookOf(s)?.asks[0]?.qtyUnits ?? 0n,
      last: (s) => hub.last(s),
      mid: (s) => hub.mid(s),
      shortTermVol: (s) => hub.shortTermVol(s),
  };
  const runner: AlgoRunner = new AlgoRunner({
    clock,
    oms,
    journal,
    instruments,
    createAlgo: opts.createAlgo ?? createAlgo,
    market: runnerMarket,
    // Hook for L1 trading state and PMS flags (ACTIVE/REDUCING/HALTED, breaches): every child asks.
    guard: () => ({ ok: true }),
    onTca: (t) => bus.publish('tca', t),
    log,
  });
  const exec = new ExecutionService({
    clock,
    oms,
    runner,
    instruments,
    seed,
    volumePerSecond: (s) => hub.volumePerSecond(s),
    midOf: (s) => runnerMarket.mid(s),
    volumeProfile: (i) => {
      const cal = (calibration as DemoCalibration)[i.kind === 'crypto' ? 'crypto' : 'equity'];
      return { profile: cal.intradayVolumeProfile, bucketMinutes: cal.profileBucketMinutes };
    },
  });

  function account() {
    let mv = 0n;
    let unreal = 0n;
    for (const p of ledger.allPositions()) {
      const v = ledger.marketValue(p, hub.mark(p.symbol));
      mv += v;
      if (p.qtyUnits !== 0n) unreal += v - p.costUnits;
    }
    return accountDto({
      currency: ACCOUNT_CURRENCY,
      initialCashUnits: ledger.initialCashUnits,
      cashUnits: ledger.cashUnits,
      reservedUnits: oms.reservedCashUnits(),
      marketValueUnits: mv,
      realizedUnits: ledger.realizedUnits,
      unrealizedUnits: unreal,
      feeUnits: ledger.feeUnits,
      ts: clock.now(),
    });
  }

  function positions() {
    const out = [];
    for (const p of ledger.allPositions()) {
      const i = inst(p.symbol);
      if (!i) continue;
      const mark = hub.mark(p.symbol);
      out.push(positionDto(p, i, mark, ledger.marketValue(p, mark)));
    }
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  function requireInstrument(symbol: string): Instrument {
    const i = inst(symbol);
    if (!i) throw new RpcError('UNKNOWN_SYMBOL', `unknown symbol "${symbol}"`);
    return i;
  }

  const limitsDto = (): RiskLimitsDto => ({
    maxOrderNotional: Number(limits.maxOrderNotionalUnits) / 10 ** CASH_DECIMALS,
    maxPositionNotional: Number(limits.maxPositionNotionalUnits) / 10 ** CASH_DECIMALS,
  });
  const startedAt = clock.now();

  const handlers: Handlers = {
    'session.info': (): SessionDto => ({
      version: ENGINE_VERSION,
      mode: market.kind === 'tape' ? 'replay' : 'paper',
      venue: venue.name,
      startedAt,
      serverTime: clock.now(),
      currency: ACCOUNT_CURRENCY,
      instruments: instruments.all().map(instrumentDto),
      limits: limitsDto(),
    }),
    'instruments.list': () => instruments.all().map(instrumentDto),
    'market.snapshot': ({ symbol }) => {
      const i = requireInstrument(symbol);
      const book = hub.book(symbol) ?? { symbol, bids: [], asks: [], ts: clock.now() };
      return { quote: quoteDto(book, i, hub.last(symbol)), book: bookDto(book, i), trades: hub.tape(symbol, 50).map((t) => tradeDto(t, i)) };
    },
    'market.candles': ({ symbol, interval, limit }) => {
      requireInstrument(symbol);
      return hub.candles(symbol, interval, limit);
    },
    'orders.place': (p) => exec.place(p),
    'orders.preview': (p) => exec.preview(p),
    'orders.cancel': ({ orderId }) => exec.cancel(orderId),
    'orders.cancelAll': ({ symbol }) => {
      if (symbol !== undefined) requireInstrument(symbol);
      return { requested: exec.cancelAll(symbol) };
    },
    'orders.pause': ({ orderId }) => exec.pause(orderId),
    'orders.resume': ({ orderId }) => exec.resume(orderId),
    'orders.modify': ({ orderId, qty }) => exec.modify(orderId, qty),
    'orders.children': ({ orderId }) => exec.children(orderId),
    'orders.tca': ({ orderId }) => exec.tca(orderId),
    'exec.routing': () => exec.routing,
    'orders.get': ({ orderId }) => {
      const o = oms.get(orderId);
      if (!o) throw new RpcError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      return exec.dto(o);
    },
    'orders.list': ({ scope, limit }) => oms.list(scope, limit).map((o) => exec.dto(o)),
    'fills.list': ({ orderId, limit }) => {
      if (orderId !== undefined && !oms.get(orderId)) throw new RpcError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      const out = [];
      const all = oms.fills();
      for (let k = all.length - 1; k >= 0 && out.length < limit; k--) {
        const f = all[k]!;
        if (orderId !== undefined && f.orderId !== orderId) continue;
        const i = inst(f.symbol);
        if (i) out.push(fillDto(f, i));
      }
      return out;
    },
    'positions.list': () => positions(),
    'account.get': () => account(),
    'risk.limits.get': () => limitsDto(),
  };


  let periodic: number | undefined;
  let running = false;
  let recovery: Engine['recovery'];

  function tickPeriodic(): void {
    // Marks move: refresh account and open positions once a second.
    bus.publish('account.updated', account());
    for (const p of positions()) if (p.qty !== 0) bus.publish('position.updated', p);
    periodic = clock.schedule(clock.now() + 1000, tickPeriodic);
  }

  const engine: Engine = {
    handlers,
    feed: {
      subscribe: (listener) => bus.onAny((type, payload) => listener(type as keyof Events, payload as Events[keyof Events])),
    },
    get recovery() {
      return recovery;
    },
    async start() {
      if (running) return;
      running = true;
      const warm = opts.warmUpMinutes ?? 30;
      if (warm > 0) venue.warmUp(warm * 60_000);
      oms.attach();
      recovery = await oms.recover();
      // Children are reconciled first; then each working parent resumes from what it has done.
      const resumed = runner.recover();
      if (resumed > 0) log('info', `resumed ${resumed} working algo order(s)`);
      venue.start();
      periodic = clock.schedule(clock.now() + 1000, tickPeriodic);
      if (recovery.orders > 0) log('info', `recovered ${recovery.orders} orders, ${recovery.fills} fills; reconciled ${recovery.reconciled} open orders (${recovery.fillsRecovered} fills recovered from the venue)`);
    },
    async stop() {
      if (!running) return;
      running = false;
      if (periodic !== undefined) clock.cancel(periodic);
      runner.stop();
      venue.stop();
      oms.detach();
      if (clock instanceof WallClock) clock.dispose();
      journal.close();
      venueStore.close();
    },
  };
  return engine;
}
