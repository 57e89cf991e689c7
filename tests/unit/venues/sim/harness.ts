import { SimClock } from '../../../../src/core/clock.ts';
import { InstrumentRegistry } from '../../../../src/core/instrument.ts';
import type { Instrument, InstrumentSpec } from '../../../../src/core/instrument.ts';
import { createRng } from '../../../../src/core/rng.ts';
import { MarketModel } from '../../../../src/venues/sim/market-model.ts';
import type { MarketModelParams } from '../../../../src/venues/sim/market-model.ts';
import type { BookSide, CrowdTrade, ImpactScale, MarketSource, SyntheticLevel } from '../../../../src/venues/sim/market-source.ts';
import type { TapeTrade } from '../../../../src/venues/sim/tape-source.ts';
import type { MarketEvent, MarketTrade, VenueEvent, VenueFill, VenueOrderRequest } from '../../../../src/core/ports.ts';
import { EphemeralSimVenueStore } from '../../../../src/venues/sim/sim-store.ts';
import type { SimOrder, SimVenueStore } from '../../../../src/venues/sim/sim-store.ts';
import { SimVenue } from '../../../../src/venues/sim/sim-venue.ts';
import type { SimVenueOptions } from '../../../../src/venues/sim/sim-venue.ts';
import { TEST_SPECS } from '../../../fixtures/engine/instruments.ts';
import { SIM_START_MS, quietParams } from '../../../fixtures/engine/sim.ts';

/** Binance XRP/ETH as the recorded tape has it: prices to 1e-8 ETH, whole XRP, 10 bps maker and taker. */
export const XRP_ETH: InstrumentSpec = { symbol: 'XRP/ETH', base: 'XRP', quote: 'ETH', kind: 'crypto', tickSize: '0.00000001', lotSize: '1', minNotional: '0.001', makerFeeBps: 10, takerFeeBps: 10, tradable: true };

export type VenueOverrides = Partial<Omit<SimVenueOptions, 'clock' | 'instruments' | 'store'>> & {
  startMs?: number;
  store?: SimVenueStore;
  /** Instruments listed (default the test set plus XRP/ETH). */
  specs?: readonly InstrumentSpec[];
};

export interface VenueHarness {
  clock: SimClock;
  venue: SimVenue;
  store: SimVenueStore;
  instruments: InstrumentRegistry;
  events: VenueEvent[];
  market: MarketEvent[];
}

/** Like the fixtures' simHarness, with every venue option open (sources, impact, cancellations) and XRP/ETH listed. */
export function venueHarness(over: VenueOverrides = {}): VenueHarness {
  const { startMs, store: givenStore, specs, ...rest } = over;
  const clock = new SimClock(startMs ?? SIM_START_MS);
  const store = givenStore ?? new EphemeralSimVenueStore();
  const instruments = new InstrumentRegistry(specs ?? [...TEST_SPECS, XRP_ETH]);
  const opts: SimVenueOptions = { clock, instruments, store, seed: 1, ...rest };
  if (!opts.models && !opts.sources) opts.models = { 'BTC/USD': quietParams() };
  const venue = new SimVenue(opts);
  const events: VenueEvent[] = [];
  const market: MarketEvent[] = [];
  venue.onEvent((e) => events.push(e));
  venue.onMarket((e) => market.push(e));
  return { clock, venue, store, instruments, events, market };
}

export function limitOrder(over: Partial<VenueOrderRequest> & Pick<VenueOrderRequest, 'clientOrderId'>): VenueOrderRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: 1000n, priceUnits: 9000n, ...over };
}

export function fillsOf(events: readonly VenueEvent[], clientOrderId?: string): VenueFill[] {
  const out: VenueFill[] = [];
  for (const e of events) if (e.type === 'fill' && (clientOrderId === undefined || e.fill.clientOrderId === clientOrderId)) out.push(e.fill);
  return out;
}

export function tradesOf(market: readonly MarketEvent[]): MarketTrade[] {
  return market.flatMap((e) => (e.type === 'trade' ? [e.trade] : []));
}

/** Volume-weighted average price of fills, in price units (float). */
export function vwap(fills: readonly VenueFill[]): number {
  let n = 0;
  let q = 0;
  for (const f of fills) {
    n += Number(f.priceUnits) * Number(f.qtyUnits);
    q += Number(f.qtyUnits);
  }
  return n / q;
}

/**
 * A source with the demo model's book around a mid that moves only when a test sets it, no crowd
 * trades, and a given impact scale: only our orders (and the test) move prices.
 */
export class StillSource implements MarketSource {
  readonly inst: Instrument;
  private readonly model: MarketModel;
  private readonly scale: ImpactScale;

  constructor(inst: Instrument, params: MarketModelParams, scale: ImpactScale) {
    this.inst = inst;
    this.model = new MarketModel(inst, params, createRng(1));
    this.scale = scale;
  }

  get mid(): number {
    return this.model.mid;
  }

  set mid(value: number) {
    this.model.mid = value;
  }

  referencePrice(): number {
    return this.model.mid;
  }
  skipTo(): void {}
  advance(): CrowdTrade[] {
    return [];
  }
  nextEventAt(): undefined {
    return undefined;
  }
  levels(side: BookSide, centre: number): SyntheticLevel[] {
    return this.model.levels(side, centre);
  }
  impactScale(): ImpactScale {
    return this.scale;
  }
  save(): string {
    return String(this.model.mid);
  }
  restore(saved: string): void {
    this.model.mid = Number(saved);
  }
}

/** A store that keeps the venue's books in memory across venue instances: a restart without SQLite. */
export class MemorySimVenueStore implements SimVenueStore {
  private readonly orders = new Map<string, SimOrder>();
  private readonly fills: VenueFill[] = [];
  private readonly meta = new Map<string, string>();
  loadOrders(): SimOrder[] {
    return [...this.orders.values()].map((o) => ({ ...o }));
  }
  loadFills(): VenueFill[] {
    return this.fills.map((f) => ({ ...f }));
  }
  saveOrder(order: SimOrder): void {
    this.orders.set(order.clientOrderId, { ...order });
  }
  recordFill(fill: VenueFill, order: SimOrder): void {
    this.fills.push({ ...fill });
    this.saveOrder(order);
  }
  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }
  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }
  close(): void {}
}

/** A recorded trade for a synthetic tape: `ms` after `t0`. */
export function tapeRow(t0: number, ms: number, side: 'buy' | 'sell', price: string, amount: string): TapeTrade {
  return { timestampMs: t0 + ms, side, priceText: price, amountText: amount };
}
