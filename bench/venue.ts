/**
 * `node bench/venue.ts`: matching throughput of the simulated venue, in market events (book and
 * trade events it publishes) per second of wall time, median of RUNS runs, on two sources:
 *   1. the demo market (the three demo instruments, calibrated model, 250 ms steps), 30 simulated minutes;
 *   2. the recorded XRP/ETH tape from assets/demo (12,477 trades over 59 h), 1 s steps plus one step per trade.
 * The venue runs on a SimClock as fast as possible with an in-memory store, while a scripted trader
 * keeps resting orders at the touch (queue position, crowd fills) and sends a market order every few
 * seconds (book walk, impact), so the figure includes matching against our orders, not just the crowd.
 * Pass --json to print the figures as JSON as well. `benchVenue()` returns them for bench/run.ts.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import calibration from '../assets/demo/calibration.json' with { type: 'json' };
import { SimClock, SimClockDriver } from '../src/core/clock.ts';
import { InstrumentRegistry } from '../src/core/instrument.ts';
import type { InstrumentSpec } from '../src/core/instrument.ts';
import type { VenueOrderRequest } from '../src/core/ports.ts';
import { parseTradesCsv } from '../src/marketdata/csv.ts';
import type { TradeRow } from '../src/marketdata/csv.ts';
import type { DemoCalibration } from '../src/venues/sim/calibration.ts';
import { DEMO_INSTRUMENTS, demoModels } from '../src/venues/sim/demo-market.ts';
import { EphemeralSimVenueStore } from '../src/venues/sim/sim-store.ts';
import { SimVenue } from '../src/venues/sim/sim-venue.ts';
import type { SimVenueOptions } from '../src/venues/sim/sim-venue.ts';
import { tapeSource } from '../src/venues/sim/tape-source.ts';
import { fmt, median } from './stats.ts';

const RUNS = 5;
const START = Date.UTC(2026, 0, 5, 14, 30);
const XRP_ETH: InstrumentSpec = { symbol: 'XRP/ETH', base: 'XRP', quote: 'ETH', kind: 'crypto', tickSize: '0.00000001', lotSize: '1', minNotional: '0.001', makerFeeBps: 10, takerFeeBps: 10, tradable: true };

export interface VenueBench {
  /** Market events published per wall second (median). */
  eventsPerSecond: number;
  /** Events per run, and simulated seconds per wall second (median), for context. */
  events: number;
  speedup: number;
}

interface Scenario {
  clock: SimClock;
  venue: SimVenue;
  symbols: { symbol: string; lots: bigint }[];
  end: number;
}

/** Runs a scenario with a scripted trader; returns the events published and the wall seconds taken. */
function runOnce(s: Scenario): { events: number; seconds: number; simSeconds: number } {
  let events = 0;
  s.venue.onMarket(() => events++);
  let seq = 0;
  const send = (req: Omit<VenueOrderRequest, 'clientOrderId'>): string => {
    const clientOrderId = `B${++seq}`;
    s.venue.submit({ clientOrderId, ...req });
    return clientOrderId;
  };
  const resting: string[] = [];
  // Every 5 simulated seconds: a small market order on one symbol; every 30 s: re-quote a bid and an ask at the touch everywhere.
  let tick = 0;
  const trader = (): void => {
    tick++;
    const { symbol, lots } = s.symbols[tick % s.symbols.length]!;
    send({ symbol, side: tick % 2 === 0 ? 'buy' : 'sell', type: 'market', tif: 'ioc', qtyUnits: lots, priceUnits: null });
    if (tick % 6 === 0) {
      for (const id of resting.splice(0)) s.venue.cancel(id);
      for (const x of s.symbols) {
        const b = s.venue.book(x.symbol);
        const bid = b?.bids[0]?.priceUnits;
        const ask = b?.asks[0]?.priceUnits;
        if (bid !== undefined) resting.push(send({ symbol: x.symbol, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: x.lots * 3n, priceUnits: bid }));
        if (ask !== undefined) resting.push(send({ symbol: x.symbol, side: 'sell', type: 'limit', tif: 'gtc', qtyUnits: x.lots * 3n, priceUnits: ask }));
      }
    }
    if (s.clock.now() + 5_000 < s.end) s.clock.schedule(s.clock.now() + 5_000, trader);
  };
  const from = s.clock.now();
  s.clock.schedule(from + 5_000, trader);
  s.venue.start();
  const t0 = performance.now();
  new SimClockDriver(s.clock).runToEnd(s.end);
  const seconds = (performance.now() - t0) / 1000;
  s.venue.stop();
  return { events, seconds, simSeconds: (s.end - from) / 1000 };
}

function venue(opts: Omit<SimVenueOptions, 'clock' | 'store'>, clock: SimClock): SimVenue {
  return new SimVenue({ ...opts, clock, store: new EphemeralSimVenueStore() });
}

function summarise(runs: { events: number; seconds: number; simSeconds: number }[]): VenueBench {
  return {
    eventsPerSecond: median(runs.map((r) => r.events / r.seconds)),
    events: median(runs.map((r) => r.events)),
    speedup: median(runs.map((r) => r.simSeconds / r.seconds)),
  };
}

export function benchDemoVenue(runs = RUNS, minutes = 30): VenueBench {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const clock = new SimClock(START);
    const instruments = new InstrumentRegistry(DEMO_INSTRUMENTS);
    const v = venue({ instruments, models: demoModels(calibration as DemoCalibration), seed: r + 1 }, clock);
    // About one median crowd trade each.
    const symbols = [
      { symbol: 'BTC/USDT', lots: 2_000n },
      { symbol: 'ETH/USDT', lots: 3_000n },
      { symbol: 'SPY', lots: 100n },
    ];
    out.push(runOnce({ clock, venue: v, symbols, end: START + minutes * 60_000 }));
  }
  return summarise(out);
}

export function loadDemoTape(): TradeRow[] {
  return parseTradesCsv(readFileSync(new URL('../assets/demo/binance_XRPETH_trades_20191011-13.csv', import.meta.url), 'utf8'));
}

export function benchTapeVenue(runs = RUNS, rows: readonly TradeRow[] = loadDemoTape()): VenueBench {
  const out = [];
  const first = rows[0]!.timestampMs;
  const last = rows[rows.length - 1]!.timestampMs;
  for (let r = 0; r < runs; r++) {
    const clock = new SimClock(first - 1_000);
    const instruments = new InstrumentRegistry([XRP_ETH]);
    const v = venue({ instruments, sources: { 'XRP/ETH': tapeSource(rows) }, seed: r + 1, stepMs: 1_000 }, clock);
    out.push(runOnce({ clock, venue: v, symbols: [{ symbol: 'XRP/ETH', lots: 68n }], end: last + 1_000 }));
  }
  return summarise(out);
}

export function benchVenue(): { demo: VenueBench; tape: VenueBench } {
  return { demo: benchDemoVenue(), tape: benchTapeVenue() };
}

if (import.meta.main) {
  const { demo, tape } = benchVenue();
  const rows: [string, string, string][] = [
    [`sim venue, demo model: market events/s (median of ${RUNS} × 30 min, 3 symbols)`, fmt(demo.eventsPerSecond), `${fmt(demo.events)} events, ${fmt(demo.speedup)}× real time`],
    [`sim venue, XRP/ETH tape: market events/s (median of ${RUNS} × 59 h, 12,477 trades)`, fmt(tape.eventsPerSecond), `${fmt(tape.events)} events, ${fmt(tape.speedup)}× real time`],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['figure', 'median', ''][i]!.length));
  console.log(['figure', 'median', ''].map((h, i) => h.padEnd(w[i]!)).join('  '));
  for (const r of rows) console.log(r.map((c, i) => (i === 1 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  '));
  if (process.argv.includes('--json')) console.log(JSON.stringify({ venue: { demo, tape } }));
}
