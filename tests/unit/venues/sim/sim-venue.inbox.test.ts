import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock, WallClock } from '../../../../src/core/clock.ts';
import type { Clock } from '../../../../src/core/clock.ts';
import type { VenueEvent, VenueOrderRequest } from '../../../../src/core/ports.ts';
import { SimVenue } from '../../../../src/venues/sim/sim-venue.ts';
import { EphemeralSimVenueStore } from '../../../../src/venues/sim/sim-store.ts';
import { px, qty, testInstrument, testRegistry } from '../../../fixtures/engine/instruments.ts';
import { SIM_START_MS, quietParams } from '../../../fixtures/engine/sim.ts';

const BTC = testInstrument('BTC/USD');

function order(id: string): VenueOrderRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty(BTC, '1'), priceUnits: px(BTC, '90'), clientOrderId: id };
}

/** A clock whose first timer fires `earlyMs` before its time, as setTimeout can against Date.now(). */
class EarlyOnceClock implements Clock {
  private early: number;
  private readonly sim: SimClock;
  constructor(sim: SimClock, earlyMs: number) {
    this.sim = sim;
    this.early = earlyMs;
  }
  now(): number {
    return this.sim.now();
  }
  schedule(at: number, fn: () => void): number {
    const e = this.early;
    this.early = 0;
    return this.sim.schedule(at - e, fn);
  }
  cancel(id: number): void {
    this.sim.cancel(id);
  }
}

function venueOn(clock: Clock, latencyMs: number, seed = 1): { venue: SimVenue; events: VenueEvent[] } {
  const venue = new SimVenue({ clock, instruments: testRegistry(), store: new EphemeralSimVenueStore(), seed, latencyMs, models: { 'BTC/USD': quietParams() } });
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  return { venue, events };
}

describe('SimVenue inbox (issue 8, D1)', () => {
  it('when the drain timer fires before the message is due then the venue re-arms and delivers it without any later message', () => {
    const sim = new SimClock(SIM_START_MS);
    const { venue, events } = venueOn(new EarlyOnceClock(sim, 2), 4);
    venue.submit(order('A'));
    sim.advanceBy(1_000);
    expect(events.filter((e) => e.type === 'accepted').map((e) => e.type === 'accepted' && e.clientOrderId)).toEqual(['A']);
  });

  it('property: on the wall clock with busy work between sends, every message is delivered within a bound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 5, maxLength: 25 }), fc.integer({ min: 1, max: 8 }), fc.integer(), async (busy, latencyMs, seed) => {
        const clock = new WallClock();
        const { venue, events } = venueOn(clock, latencyMs, seed);
        const ids = busy.map((_, i) => `O${i}`);
        busy.forEach((ms, i) => {
          venue.submit(order(ids[i]!));
          const until = performance.now() + ms;
          while (performance.now() < until) {
            // busy work: the event loop cannot run the venue's timers meanwhile
          }
        });
        const sentAt = Date.now();
        // Generous bound for a loaded machine; a stuck message never arrives at all.
        const bound = 5_000;
        while (events.filter((e) => e.type === 'accepted').length < ids.length && Date.now() - sentAt < bound) {
          await new Promise((r) => setTimeout(r, 1));
        }
        clock.dispose();
        venue.stop();
        const accepted = events.flatMap((e) => (e.type === 'accepted' ? [e.clientOrderId] : []));
        expect(accepted).toEqual(ids);
      }),
      { numRuns: 15 },
    );
  });
});
