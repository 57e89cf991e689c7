import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Events, Handlers, Params } from '../contract/api.ts';
import type { WhatIfDto } from '../contract/risk-dto.ts';
import type { AlgoKind, SessionDto } from '../contract/dto.ts';
import { DomainError } from '../core/errors.ts';
import type { EventFeed } from '../contract/rpc.ts';
import calibration from '../../assets/demo/calibration.json' with { type: 'json' };
import { WallClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { EventBus } from '../core/event-bus.ts';
import { CASH_DECIMALS, InstrumentRegistry } from '../core/instrument.ts';
import type { InstrumentSpec } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { Ledger } from '../core/ledger.ts';
import { isOpen } from '../core/order.ts';
import type { PreTradeDecision } from '../core/ports.ts';
import { toUnits } from '../core/precision.ts';
import { AlgoRunner } from '../execution/algo-runner.ts';
import type { RunnerMarket } from '../execution/algo-runner.ts';
import { createAlgo } from '../execution/algos/index.ts';
import type { ExecAlgo } from '../execution/algos/types.ts';
import { Oms } from '../execution/oms.ts';
import { ExecutionService } from './execution-service.ts';
import { ExposureLog } from './exposure-log.ts';
import { wireHandlers } from './wire.ts';
import { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { checkOrder } from '../risk/pre-trade-gate.ts';
import { SqliteRiskStore } from '../store/risk-store.ts';
import { RiskControl, checkDto } from './risk-control.ts';
import type { RiskControlOptions } from './risk-control.ts';
import { PmsLoop } from './pms-loop.ts';
import type { PmsLoopOptions } from './pms-loop.ts';
import type { PmsPortfolio } from '../pms/monitor.ts';
import { fromUnits } from '../core/precision.ts';
import type { GateDecision, GateOrder, RiskLimits } from '../risk/pre-trade-gate.ts';
import { SqliteOrderJournal } from '../store/order-journal.ts';
import { SqliteSimVenueStore } from '../store/sim-venue-store.ts';
import type { DemoCalibration } from '../venues/sim/calibration.ts';
import { DEMO_INSTRUMENTS, demoModels } from '../venues/sim/demo-market.ts';
import { SimVenue } from '../venues/sim/sim-venue.ts';
import { tapeSource } from '../venues/sim/tape-source.ts';
import type { TapeTrade } from '../venues/sim/tape-source.ts';
import { accountDto, bookDto, fillDto, instrumentDto, positionDto, quoteDto, tradeDto } from './dto-mapping.ts';

export { ENGINE_VERSION } from './version.ts';
import { ENGINE_VERSION } from './version.ts';

/** Who changes limits and the trading state over the contract: one operator per terminal. */
const OPERATOR = 'operator';

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
  /** Minutes of demo market history generated at start (default 60; 0 for none). */
  warmUpMinutes?: number;
  /**
   * What drives the simulated venue: the demo market (default), or a recorded trade tape for one
   * instrument (replay, `strata exec simulate`), played on the engine's clock.
   */
  market?: { kind: 'demo' } | { kind: 'tape'; instrument: InstrumentSpec; trades: readonly TapeTrade[]; currency?: string };
  /**
   * L1 configuration: limits seeded on the first start of a data directory (later starts use the
   * stored ones), tiers and soft-breach policy, breaker thresholds.
   */
  risk?: RiskControlOptions;
  /** The PMS monitor: interval, thresholds, escalation, daily history for historical stress. */
  pms?: PmsLoopOptions;
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

  // Structural checks only (lot, tick, min notional, cash, no shorting): sizes and exposure are L1's limits.
  const NO_LIMIT = 10n ** 40n;
  const structural: RiskLimits = { maxOrderNotionalUnits: NO_LIMIT, maxPositionNotionalUnits: NO_LIMIT };

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

  /**
   * Moved by every order update and fill (the only ways positions, cash, working orders and algo
   * remainders change), naming the symbol, and once a second for every symbol as a backstop: L1
   * reuses its projected state in between and reads back only the symbols named since.
   */
  const exposureLog = new ExposureLog();

  /** Lot, tick, minimum notional, cash and no-short checks; a child may use its own parent's share of working quantity and reserved cash. */
  function structuralCheck(order: GateOrder, i: Instrument, parentId: string | null): GateDecision {
    return checkOrder(order, i, structural, {
      positionUnits: (s) => ledger.qtyUnits(s),
      workingUnits: (s, side) => oms.workingUnits(s, side, parentId),
      availableCashUnits: () => ledger.cashUnits - oms.reservedCashUnits(parentId),
      oppositeLevels: (s, side) => {
        const b = hub.book(s);
        return b ? (side === 'buy' ? b.asks : b.bids) : [];
      },
      referencePriceUnits: (s) => hub.mark(s),
    }, i.takerFeeBps);
  }

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
      const d = structuralCheck(order, i, order.parentId);
      if (!d.ok) return d;
      const r = risk.check(order, order.type === 'market' ? d.estimatedPriceUnits : null);
      return r.ok ? { ok: true, reservePriceUnits: d.estimatedPriceUnits } : r;
    },
    listener: {
      orderUpdated: (o) => {
        exposureLog.changed(o.symbol);
        bus.publish('order.updated', exec.dto(o));
        runner.onOrderUpdated(o);
        // Reserved cash moves when a buy starts or stops working; fills publish the account anyway.
        if (o.side === 'buy' && (o.status === 'NEW' || o.status === 'CANCELLED' || o.status === 'EXPIRED' || o.status === 'REJECTED')) {
          bus.publish('account.updated', account());
        }
      },
      orderDenied: (o) => bus.publish('order.denied', exec.dto(o)),
      fillApplied: (f, _o, p) => {
        exposureLog.changed(f.symbol);
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
  /** The price an order on `side` would take liquidity at: the best ask for a buy, the best bid for a sell. */
  const farTouch = (s: string, side: 'buy' | 'sell'): bigint | undefined => (side === 'buy' ? runnerMarket.bestAsk(s) : runnerMarket.bestBid(s));
  const runner: AlgoRunner = new AlgoRunner({
    clock,
    oms,
    journal,
    instruments,
    createAlgo: opts.createAlgo ?? createAlgo,
    market: runnerMarket,
    // L1 trading state and PMS flags: every child asks.
    guard: (p) => risk.guard(p),
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

  const riskStore = new SqliteRiskStore(join(opts.dataDir, 'strata.sqlite'));
  const equityUnits = (): bigint => {
    let mv = 0n;
    for (const p of ledger.allPositions()) mv += ledger.marketValue(p, hub.mark(p.symbol));
    return ledger.cashUnits + mv;
  };
  const risk: RiskControl = new RiskControl({
    clock,
    store: riskStore,
    oms: () => oms,
    instrumentOf: inst,
    positions: () => ledger.allPositions(),
    positionUnits: (s) => ledger.qtyUnits(s),
    cashUnits: () => ledger.cashUnits,
    exposureVersion: () => exposureLog.version,
    exposureChangedSince: (since) => exposureLog.changedSince(since),
    equityUnits,
    market: {
      ref: (s) => hub.mark(s),
      bid: runnerMarket.bestBid,
      ask: runnerMarket.bestAsk,
      shortTermVol: (s) => hub.shortTermVol(s),
    },
    symbols: () => symbols,
    venueConnected: () => running,
    runningParents: () => runner.runningIds(),
    pauseParent: (id, reason) => runner.pause(id, { code: 'RISK_PAUSED', message: reason }),
    cancelAll: () => exec.cancelAll(),
    publish: {
      state: (x) => bus.publish('risk.state', x),
      breaker: (x) => bus.publish('risk.breaker', x),
      limits: (x) => bus.publish('risk.limits', x),
    },
    log,
    options: opts.risk,
  });
  const symbols = instruments.all().map((i) => i.symbol);
  const toNum = (u: bigint, d: number): number => Number(fromUnits(u, d));
  const pmsPortfolio = (): PmsPortfolio => {
    const a = account();
    return {
      cash: a.cash,
      realizedPnl: a.realizedPnl,
      unrealizedPnl: a.unrealizedPnl,
      positions: positions().map((p) => ({ symbol: p.symbol, qty: p.qty, marketValue: p.marketValue, realizedPnl: p.realizedPnl, unrealizedPnl: p.unrealizedPnl })),
    };
  };
  const pms = new PmsLoop({
    clock,
    symbols: () => symbols,
    markOf: (s) => {
      const i = inst(s);
      const m = hub.mark(s);
      return i && m !== undefined ? toNum(m, i.priceDecimals) : undefined;
    },
    portfolio: pmsPortfolio,
    seed: (s) => hub.candles(s, '1m', 1440).map((c) => ({ time: c.time + 60_000, price: c.close })),
    escalate: (action, f) => {
      const to = action === 'halt' ? 'HALTED' : 'REDUCING';
      risk.service.tighten(to, { source: 'breaker', code: `PMS_${f.code.toUpperCase()}`, message: `PMS escalation (${f.severity} ${f.code}${f.subject ? ` on ${f.subject}` : ''}): ${f.message}` }, clock.now());
    },
    publish: { metrics: (m) => bus.publish('risk.metrics', m), flags: (f) => bus.publish('risk.flags', f) },
    log,
    options: { ...opts.pms, config: { groups: Object.fromEntries(instruments.all().map((i) => [i.symbol, i.kind])), ...opts.pms?.config } },
  });
  risk.flagGuard = (p) => pms.guard(p, risk.parentReduces(p));

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
    if (!i) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${symbol}"`);
    return i;
  }

  function whatIf(p: Params<'risk.whatIf'>): WhatIfDto {
    const i = requireInstrument(p.symbol);
    const { plan, qtyUnits } = exec.plan(p);
    const style = plan.style;
    const direct = style === 'market' || style === 'limit';
    let priceUnits: bigint | null = null;
    if (p.price !== undefined) {
      try {
        priceUnits = toUnits(p.price, i.priceDecimals);
      } catch (err) {
        throw new DomainError('BAD_REQUEST', `price: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const touch = farTouch(p.symbol, p.side);
    const type = style === 'market' || (!direct && priceUnits === null) ? 'market' : 'limit';
    const qtyNum = Number(p.qty);
    const px = priceUnits ?? touch ?? hub.mark(p.symbol);
    const impact = pms.impact(i.symbol, p.side === 'buy' ? qtyNum : -qtyNum, px !== undefined ? toNum(px, i.priceDecimals) : NaN);
    const d = risk.evaluate({
      symbol: i.symbol,
      side: p.side,
      qtyUnits,
      type,
      limitPriceUnits: type === 'limit' ? priceUnits : null,
      estimatedPriceUnits: touch ?? hub.mark(p.symbol) ?? null,
      urgency: p.urgency,
      source: p.source,
      kind: direct ? 'direct' : 'parent',
      parentId: null,
      confirm: p.confirm ?? false,
    });
    const check = checkDto(d);
    // The same order of checks as a real placement: precision and structure first, then the limits.
    let exact: bigint | undefined;
    try {
      exact = toUnits(p.qty, i.qtyDecimals);
    } catch {
      exact = undefined;
    }
    const structuralDenial =
      exact === undefined
        ? { code: 'QTY_NOT_ON_LOT', message: `quantity ${String(p.qty)} has more decimals than the lot size ${i.lotSize} allows` }
        : (() => {
            const g = structuralCheck({ symbol: i.symbol, side: p.side, type, qtyUnits: exact, priceUnits: type === 'limit' ? priceUnits : null }, i, null);
            return g.ok ? undefined : { code: g.code, message: g.message };
          })();
    if (structuralDenial) {
      const b = { ...structuralDenial, level: 'hard' as const, check: 'structure', limit: null, scope: `symbol:${i.symbol}`, observed: null, threshold: null, factor: 1 };
      return { symbol: i.symbol, side: p.side, qty: qtyNum, check: { ...check, verdict: 'deny', code: b.code, message: b.message, breaches: [b], confirmable: false, confirmed: false }, ...impact };
    }
    return { symbol: i.symbol, side: p.side, qty: toNum(qtyUnits, i.qtyDecimals), check, ...impact };
  }
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
    'orders.place': (p) => risk.withRequest({ source: p.source, confirm: p.confirm === true && p.source === 'manual' }, () => exec.place(p)),
    'orders.preview': (p) => exec.preview(p),
    'orders.cancel': ({ orderId }) => exec.cancel(orderId),
    'orders.cancelAll': ({ symbol }) => {
      if (symbol !== undefined) requireInstrument(symbol);
      return { requested: exec.cancelAll(symbol) };
    },
    'orders.pause': ({ orderId }) => exec.pause(orderId),
    'orders.resume': ({ orderId }) => {
      const o = oms.get(orderId);
      if (o && o.algo !== null && o.paused && isOpen(o.status)) risk.checkAmend(o, null, undefined);
      return exec.resume(orderId);
    },
    'orders.modify': ({ orderId, qty }) => {
      const o = oms.get(orderId);
      const i = o ? inst(o.symbol) : undefined;
      if (o && i && o.algo !== null && isOpen(o.status)) {
        let units: bigint | undefined;
        try {
          units = toUnits(qty, i.qtyDecimals);
        } catch {
          units = undefined; // exec.modify reports the malformed quantity
        }
        if (units !== undefined) risk.checkAmend(o, units, farTouch(o.symbol, o.side));
      }
      return exec.modify(orderId, qty);
    },
    'orders.children': ({ orderId }) => exec.children(orderId),
    'orders.tca': ({ orderId }) => exec.tca(orderId),
    'exec.routing': () => exec.routing,
    'orders.get': ({ orderId }) => {
      const o = oms.get(orderId);
      if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      return exec.dto(o);
    },
    'orders.list': ({ scope, limit }) => oms.list(scope, limit).map((o) => exec.dto(o)),
    'fills.list': ({ orderId, limit }) => {
      if (orderId !== undefined && !oms.get(orderId)) throw new DomainError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
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
    'risk.status': () => risk.status(),
    'risk.limits.get': () => risk.limitsDto(),
    'risk.limits.set': (p) => risk.setLimit(p, OPERATOR, 'contract'),
    'risk.limits.unset': (p) => risk.unsetLimit(p, OPERATOR, 'contract'),
    'risk.limits.audit': ({ limit }) => risk.audit(limit),
    'risk.state.set': (p) => risk.setState(p, OPERATOR),
    'risk.state.log': ({ limit }) => risk.stateLog(limit),
    'risk.killSwitch': ({ reason }) => risk.killSwitch(reason, OPERATOR),
    'risk.breakers.log': ({ limit }) => risk.breakerLog(limit),
    'risk.flags': () => pms.currentFlags(),
    'risk.metrics': () => pms.metrics(),
    'risk.stress': (p) => pms.stress(p),
    'risk.whatIf': (p) => whatIf(p),
  };


  let periodic: number | undefined;
  let running = false;
  let recovery: Engine['recovery'];

  function tickPeriodic(): void {
    // Marks move: refresh account and open positions once a second.
    bus.publish('account.updated', account());
    for (const p of positions()) if (p.qty !== 0) bus.publish('position.updated', p);
    exposureLog.changedAll();
    risk.tick();
    pms.sample();
    periodic = clock.schedule(clock.now() + 1000, tickPeriodic);
  }

  const engine: Engine = {
    handlers: wireHandlers(handlers),
    feed: {
      subscribe: (listener) => bus.onAny((type, payload) => listener(type as keyof Events, payload as Events[keyof Events])),
    },
    get recovery() {
      return recovery;
    },
    async start() {
      if (running) return;
      running = true;
      // An hour of history: the PMS needs 30 one-minute returns before it reports VaR.
      const warm = opts.warmUpMinutes ?? 60;
      if (warm > 0) venue.warmUp(warm * 60_000);
      oms.attach();
      recovery = await oms.recover();
      // Recovery loads orders and fills without telling the listener.
      exposureLog.changedAll();
      // Children are reconciled first; then each working parent resumes from what it has done.
      const resumed = runner.recover();
      if (resumed > 0) log('info', `resumed ${resumed} working algo order(s)`);
      venue.start();
      pms.start();
      periodic = clock.schedule(clock.now() + 1000, tickPeriodic);
      if (recovery.orders > 0) log('info', `recovered ${recovery.orders} orders, ${recovery.fills} fills; reconciled ${recovery.reconciled} open orders (${recovery.fillsRecovered} fills recovered from the venue)`);
    },
    async stop() {
      if (!running) return;
      running = false;
      if (periodic !== undefined) clock.cancel(periodic);
      pms.stop();
      runner.stop();
      venue.stop();
      oms.detach();
      if (clock instanceof WallClock) clock.dispose();
      journal.close();
      riskStore.close();
      venueStore.close();
    },
  };
  return engine;
}
