import type { Events, Handlers } from '../contract/api.ts';
import { WallClock } from '../core/clock.ts';
import { EventBus } from '../core/event-bus.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { Ledger } from '../core/ledger.ts';
import type { PreTradeDecision } from '../core/ports.ts';
import { toUnits } from '../core/precision.ts';
import { AlgoRunner } from '../execution/algo-runner.ts';
import type { RunnerMarket } from '../execution/algo-runner.ts';
import { createAlgo } from '../execution/algos/index.ts';
import { OrderIntake } from '../execution/intake.ts';
import { Oms } from '../execution/oms.ts';
import { OrderWatchdog } from '../execution/order-watchdog.ts';
import { TriggerBook } from '../execution/trigger-book.ts';
import { MarketDataHub } from '../marketdata/market-data-hub.ts';
import type { EngineCore, KernelContext } from './context.ts';
import { gateFeed, gateVenue, guardL2Stores, guardRiskStore } from './durability.ts';
import { busFeed } from './bus-feed.ts';
import { ClockFeed } from './clock-feed.ts';
import { ledgerKey, memoMarkOf } from './pms-inputs.ts';
import { bookDto, quoteDto, tradeDto } from './dto-mapping.ts';
import { DomainBus } from './domain-bus.ts';
import { projectAccountOnOrders, projectFills, projectOrders, projectRisk } from './projections.ts';
import { ExecutionService } from './execution-service.ts';
import { wireExecQuality } from './exec-quality-wiring.ts';
import { ExposureLog } from './exposure-log.ts';
import { TICK_MS, eachTick, nextTickAt } from './periodic-tick.ts';
import { domainHandlers } from './handler-table.ts';
import { L2Service } from './l2-service.ts';
import { memoryL2Stores } from './modes/memory-stores.ts';
import type { KernelConfig, KernelParts } from './parts.ts';
import { PmsLoop } from '../pms/loop.ts';
import { TradingGuard, instrumentBlockLink, tradingStateLink } from '../risk/trading-guard.ts';
import { RiskControl } from './risk-control.ts';
import { RiskUsageFeed } from './risk-usage-feed.ts';
import { PortfolioValuation } from './valuation.ts';
import { wireVenue } from './venue-wiring.ts';
import { wireHandlers } from './wire.ts';
import { structuralChecker } from './structural-check.ts';
import type { Engine } from './engine-port.ts';
export type { Engine } from './engine-port.ts';

/**
 * The composition root: one engine from its parts. Only the parts differ between modes (clock,
 * venue, market data, stores, durability); everything between the contract and the venue is the
 * same code, wired here once, in dependency order, with no lazy getters or late mutation beyond
 * the listener callbacks that close the OMS ↔ runner ↔ L1 loop.
 */
export function buildKernel(parts: KernelParts, config: KernelConfig = {}): Engine {
  const { clock, journal, log, marketData, commits } = parts;
  const instruments = marketData.instruments;
  const inst = (symbol: string): Instrument | undefined => instruments.get(symbol);
  const symbols = instruments.all().map((i) => i.symbol);
  // Group commit: the venue hears of an order only once the journal has committed it.
  const venue = commits ? gateVenue(parts.venue, commits, log) : parts.venue;
  const riskStore = commits ? guardRiskStore(parts.riskStore, commits) : parts.riskStore;

  const bus = new EventBus<Events & Record<string, unknown>>();
  const failed = (err: unknown, type: string): void => log('error', `event handler for ${type} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  bus.onError = (err, type) => failed(err, String(type));
  const domain = new DomainBus(failed);
  const ledger = new Ledger(toUnits(parts.ids.initialCash, CASH_DECIMALS), inst);
  const hub = new MarketDataHub(instruments.all(), {
    book(book, last) {
      const i = inst(book.symbol);
      if (!i) return;
      // DTOs are built only for a subscriber: a backtest without one pays for none.
      if (bus.wants('book')) bus.publish('book', bookDto(book, i));
      if (bus.wants('quote')) bus.publish('quote', quoteDto(book, i, last));
      triggers.onMarket(book.symbol);
      runner.onBook(book.symbol);
    },
    trade(t) {
      const i = inst(t.symbol);
      runner.onTrade(t.symbol, t.priceUnits, t.qtyUnits);
      if (i && bus.wants('trade')) bus.publish('trade', tradeDto(t, i));
      triggers.onMarket(t.symbol);
    },
    candle(c) {
      bus.publish('candle', c);
    },
    wantsCandles: () => bus.wants('candle'),
  });
  venue.onMarket((e) => hub.on(e));
  /**
   * Moved by every order update and fill (the only ways positions, cash, working orders and algo
   * remainders change), naming the symbol, and once a second for every symbol as a backstop: L1
   * reuses its projected state in between and reads back only the symbols named since.
   */
  const exposureLog = new ExposureLog();

  const oms: Oms = new Oms({
    midOf: (s) => hub.mid(s),
    clock,
    journal,
    venue,
    instruments,
    ledger,
    idPrefix: parts.ids.prefix,
    // L1 in two steps (structure, then limits), both built just below from the OMS itself: the OMS
    // calls this port only when it drafts an order, after construction, so nothing reads a getter.
    check: (order, exceptId): PreTradeDecision => {
      const i = inst(order.symbol);
      if (!i) return { ok: false, code: 'INSTRUMENT_UNKNOWN', message: `unknown instrument ${order.symbol}` };
      const d = structuralCheck(order, i, exceptId ?? order.parentId);
      if (!d.ok) return d;
      const r = risk.check(order, order.type === 'market' ? d.estimatedPriceUnits : null);
      return r.ok ? { ok: true, reservePriceUnits: d.estimatedPriceUnits } : r;
    },
    // What the OMS did, as domain events; the reactions are registered below, in this order.
    listener: {
      orderUpdated: (o, event) => domain.order(o, event),
      orderDenied: () => undefined,
      fillApplied: (fill, order, position) => domain.publish('FillReceived', { fill, order, position }),
      anomaly: (m) => log('warn', m),
    },
  });
  const structuralCheck = structuralChecker({ ledger, book: (s) => hub.book(s), mark: (s) => hub.mark(s), orders: oms });
  const valuation = new PortfolioValuation({
    clock,
    ledger,
    currency: marketData.currency,
    instrumentOf: inst,
    markOf: (s) => hub.mark(s),
    reservedCashUnits: () => oms.reservedCashUnits(),
  });

  const bookOf = (s: string) => hub.book(s);
  const market: RunnerMarket = {
    bestBid: (s) => bookOf(s)?.bids[0]?.priceUnits,
    bestAsk: (s) => bookOf(s)?.asks[0]?.priceUnits,
    bestBidQty: (s) => bookOf(s)?.bids[0]?.qtyUnits ?? 0n,
    bestAskQty: (s) => bookOf(s)?.asks[0]?.qtyUnits ?? 0n,
    last: (s) => hub.last(s),
    mid: (s) => hub.mid(s),
    shortTermVol: (s) => hub.shortTermVol(s),
  };
  const quality = wireExecQuality({ config: config.execQuality, journal, clock, cost: { instruments, market, hub }, publishTca: (t) => bus.publish('tca', t), alert: (a) => bus.publish('engine.alert', a), log });
  const runner: AlgoRunner = new AlgoRunner({
    clock,
    oms,
    journal,
    instruments,
    createAlgo: config.createAlgo ?? createAlgo,
    market,
    // The guard chain (trading state, breakers, PMS flags): every child asks.
    guard: (p) => guard.check(p),
    onTca: quality.onTca,
    estimateBps: quality.estimateBps,
    log,
  });
  const triggerPrices = (s: string) => ({ last: hub.last(s), bid: market.bestBid(s), ask: market.bestAsk(s) });
  const triggers: TriggerBook = new TriggerBook({ clock, oms, instruments, prices: triggerPrices, log });
  const exec = new ExecutionService({
    clock,
    oms,
    runner,
    triggers,
    triggerPrices,
    instruments,
    seed: config.seed ?? 42,
    volumePerSecond: (s) => hub.volumePerSecond(s),
    midOf: (s) => market.mid(s),
    volumeProfile: (i) => marketData.volumeProfile(i),
  });
  const intake = new OrderIntake({
    instruments,
    oms,
    route: (t, i, qtyUnits) => exec.plan(t, qtyUnits).plan,
    triggers,
    triggerPrices,
    startAlgo: (parent) => runner.start(parent),
  });

  const risk: RiskControl = new RiskControl({
    clock,
    store: riskStore,
    oms,
    instrumentOf: inst,
    positions: () => ledger.allPositions(),
    positionUnits: (s) => ledger.qtyUnits(s),
    cashUnits: () => ledger.cashUnits,
    exposureVersion: () => exposureLog.version,
    exposureChangedSince: (since) => exposureLog.changedSince(since),
    equityUnits: () => valuation.equityUnits(),
    market: { ref: (s) => hub.mark(s), bid: market.bestBid, ask: market.bestAsk, shortTermVol: (s) => hub.shortTermVol(s) },
    // The PMS (built below, asked only once orders flow) holds the return history the shared rule reads.
    volatilityKnown: (s) => pms.monitor.volatilityKnown(s),
    symbols: () => symbols,
    // The real connection state on an exchange (the venue-disconnect breaker reads it).
    venueConnected: () => running && venueSide.connected(),
    guardChanged: () => guard.enforce(),
    cancelAll: (reason) => exec.cancelAll(undefined, reason),
    publish: {
      state: (state) => domain.publish('TradingStateChanged', { state }),
      breaker: (event) => domain.publish('BreakerTripped', { event }),
      limits: (limits) => domain.publish('LimitsChanged', { limits }),
    },
    log,
    alert: (code, message) => bus.publish('engine.alert', { code, severity: 'error', message, orderId: null, at: clock.now() }),
    options: config.risk,
  });
  const watchdogOpts = config.watchdog ?? (clock instanceof WallClock ? {} : false);
  const watchdog =
    watchdogOpts === false
      ? undefined
      : new OrderWatchdog(
          {
            clock,
            oms,
            alert: (a) => bus.publish('engine.alert', { code: a.code, severity: a.code === 'ORDER_LOST' ? 'error' : 'warn', message: a.message, orderId: a.orderId, at: clock.now() }),
            log,
          },
          watchdogOpts,
        );
  const pms = new PmsLoop({
    clock,
    symbols: () => symbols,
    markOf: memoMarkOf(inst, (s) => hub.mark(s)),
    portfolio: () => valuation.pmsPortfolio(),
    portfolioKey: () => ledgerKey(ledger),
    seed: (s) => hub.candles(s, '1m', 1440).map((c) => ({ time: c.time + 60_000, price: c.close })),
    escalate: (action, f) => {
      const to = action === 'halt' ? 'HALTED' : 'REDUCING';
      risk.service.tighten(to, { source: 'breaker', code: `PMS_${f.code.toUpperCase()}`, message: `PMS escalation (${f.severity} ${f.code}${f.subject ? ` on ${f.subject}` : ''}): ${f.message}` }, clock.now());
    },
    publish: {
      metrics: (m, d) => bus.publish('risk.metrics', d.cycleMs === 0 ? m : { ...m, cycleMs: d.cycleMs }),
      flags: (flags) => domain.publish('FlagsChanged', { flags }),
    },
    log, // A cycle's wall time is measured on a wall clock only: simulated runs stay bit-for-bit repeatable.
    ...(clock instanceof WallClock ? { stopwatch: () => performance.now() } : {}),
    options: { ...config.pms, config: { groups: Object.fromEntries(instruments.all().map((i) => [i.symbol, i.kind])), ...config.pms?.config } },
  });
  /** One chain, assembled here once: the trading state, the breakers' instrument blocks, the PMS flags. */
  const guard = new TradingGuard({
    links: [tradingStateLink(() => risk.service.mode, () => risk.service.stateCauseCode()), instrumentBlockLink((s) => risk.service.blockOf(s)), pms],
    reduces: (p) => risk.reduces(p),
    working: () => runner.workingParents(),
    pause: (id, reason) => runner.pause(id, { code: 'GUARD_PAUSED', message: reason }),
  });

  // The reactions to domain events, in the order each must see them: exposure first (L1 reads it),
  // then the wire's view, then the algos and held stops, then what depends on all of them.
  const projection = { instrumentOf: inst, orderDto: (o: Order) => exec.dto(o), mark: (s: string) => hub.mark(s), ledger, valuation };
  domain.onOrder((o) => exposureLog.changed(o.symbol));
  projectOrders(domain, bus, projection);
  domain.onOrder((o) => runner.onOrderUpdated(o));
  domain.onOrder((o) => triggers.onOrderUpdated(o));
  projectAccountOnOrders(domain, bus, projection);
  domain.on('FillReceived', ({ fill }) => {
    venueSide.fillApplied(fill);
    exposureLog.changed(fill.symbol);
  });
  projectFills(domain, bus, projection);
  projectRisk(domain, bus);
  // A new flag acts on working algos now, not at their next wake.
  domain.on('FlagsChanged', () => guard.enforce());

  const venueSide = wireVenue(parts, config, {
    clock,
    oms,
    ledger,
    instruments: () => instruments.all(),
    cashUnits: () => ledger.cashUnits,
    positionUnits: (s) => ledger.qtyUnits(s),
    markOf: (s) => hub.mark(s),
    // The once-a-second tick publishes positions and the account; L1 re-reads the symbol now.
    changed: (s) => (s === null ? exposureLog.changedAll() : exposureLog.changed(s)),
    publish: (type, payload) => bus.publish(type, payload as (Events & Record<string, unknown>)[typeof type]),
  });
  const l2Stores = parts.l2 ? (commits ? guardL2Stores(parts.l2, commits) : parts.l2) : memoryL2Stores();
  const clockFeed = new ClockFeed({ mode: parts.mode, clock, pace: parts.pace, publish: (c) => bus.publish('clock', c) });
  const core: EngineCore = {
    mode: parts.mode,
    venue: venueSide.ctx,
    clock,
    clockDto: () => clockFeed.dto(),
    venueName: venue.name,
    currency: marketData.currency,
    startedAt: clock.now(),
    instruments,
    hub,
    market,
    oms,
    runner,
    exec,
    intake,
    risk,
    pms,
    valuation,
    structuralCheck,
    quality: quality.tracker,
  };
  const l2 = new L2Service(core, l2Stores, {
    signals: (c) => bus.publish('signal.generated', c), wantsSignals: () => bus.wants('signal.generated'),
    created: (p) => bus.publish('proposal.created', p),
    updated: (p) => bus.publish('proposal.updated', p),
  }, log, {
    ...config.l2,
    // L2 reads daily bars: the market's history before the session (real where the host loaded it), then the live days.
    dailyHistory: config.l2?.dailyHistory ?? (marketData.dailyHistory ? (endTime, endPrice) => marketData.dailyHistory!({ endTime, endPrice, real: config.pms?.dailyHistory ?? {} }) : undefined),
  });
  const ctx: KernelContext = { ...core, l2, portfolioConfigured: (s) => bus.publish('portfolio.configured', s) };
  const handlers: Handlers = domainHandlers(ctx);
  let periodic: number | undefined;
  let running = false;
  const pmsOn = parts.pms !== 'off';
  let recovery: Engine['recovery'];
  const usageFeed = new RiskUsageFeed({ clock, wants: () => bus.wants('risk.usage'), limits: () => risk.limitsDto(), status: () => risk.status(), publish: (u) => bus.publish('risk.usage', u), exposed: () => oms.openOrders().length > 0 || ledger.allPositions().some((p) => p.qtyUnits !== 0n) });
  const idleParts = [eachTick(() => exposureLog.changedAll()), risk, ...(pmsOn ? [pms] : []), usageFeed];
  const usageChanged = (): void => usageFeed.invalidate();
  domain.onOrder(usageChanged);
  for (const e of ['FillReceived', 'TradingStateChanged', 'BreakerTripped', 'LimitsChanged', 'FlagsChanged'] as const) domain.on(e, usageChanged);

  function tickPeriodic(): void {
    clockFeed.tick();
    // Marks move: refresh account and open positions once a second.
    if (bus.wants('account.updated')) bus.publish('account.updated', valuation.account());
    if (bus.wants('position.updated')) for (const p of valuation.positions()) if (p.qty !== 0) bus.publish('position.updated', p);
    exposureLog.changedAll();
    risk.tick();
    usageFeed.tick();
    if (pmsOn) pms.sample();
    periodic = clock.schedule(nextTickAt(clock, idleParts), tickPeriodic);
  }

  return {
    // A request is answered once what it journaled is committed (at once unless commits are grouped).
    handlers: wireHandlers(handlers, commits ? () => commits.committed() : undefined),
    intake,
    // Events, like replies, wait for the durable commit of what they report (group commit).
    feed: commits ? gateFeed(busFeed(bus), commits, log) : busFeed(bus),
    get recovery() {
      return recovery;
    },
    async start() {
      if (running) return;
      running = true;
      // An hour of history: the PMS needs 30 one-minute returns before it reports VaR.
      const warm = config.warmUpMinutes ?? 60;
      if (warm > 0) marketData.warmUp?.(warm * 60_000);
      oms.attach();
      venueSide.recovering(true);
      recovery = await oms.recover();
      venueSide.recovering(false);
      // Recovery loads orders and fills without telling the listener.
      exposureLog.changedAll();
      // Children are reconciled first; then each working parent resumes from what it has done.
      const resumed = runner.recover();
      if (resumed > 0) log('info', `resumed ${resumed} working algo order(s)`);
      const held = triggers.recover();
      if (held > 0) log('info', `holding ${held} stop / bracket order(s) again`);
      venue.start();
      venueSide.start();
      if (pmsOn) pms.start();
      watchdog?.start();
      l2.start();
      clockFeed.start();
      if (parts.tick !== 'off') periodic = clock.schedule(clock.now() + TICK_MS, tickPeriodic);
      if (recovery.orders > 0) log('info', `recovered ${recovery.orders} orders, ${recovery.fills} fills; reconciled ${recovery.reconciled} open orders (${recovery.fillsRecovered} fills recovered from the venue)`);
    },
    async stop() {
      if (!running) return;
      running = false;
      if (periodic !== undefined) clock.cancel(periodic);
      clockFeed.stop();
      watchdog?.stop();
      l2.stop();
      pms.stop();
      runner.stop();
      venueSide.stop();
      venue.stop();
      oms.detach();
      commits?.flush();
      if (clock instanceof WallClock) clock.dispose();
      journal.close();
      riskStore.close();
      parts.venueStore.close();
      l2Stores.signals.close();
      l2Stores.approvals.close();
    },
  };
}
