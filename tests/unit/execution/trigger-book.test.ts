import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { displayStatus } from '../../../src/core/order.ts';
import { toUnits } from '../../../src/core/precision.ts';
import { held, placeBracket, triggerHarness } from '../../fixtures/engine/trigger-harness.ts';
import type { TriggerHarness } from '../../fixtures/engine/trigger-harness.ts';

const q = (s: string) => toUnits(s, 3);
const p = (s: string) => toUnits(s, 2);

/** Journal events named `event` for one order. */
function events(h: TriggerHarness, id: string, event: string): number {
  return h.journal.events.filter((e) => e.orderId === id && e.event === event).length;
}

/** A crash and a start: the old engine's pending timers die with it; journal and venue remain. */
function restart(h: TriggerHarness): TriggerHarness {
  h.oms.detach();
  const next = triggerHarness({ journal: h.journal, venue: h.venue, clock: new SimClock(h.clock.now()) });
  next.prices.set('BTC/USD', h.prices.get('BTC/USD') ?? {});
  return next;
}

async function recover(h: TriggerHarness): Promise<void> {
  await h.oms.recover();
  h.triggers.recover();
  h.settle();
}

describe('TriggerBook: stops', () => {
  it('when a sell stop is placed then it is journaled, held (never sent) and shows waiting-trigger; when the last trade reaches the stop then a market child goes out for the quantity', () => {
    const h = triggerHarness();
    h.market({ last: '100.00', bid: '99.99', ask: '100.01' });
    const o = h.triggers.place(held('sell', '0.5', { kind: 'stop', stopPriceUnits: p('95.00') }));
    h.settle();
    expect(o.status).toBe('PENDING');
    expect(displayStatus(o)).toBe('waiting-trigger');
    expect(h.venue.submitted).toHaveLength(0);
    h.market({ last: '95.01' });
    expect(h.venue.submitted).toHaveLength(0);
    h.market({ last: '95.00' });
    expect(h.venue.submitted).toHaveLength(1);
    expect(h.venue.submitted[0]).toMatchObject({ clientOrderId: `${o.id}-C1`, side: 'sell', type: 'market', qtyUnits: q('0.5') });
    expect(o.trigger!.triggeredAt).not.toBeNull();
    expect(displayStatus(o)).toBe('working');
    // journal before send: triggered and the child's creation are written before the venue hears of it
    const log = h.venue.log.entries.join('\n');
    expect(log.indexOf(`journal.updateOrder ${o.id} triggered`)).toBeLessThan(log.indexOf(`venue.submit ${o.id}-C1`));
    h.fill(`${o.id}-C1`, '0.5', '94.90');
    expect(o.status).toBe('FILLED');
    expect(o.filledUnits).toBe(q('0.5'));
  });

  it('when a stop-limit triggers by bid-ask then it watches the bid and sends a limit child at its limit price', () => {
    const h = triggerHarness();
    h.market({ last: '100.00', bid: '99.99', ask: '100.01' });
    const o = h.triggers.place(held('sell', '0.2', { kind: 'stop-limit', by: 'bid-ask', stopPriceUnits: p('98.00') }, { price: '97.50' }));
    h.market({ last: '97.00' }); // the last trade is through, the bid is not
    expect(h.venue.submitted).toHaveLength(0);
    h.market({ bid: '98.00' });
    expect(h.venue.submitted[0]).toMatchObject({ clientOrderId: `${o.id}-C1`, type: 'limit', priceUnits: p('97.50') });
  });

  it('when a trailing sell stop sees the price rise and fall then its stop ratchets up only, and it fires on the way down', () => {
    const h = triggerHarness();
    h.market({ last: '100.00' });
    const o = h.triggers.place(held('sell', '0.1', { kind: 'trailing-stop', trailPercent: 1, stopPriceUnits: p('99.00') }));
    h.market({ last: '110.00' });
    expect(o.trigger!.stopPriceUnits).toBe(p('108.90'));
    h.market({ last: '109.50' });
    expect(o.trigger!.stopPriceUnits).toBe(p('108.90'));
    expect(h.venue.submitted).toHaveLength(0);
    h.market({ last: '108.90' });
    expect(h.venue.submitted).toHaveLength(1);
  });

  it('when the venue ends a stop’s market child unfilled then the stop ends REJECTED with the reason and sends nothing more', () => {
    const h = triggerHarness();
    const o = h.triggers.place(held('sell', '0.1', { kind: 'stop', stopPriceUnits: p('95.00') }));
    h.market({ last: '94.00' });
    h.venue.emit({ type: 'expired', clientOrderId: `${o.id}-C1`, ts: h.clock.now() });
    h.settle();
    h.market({ last: '93.00' });
    expect(o.status).toBe('REJECTED');
    expect(o.reason?.code).toBe('CHILD_ENDED');
    expect(h.venue.submitted).toHaveLength(1);
  });

  it('when a stop triggered and its child was journaled but the engine restarts then the stop is not triggered twice and its child is reconciled, not resent', async () => {
    const h = triggerHarness();
    const o = h.triggers.place(held('sell', '0.1', { kind: 'stop', stopPriceUnits: p('95.00') }));
    h.market({ last: '94.00' });
    const child = `${o.id}-C1`;
    h.venue.known.set(child, { status: { clientOrderId: child, venueOrderId: 'V1', state: 'open', filledUnits: 0n }, fills: [] });
    const h2 = restart(h);
    await recover(h2);
    h2.market({ last: '93.00' });
    expect(h.venue.submitted.filter((r) => r.clientOrderId.startsWith(o.id))).toHaveLength(1);
    expect(events(h2, o.id, 'triggered')).toBe(1);
  });

  it('when a held stop is waiting and the engine restarts then it still triggers on the next trade through its stop', async () => {
    const h = triggerHarness();
    h.market({ last: '100.00' });
    const o = h.triggers.place(held('sell', '0.1', { kind: 'stop', stopPriceUnits: p('95.00') }));
    h.settle();
    const h2 = restart(h);
    await recover(h2);
    expect(h2.get(o.id).status).toBe('PENDING');
    h2.market({ last: '94.99' });
    expect(h.venue.submitted.map((r) => r.clientOrderId)).toEqual([`${o.id}-C1`]);
  });

  it('when a held stop is modified then its stop moves in place (same id) and is journaled; when cancelled then it ends CANCELLED without a venue call', () => {
    const h = triggerHarness();
    h.market({ last: '100.00' });
    const o = h.triggers.place(held('sell', '0.1', { kind: 'stop', stopPriceUnits: p('95.00') }));
    h.triggers.modify(o.id, { stopPriceUnits: p('97.00') });
    h.market({ last: '96.50' });
    expect(h.venue.submitted).toHaveLength(1);
    const o2 = h.triggers.place(held('sell', '0.1', { kind: 'stop', stopPriceUnits: p('50.00') }));
    h.triggers.cancel(o2.id);
    h.settle();
    expect(o2.status).toBe('CANCELLED');
    expect(h.venue.cancelled).not.toContain(o2.id);
  });
});

describe('TriggerBook: brackets (one-cancels-other)', () => {
  it('when the entry fills in part then both exits resize to the filled quantity and the take-profit rests for it at the venue; more fills add to it', () => {
    const h = triggerHarness();
    h.market({ last: '100.00' });
    const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
    expect(b.tp.qtyUnits).toBe(0n);
    expect(h.venue.submitted.map((r) => r.clientOrderId)).toEqual([b.entry.id]);
    h.fill(b.entry.id, '0.4', '100.00');
    expect(b.tp.qtyUnits).toBe(q('0.4'));
    expect(b.sl.qtyUnits).toBe(q('0.4'));
    expect(h.venue.submitted.at(-1)).toMatchObject({ clientOrderId: `${b.tp.id}-C1`, side: 'sell', type: 'limit', priceUnits: p('110.00'), qtyUnits: q('0.4') });
    h.fill(b.entry.id, '0.6', '100.00');
    expect(b.tp.qtyUnits).toBe(q('1'));
    expect(b.sl.qtyUnits).toBe(q('1'));
    expect(h.venue.submitted.at(-1)).toMatchObject({ clientOrderId: `${b.tp.id}-C2`, qtyUnits: q('0.6') });
    expect(displayStatus(b.sl)).toBe('waiting-trigger');
  });

  it('when the take-profit fills then the stop-loss is cancelled exactly once, and never sends', () => {
    const h = triggerHarness();
    const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
    h.fill(b.entry.id, '1', '100.00');
    h.fill(`${b.tp.id}-C1`, '0.3', '110.00');
    expect(b.sl.status).toBe('CANCELLED');
    expect(b.sl.reason?.code).toBe('OCO_CANCELLED');
    h.fill(`${b.tp.id}-C1`, '0.7', '110.00');
    h.market({ last: '80.00' });
    expect(b.tp.status).toBe('FILLED');
    expect(events(h, b.sl.id, 'oco_cancel_requested')).toBe(1);
    expect(h.venue.submitted.some((r) => r.clientOrderId.startsWith(b.sl.id))).toBe(false);
  });

  it('when the stop-loss triggers then the take-profit’s resting child is cancelled first and the stop’s child goes out only once that cancel is confirmed', () => {
    const h = triggerHarness();
    const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
    h.fill(b.entry.id, '1', '100.00');
    h.market({ last: '89.00' });
    expect(h.venue.cancelled).toEqual([`${b.tp.id}-C1`]);
    expect(h.venue.submitted.some((r) => r.clientOrderId.startsWith(b.sl.id))).toBe(false);
    h.cancelled(`${b.tp.id}-C1`);
    expect(b.tp.status).toBe('CANCELLED');
    expect(h.venue.submitted.at(-1)).toMatchObject({ clientOrderId: `${b.sl.id}-C1`, type: 'market', qtyUnits: q('1') });
  });

  it('when the take-profit fills part while its cancel is on the way then the stop-loss sends only what the bracket still holds', () => {
    const h = triggerHarness();
    const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
    h.fill(b.entry.id, '1', '100.00');
    h.market({ last: '89.00' });
    h.fill(`${b.tp.id}-C1`, '0.25', '110.00');
    h.cancelled(`${b.tp.id}-C1`);
    expect(h.venue.submitted.at(-1)).toMatchObject({ clientOrderId: `${b.sl.id}-C1`, qtyUnits: q('0.75') });
  });

  it('when the entry is cancelled unfilled then both exits end CANCELLED (ENTRY_ENDED)', () => {
    const h = triggerHarness();
    const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
    h.oms.cancel(b.entry.id);
    h.cancelled(b.entry.id);
    expect(b.tp.status).toBe('CANCELLED');
    expect(b.sl.status).toBe('CANCELLED');
    expect(b.sl.reason?.code).toBe('ENTRY_ENDED');
  });

  it('when the take-profit’s fill was journaled but the engine stopped before the stop-loss was cancelled then recovery cancels it, once', async () => {
    const h = triggerHarness();
    const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
    h.fill(b.entry.id, '1', '100.00');
    // The fill lands but the deferred review never runs: the process dies first.
    const child = `${b.tp.id}-C1`;
    h.venue.emit({ type: 'fill', fill: { fillId: 'TPF1', clientOrderId: child, venueOrderId: 'V', symbol: 'BTC/USD', side: 'sell', priceUnits: p('110.00'), qtyUnits: q('1'), feeUnits: 0n, liquidity: 'maker', ts: h.clock.now() } });
    expect(b.sl.status).toBe('PENDING');
    h.venue.known.set(child, { status: { clientOrderId: child, venueOrderId: 'V', state: 'filled', filledUnits: q('1') }, fills: [] });
    const h2 = restart(h);
    await recover(h2);
    const h3 = restart(h2);
    await recover(h3);
    h3.market({ last: '50.00' });
    expect(h3.get(b.sl.id).status).toBe('CANCELLED');
    expect(events(h3, b.sl.id, 'oco_cancel_requested')).toBe(1);
    expect(h.venue.submitted.some((r) => r.clientOrderId.startsWith(b.sl.id))).toBe(false);
  });

  it('property: whatever the order of entry fills, exit fills, price moves and restarts, one side is cancelled at most once, the exits never close more than the entry filled, and at most one exit has a child at the venue at a time', async () => {
    type Step = { k: 'entry'; n: number } | { k: 'tpfill'; n: number } | { k: 'price'; px: number } | { k: 'confirm' } | { k: 'restart' };
    const step = fc.oneof(
      fc.record({ k: fc.constant('entry' as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ k: fc.constant('tpfill' as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ k: fc.constant('price' as const), px: fc.integer({ min: 85, max: 115 }) }),
      fc.record({ k: fc.constant('confirm' as const) }),
      fc.record({ k: fc.constant('restart' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps: Step[]) => {
        let h = triggerHarness();
        h.market({ last: '100.00' });
        const b = placeBracket(h, 'buy', '1', '100.00', '110.00', '90.00');
        const tpId = b.tp.id;
        const slId = b.sl.id;
        const entryId = b.entry.id;
        for (const s of steps) {
          if (s.k === 'entry') {
            const e = h.get(entryId);
            const left = e.qtyUnits - e.filledUnits;
            if (left > 0n) h.fill(entryId, (Number(left < q('0.25') * BigInt(s.n) ? left : q('0.25') * BigInt(s.n)) / 1000).toString(), '100.00');
          } else if (s.k === 'tpfill') {
            const c = h.oms.openChildren(tpId)[0];
            if (c) {
              const left = c.qtyUnits - c.filledUnits;
              const n = left < q('0.1') * BigInt(s.n) ? left : q('0.1') * BigInt(s.n);
              h.fill(c.id, (Number(n) / 1000).toString(), '110.00');
            }
          } else if (s.k === 'price') {
            h.market({ last: `${s.px}.00` });
          } else if (s.k === 'confirm') {
            // the venue confirms every cancel asked of it so far
            for (const id of new Set(h.venue.cancelled)) {
              const o = h.oms.get(id);
              if (o && o.status !== 'FILLED' && o.status !== 'CANCELLED') h.cancelled(id);
            }
          } else {
            for (const r of h.venue.submitted) {
              const o = h.oms.get(r.clientOrderId);
              if (o && !h.venue.known.has(o.id)) h.venue.known.set(o.id, { status: { clientOrderId: o.id, venueOrderId: `V-${o.id}`, state: o.status === 'CANCELLED' ? 'cancelled' : o.status === 'FILLED' ? 'filled' : 'open', filledUnits: o.filledUnits }, fills: [] });
            }
            h = restart(h);
            await recover(h);
          }
          const entry = h.get(entryId);
          const tp = h.get(tpId);
          const sl = h.get(slId);
          expect(tp.filledUnits + sl.filledUnits <= entry.filledUnits).toBe(true);
          const cancels = h.journal.events.filter((e) => e.event === 'oco_cancel_requested');
          expect(cancels.length).toBeLessThanOrEqual(1);
          const liveTp = h.oms.openChildren(tpId).filter((c) => !c.cancelRequested).length;
          const liveSl = h.oms.openChildren(slId).length;
          expect(liveTp > 0 && liveSl > 0).toBe(false);
          // a side that lost never sends again
          if (sl.reason?.code === 'OCO_CANCELLED') expect(liveSl).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
