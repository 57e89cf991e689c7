import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import type { PlaceRequest } from '../../../src/execution/oms.ts';
import { OrderWatchdog } from '../../../src/execution/order-watchdog.ts';
import type { WatchdogAlert } from '../../../src/execution/order-watchdog.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { FakeVenue } from '../../fixtures/engine/fake-venue.ts';

function req(over: Partial<PlaceRequest> = {}): PlaceRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '2', price: '100', source: 'api', ...over };
}

/** Lets the watchdog's questions to the venue (promises) settle. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup(ackTimeoutMs = 5_000) {
  const clock = new SimClock(1_700_000_000_000);
  const venue = new FakeVenue();
  const h = omsHarness({ clock, venue });
  const alerts: WatchdogAlert[] = [];
  const logs: string[] = [];
  const dog = new OrderWatchdog({ clock, oms: h.oms, alert: (a) => alerts.push(a), log: (_l, m) => logs.push(m) }, { ackTimeoutMs, checkEveryMs: 500 });
  dog.start();
  /** Engine time passes in watchdog ticks, the venue's answers arriving between them as they would. */
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 250) {
      clock.advanceBy(Math.min(250, ms - t));
      await flush();
    }
  };
  return { clock, venue, h, alerts, logs, dog, advance };
}

describe('OrderWatchdog (issue 8, D1)', () => {
  it('when an order is acknowledged in time then nothing is raised', async () => {
    const { clock, venue, h, alerts } = setup();
    const o = h.oms.place(req());
    clock.advanceBy(100);
    venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: clock.now() });
    clock.advanceBy(20_000);
    await flush();
    expect(alerts).toEqual([]);
  });

  it('when an order stays NEW past the ack timeout then one alert is raised and the venue is asked, which settles it', async () => {
    const { clock, venue, h, alerts } = setup();
    const o = h.oms.place(req());
    // The venue has it (its acknowledgement was lost on the way).
    venue.known.set(o.id, { status: { clientOrderId: o.id, venueOrderId: 'V9', state: 'open', filledUnits: 0n }, fills: [] });
    clock.advanceBy(4_999);
    await flush();
    expect(alerts).toEqual([]);
    clock.advanceBy(1_001);
    await flush();
    expect(alerts.map((a) => [a.code, a.orderId])).toEqual([['NOT_ACKNOWLEDGED', o.id]]);
    expect(h.oms.get(o.id)?.status).toBe('PENDING');
    expect(h.oms.get(o.id)?.venueOrderId).toBe('V9');
    clock.advanceBy(30_000);
    await flush();
    expect(alerts).toHaveLength(1);
  });

  it('when the venue never heard of an order then after the give-up time it ends NOT_ACKNOWLEDGED with a cancel behind it', async () => {
    const { venue, h, alerts, advance } = setup();
    const o = h.oms.place(req());
    await advance(14_000);
    expect(h.oms.get(o.id)?.status).toBe('NEW');
    await advance(2_000);
    const ended = h.oms.get(o.id);
    expect(ended?.status).toBe('REJECTED');
    expect(ended?.reason?.code).toBe('NOT_ACKNOWLEDGED');
    expect(venue.cancelled).toEqual([o.id]);
    expect(alerts.map((a) => a.code)).toEqual(['NOT_ACKNOWLEDGED', 'ORDER_LOST']);
    expect(h.oms.openOrders()).toEqual([]);
  });

  it('when a cancel is not confirmed past the ack timeout then it is re-sent, the venue is asked and its answer closes the order', async () => {
    const { clock, venue, h, alerts } = setup();
    const o = h.oms.place(req());
    venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: clock.now() });
    h.oms.cancel(o.id);
    venue.known.set(o.id, { status: { clientOrderId: o.id, venueOrderId: 'V1', state: 'cancelled', filledUnits: 0n }, fills: [] });
    clock.advanceBy(5_500);
    await flush();
    expect(alerts.map((a) => a.code)).toEqual(['CANCEL_NOT_CONFIRMED']);
    expect(venue.cancelled).toEqual([o.id, o.id]);
    expect(h.oms.get(o.id)?.status).toBe('CANCELLED');
  });

  it('when stopped then it looks at nothing more', async () => {
    const { clock, h, alerts, dog } = setup();
    h.oms.place(req());
    dog.stop();
    clock.advanceBy(60_000);
    await flush();
    expect(alerts).toEqual([]);
  });
});
