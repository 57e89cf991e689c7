import type { Clock } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import type { InstrumentRegistry } from '../core/instrument.ts';
import { isOpen, remainingUnits } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { TriggerRecord } from '../core/ports.ts';
import { fromUnits, toDecimalString } from '../core/precision.ts';
import { orderOf } from './oms.ts';
import type { HeldRequest, Oms, SubmitOutcome } from './oms.ts';
import { evaluateTrigger } from './trigger-rules.ts';
import type { TriggerPrices } from './trigger-rules.ts';

export interface TriggerBookDeps {
  clock: Clock;
  oms: Oms;
  instruments: InstrumentRegistry;
  prices: (symbol: string) => TriggerPrices;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/**
 * Triggers Strata holds because the venue has none: stops, stop-limits, trailing stops and a
 * bracket's exits. Each is an order in the journal (status PENDING, "waiting for trigger" on the
 * blotter) that sends children through the OMS, so each child passes L1 and the journal like any
 * order. Everything a review does is derived from journaled state (the order, its children, its
 * bracket's entry and one-cancels-other siblings), so after a restart `recover` picks up where the
 * crash left off: a sibling cancel that was decided is never decided twice (the loser's
 * cancelRequested is journaled), and one that was not yet decided is decided then.
 */
export class TriggerBook {
  private readonly d: TriggerBookDeps;
  private readonly pending = new Set<string>();

  constructor(deps: TriggerBookDeps) {
    this.d = deps;
  }

  /** Journals a held order; its first review runs on the clock (the market may already be through the stop). */
  submit(req: HeldRequest): SubmitOutcome {
    const r = this.d.oms.placeHeld(req);
    if ('order' in r && isOpen(r.order.status)) this.schedule(r.order.id);
    return r;
  }

  /** submit() for a caller whose check never holds (bracket exits, tools, tests). */
  place(req: HeldRequest): Order {
    return orderOf(this.submit(req));
  }

  /** Every open held order, after the OMS recovered: continue what each was doing. */
  recover(): number {
    let n = 0;
    for (const o of this.d.oms.openOrders()) {
      if (o.trigger === null) continue;
      this.schedule(o.id);
      n++;
    }
    return n;
  }

  private anyWaiting(symbol: string): boolean {
    // The OMS's open parents and held triggers (few, usually none), not every open order of the symbol.
    for (const o of this.d.oms.openParentsOf(symbol)) if (o.trigger !== null && o.trigger.triggeredAt === null) return true;
    return false;
  }

  /** A book or trade update: waiting triggers of the symbol look at the market. */
  onMarket(symbol: string): void {
    // Every book and trade of the symbol comes here: with no waiting trigger there (the usual case)
    // nothing is copied or looked up. The loop below works on a copy, as firing places orders.
    if (!this.anyWaiting(symbol)) return;
    const inst = this.d.instruments.get(symbol);
    if (!inst) return;
    let px: TriggerPrices | undefined;
    for (const o of this.d.oms.openOrdersOf(symbol)) {
      const t = o.trigger;
      if (t === null || t.triggeredAt !== null || o.cancelRequested || t.kind === 'take-profit') continue;
      // A bracket's stop-loss protects nothing until its entry has filled.
      if (remainingUnits(o) <= 0n) continue;
      px ??= this.d.prices(symbol);
      const r = evaluateTrigger(t, o.side, px, inst.tickUnits);
      if (r.fire) {
        t.triggeredAt = this.d.clock.now();
        // Journal the trigger before its child exists: a restart finds it triggered and sends what is due.
        this.d.oms.persist(o, 'triggered', `stop ${fromUnits(t.stopPriceUnits ?? 0n, inst.priceDecimals)}`);
        this.review(o);
      } else if (r.stopPriceUnits !== t.stopPriceUnits) {
        t.stopPriceUnits = r.stopPriceUnits;
        this.d.oms.persist(o, 'trailed', `stop ${fromUnits(r.stopPriceUnits ?? 0n, inst.priceDecimals)}`);
      }
    }
  }

  /** Every order update: a held order's children, a bracket entry's fills, an exit's fills. */
  onOrderUpdated(o: Order): void {
    if (o.parentId !== null) {
      const p = this.d.oms.get(o.parentId);
      if (p?.trigger) this.schedule(p.id);
      return;
    }
    if (o.trigger !== null) {
      this.schedule(o.id);
      // An exit's fill or trigger decides its one-cancels-other group.
      for (const s of this.d.oms.ocoSiblings(o)) this.schedule(s.id);
      return;
    }
    for (const x of this.d.oms.exitsOf(o.id)) if (isOpen(x.status)) this.schedule(x.id);
  }

  cancel(id: string): Order {
    const o = this.require(id);
    if (!o.cancelRequested) {
      o.cancelRequested = true;
      this.d.oms.persist(o, 'cancel_requested');
    }
    this.review(o);
    return o;
  }

  cancelAll(symbol?: string): string[] {
    const ids: string[] = [];
    for (const o of this.d.oms.openOrders()) {
      if (o.trigger === null || (symbol !== undefined && o.symbol !== symbol)) continue;
      this.cancel(o.id);
      ids.push(o.id);
    }
    return ids;
  }

  /**
   * Amends a held order in place (Strata is its venue): stop price, limit price, total quantity.
   * Checked by L1 as the order it becomes; a triggered order's quantity can only go down to what is
   * filled and working.
   */
  modify(id: string, m: { qtyUnits?: bigint; priceUnits?: bigint; stopPriceUnits?: bigint }): Order {
    const o = this.require(id);
    const t = o.trigger!;
    if (o.cancelRequested) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is being cancelled`);
    if (m.stopPriceUnits !== undefined && (t.kind === 'take-profit' || t.triggeredAt !== null)) {
      throw new DomainError('BAD_REQUEST', `order ${id} has no stop left to move (${t.kind === 'take-profit' ? 'a take-profit rests at its limit' : 'it has triggered'})`);
    }
    if (m.priceUnits !== undefined && o.type !== 'limit') throw new DomainError('BAD_REQUEST', `order ${id} sends a market order when triggered: it has no limit price`);
    if (m.priceUnits !== undefined && t.triggeredAt !== null) throw new DomainError('BAD_REQUEST', `order ${id} has triggered: its limit is at the venue`);
    if (m.qtyUnits !== undefined && t.entryId !== null) throw new DomainError('BAD_REQUEST', `order ${id} is a bracket exit: its quantity follows its entry's fills`);
    let working = 0n;
    for (const c of this.d.oms.openChildren(o.id)) working += remainingUnits(c);
    if (m.qtyUnits !== undefined && m.qtyUnits < o.filledUnits + working) {
      throw new DomainError('BAD_REQUEST', `quantity cannot go below what is filled and working`);
    }
    const next: Order = { ...o, trigger: { ...t } };
    if (m.qtyUnits !== undefined) next.qtyUnits = m.qtyUnits;
    if (m.priceUnits !== undefined) next.priceUnits = m.priceUnits;
    if (m.stopPriceUnits !== undefined) next.trigger!.stopPriceUnits = m.stopPriceUnits;
    const verdict = next.qtyUnits > next.filledUnits ? this.d.oms.checkAmended(next) : ({ ok: true } as const);
    if (!verdict.ok) throw new DomainError('RISK_DENIED', `${verdict.code}: ${verdict.message}`, [{ path: verdict.code, message: verdict.message }]);
    o.qtyUnits = next.qtyUnits;
    o.priceUnits = next.priceUnits;
    o.trigger = next.trigger;
    const inst = this.d.instruments.get(o.symbol);
    if (inst && m.qtyUnits !== undefined) o.requestedQty = toDecimalString(o.qtyUnits, inst.qtyDecimals);
    if (inst && m.priceUnits !== undefined) o.requestedPrice = toDecimalString(m.priceUnits, inst.priceDecimals);
    this.d.oms.persist(o, 'modified', describe(m));
    this.schedule(o.id);
    return o;
  }

  // ---- internals ----

  private require(id: string): Order {
    const o = this.d.oms.get(id);
    if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (o.trigger === null) throw new DomainError('BAD_REQUEST', `order ${id} is not held by Strata`);
    if (!isOpen(o.status)) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is ${o.status}`);
    return o;
  }

  /** Reviews run on the clock, never inside an OMS callback; one per order at a time. */
  private schedule(id: string): void {
    if (this.pending.has(id)) return;
    this.pending.add(id);
    this.d.clock.schedule(this.d.clock.now(), () => {
      this.pending.delete(id);
      const o = this.d.oms.get(id);
      if (o && o.trigger && isOpen(o.status)) this.review(o);
    });
  }

  private working(o: Order): Order[] {
    return this.d.oms.openChildren(o.id);
  }

  /** Brings one held order in line with the state around it. Idempotent: it may run any number of times. */
  private review(o: Order): void {
    const t = o.trigger!;
    if (!isOpen(o.status)) return;
    const entry = t.entryId !== null ? this.d.oms.get(t.entryId) : undefined;
    if (!o.cancelRequested && entry) this.followEntry(o, t, entry);
    if (!o.cancelRequested && o.ocoGroup !== null) this.decideOco(o);
    const working = this.working(o);
    if (o.cancelRequested) {
      for (const c of working) if (!c.cancelRequested) this.d.oms.cancel(c.id);
      if (working.length === 0) this.d.oms.finishParent(o, 'CANCELLED', 'cancelled', o.reason ?? undefined);
      return;
    }
    if (t.triggeredAt === null) return;
    if (working.length === 0) {
      const last = this.d.oms.children(o.id).at(-1);
      if (last && last.status !== 'FILLED' && last.status !== 'DENIED' && remainingUnits(o) > 0n) {
        // The venue ended a child we did not cancel (no liquidity, expiry, rejection): the held
        // order has done what it could; sending again could loop on an empty book.
        const reason = { code: 'CHILD_ENDED', message: `child ${last.id} ended ${last.status}${last.reason ? `: ${last.reason.message}` : ''}` };
        this.d.oms.finishParent(o, o.status === 'PARTIALLY_FILLED' ? 'EXPIRED' : 'REJECTED', 'child_ended', reason);
        return;
      }
    }
    // One side at the venue at a time: wait until a losing sibling's children are gone.
    for (const s of this.d.oms.ocoSiblings(o)) if (this.working(s).length > 0) return;
    let room = remainingUnits(o);
    for (const c of working) room -= remainingUnits(c);
    if (entry) {
      // Never close more than the bracket holds: the entry's fills less every exit's fills.
      let held = entry.filledUnits;
      for (const x of this.d.oms.exitsOf(entry.id)) held -= x.filledUnits;
      for (const c of working) held -= remainingUnits(c);
      if (held < room) room = held;
    }
    if (room > 0n) {
      const child = this.d.oms.placeChild(o, { qtyUnits: room, type: o.type, priceUnits: o.type === 'limit' ? o.priceUnits : null, tif: 'gtc' });
      if (child.status === 'DENIED') {
        const reason = { code: child.reason?.code ?? 'CHILD_DENIED', message: `child ${child.id} denied by L1: ${child.reason?.message ?? ''}` };
        this.d.oms.finishParent(o, o.status === 'PARTIALLY_FILLED' ? 'EXPIRED' : 'REJECTED', 'child_denied', reason);
      }
      return;
    }
    if (working.length === 0 && entry && !isOpen(entry.status) && remainingUnits(o) > 0n) {
      // A sibling closed part of the position in a race: nothing is left for this exit.
      this.d.oms.finishParent(o, 'CANCELLED', 'cancelled', { code: 'OCO_COMPLETE', message: 'the bracket position is closed' });
    }
  }

  /** A bracket exit is sized to its entry's fills; it activates on the first and ends with an empty entry. */
  private followEntry(o: Order, t: TriggerRecord, entry: Order): void {
    if (entry.filledUnits > o.qtyUnits) {
      o.qtyUnits = entry.filledUnits;
      const inst = this.d.instruments.get(o.symbol);
      if (inst) o.requestedQty = toDecimalString(o.qtyUnits, inst.qtyDecimals);
      if (t.kind === 'take-profit' && t.triggeredAt === null) t.triggeredAt = this.d.clock.now();
      this.d.oms.persist(o, 'resized', `entry ${entry.id} filled ${entry.filledUnits}`);
    }
    if (!isOpen(entry.status) && entry.filledUnits === 0n) {
      o.cancelRequested = true;
      o.reason = { code: 'ENTRY_ENDED', message: `entry ${entry.id} ended ${entry.status} unfilled` };
      this.d.oms.persist(o, 'cancel_requested', o.reason.message);
    }
  }

  /**
   * One-cancels-other: the first member to fill, or a stop to trigger, wins; every other member is
   * cancelled once (its journaled cancelRequested is the decision, so a restart never repeats it).
   */
  private decideOco(o: Order): void {
    const members = [o, ...this.d.oms.ocoSiblings(o)];
    const exits = o.trigger?.entryId ? this.d.oms.exitsOf(o.trigger.entryId) : members;
    // A member already cancelled for the group means the group is decided (once, journaled).
    if (exits.some((m) => m.reason?.code === 'OCO_CANCELLED')) return;
    const candidates = exits.filter((m) => m.filledUnits > 0n || won(m));
    if (candidates.length === 0) return;
    const winner = candidates.find((m) => m.filledUnits > 0n) ?? candidates[0]!;
    for (const m of members) {
      if (m.id === winner.id || !isOpen(m.status) || m.cancelRequested) continue;
      m.cancelRequested = true;
      m.reason = { code: 'OCO_CANCELLED', message: `${winner.id} ${winner.filledUnits > 0n ? 'filled' : 'triggered'}: one cancels other` };
      this.d.oms.persist(m, 'oco_cancel_requested', m.reason.message);
      if (m.id !== o.id) this.schedule(m.id);
    }
  }
}

/** A stop that triggered has won its group (a take-profit wins only by filling). */
function won(o: Order): boolean {
  return o.trigger !== null && o.trigger.kind !== 'take-profit' && o.trigger.triggeredAt !== null;
}

function describe(m: { qtyUnits?: bigint; priceUnits?: bigint; stopPriceUnits?: bigint }): string {
  const parts: string[] = [];
  if (m.qtyUnits !== undefined) parts.push(`qty ${m.qtyUnits} units`);
  if (m.priceUnits !== undefined) parts.push(`price ${m.priceUnits} units`);
  if (m.stopPriceUnits !== undefined) parts.push(`stop ${m.stopPriceUnits} units`);
  return parts.join(', ');
}
