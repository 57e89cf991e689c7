import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, TERMINAL_STATUSES, isTerminal } from '../../../src/contract/dto.ts';
import type { OrderStatus } from '../../../src/contract/dto.ts';
import { IllegalTransitionError, applyFillToOrder, canTransition, isOpen, remainingUnits, transition } from '../../../src/core/order.ts';
import { makeOrder } from '../../fixtures/engine/orders.ts';

/** The specified state machine, written out independently of the implementation's table. */
const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  NEW: ['PENDING', 'PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'],
  PENDING: ['PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'EXPIRED'],
  // The venue may or may not have it: settled by the venue's answer, never denied (L1 passed it).
  UNRESOLVED: ['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'],
  FILLED: [],
  CANCELLED: [],
  REJECTED: [],
  EXPIRED: [],
  DENIED: [],
};

const PAIRS = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to, ALLOWED[from].includes(to)] as const));

describe('order state machine', () => {
  it('covers all 81 (from, to) pairs', () => {
    expect(PAIRS).toHaveLength(81);
  });

  it.each(PAIRS)('when an order moves %s -> %s then allowed is %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
    const o = makeOrder({ status: from, updatedAt: 1 });
    const before = { ...o };
    if (allowed) {
      transition(o, to, 5, { code: 'X', message: 'because' });
      expect(o.status).toBe(to);
      expect(o.updatedAt).toBe(5);
      expect(o.reason).toEqual({ code: 'X', message: 'because' });
    } else {
      let err: unknown;
      try {
        transition(o, to, 5);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect(err).toMatchObject({ orderId: o.id, from, to });
      // A refused move changes nothing.
      expect(o).toEqual(before);
    }
  });

  it.each(TERMINAL_STATUSES)('when an order is %s then it is terminal, not open, and no move leaves it', (s) => {
    expect(isTerminal(s)).toBe(true);
    expect(isOpen(s)).toBe(false);
    for (const to of ORDER_STATUSES) expect(canTransition(s, to)).toBe(false);
  });

  it.each(['NEW', 'PENDING', 'PARTIALLY_FILLED', 'UNRESOLVED'] as const)('when an order is %s then it is open and can still be cancelled', (s) => {
    expect(isOpen(s)).toBe(true);
    expect(isTerminal(s)).toBe(false);
    expect(canTransition(s, 'CANCELLED')).toBe(true);
  });

  it('when a transition carries no reason then an earlier reason is kept', () => {
    const o = makeOrder({ status: 'NEW', reason: { code: 'OLD', message: 'kept' } });
    transition(o, 'PENDING', 2);
    expect(o.reason).toEqual({ code: 'OLD', message: 'kept' });
  });
});

describe('applyFillToOrder', () => {
  it('when a fill covers part of the quantity then the order is PARTIALLY_FILLED with sums added', () => {
    const o = makeOrder({ status: 'PENDING', qtyUnits: 1000n });
    applyFillToOrder(o, 400n, 4_000n, 7n, 10);
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 400n, filledNotionalUnits: 4_000n, feeUnits: 7n, updatedAt: 10 });
    expect(remainingUnits(o)).toBe(600n);
    applyFillToOrder(o, 600n, 6_100n, 3n, 11);
    expect(o).toMatchObject({ status: 'FILLED', filledUnits: 1000n, filledNotionalUnits: 10_100n, feeUnits: 10n, updatedAt: 11 });
    expect(remainingUnits(o)).toBe(0n);
  });

  it('when a fill arrives for a NEW order (before the venue ack) then it fills directly', () => {
    const o = makeOrder({ status: 'NEW', qtyUnits: 5n });
    applyFillToOrder(o, 5n, 1n, 0n, 1);
    expect(o.status).toBe('FILLED');
  });

  it('when a fill would overfill then it throws and leaves the order unchanged', () => {
    const o = makeOrder({ status: 'PARTIALLY_FILLED', qtyUnits: 10n, filledUnits: 7n, filledNotionalUnits: 70n, feeUnits: 1n });
    const before = { ...o };
    expect(() => applyFillToOrder(o, 4n, 40n, 1n, 9)).toThrow(/overfill/);
    expect(o).toEqual(before);
  });

  it.each([0n, -1n])('when a fill quantity is %s then it throws and leaves the order unchanged', (q) => {
    const o = makeOrder({ status: 'PENDING' });
    const before = { ...o };
    expect(() => applyFillToOrder(o, q, 0n, 0n, 9)).toThrow(/positive/);
    expect(o).toEqual(before);
  });

  it.each(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'] as const)('when the order is %s then a fill is refused and nothing changes', (status) => {
    const o = makeOrder({ status, qtyUnits: 10n, filledUnits: status === 'FILLED' ? 10n : 0n });
    const before = { ...o };
    expect(() => applyFillToOrder(o, 1n, 1n, 0n, 9)).toThrow();
    expect(o).toEqual(before);
  });

  it('when any sequence of random fills is applied then filled never exceeds qty, overfills change nothing, and FILLED iff filled == qty', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.array(fc.record({ q: fc.bigInt({ min: 1n, max: 4_000n }), px: fc.bigInt({ min: 1n, max: 1_000n }), fee: fc.bigInt({ min: 0n, max: 50n }) }), { maxLength: 30 }),
        (qty, fills) => {
          const o = makeOrder({ status: 'PENDING', qtyUnits: qty });
          let filled = 0n;
          let notional = 0n;
          let fees = 0n;
          for (const f of fills) {
            const before = { ...o };
            if (filled + f.q > qty || o.status === 'FILLED') {
              expect(() => applyFillToOrder(o, f.q, f.q * f.px, f.fee, 1)).toThrow();
              expect(o).toEqual(before);
            } else {
              applyFillToOrder(o, f.q, f.q * f.px, f.fee, 1);
              filled += f.q;
              notional += f.q * f.px;
              fees += f.fee;
            }
            expect(o.filledUnits).toBe(filled);
            expect(o.filledUnits <= o.qtyUnits).toBe(true);
            expect(o.filledNotionalUnits).toBe(notional);
            expect(o.feeUnits).toBe(fees);
            expect(o.status === 'FILLED').toBe(o.filledUnits === o.qtyUnits);
            expect(o.status).toBe(filled === 0n ? 'PENDING' : filled === qty ? 'FILLED' : 'PARTIALLY_FILLED');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
