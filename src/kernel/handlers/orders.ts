import type { Handlers } from '../../contract/api.ts';
import { DomainError } from '../../core/errors.ts';
import { isOpen } from '../../core/order.ts';
import { fillDto } from '../dto-mapping.ts';
import { farTouch, requireInstrument } from '../context.ts';
import type { KernelContext } from '../context.ts';

type OrderMethods =
  | 'orders.place'
  | 'orders.preview'
  | 'orders.cancel'
  | 'orders.cancelAll'
  | 'orders.pause'
  | 'orders.resume'
  | 'orders.modify'
  | 'orders.children'
  | 'orders.tca'
  | 'orders.get'
  | 'orders.list'
  | 'fills.list'
  | 'positions.list'
  | 'account.get';

/** Order entry, parent controls, the order and fill books, positions and the account. */
export function orderHandlers(ctx: KernelContext): Pick<Handlers, OrderMethods> {
  const { exec, oms, risk, intake } = ctx;
  return {
    'orders.place': (p) => {
      // The ticket goes in as it came (no rest-copy without source and confirm, which cost a copy
      // of every field per order): the intake reads it as an OrderTicket, which has neither.
      const r = intake.submit({ order: p, origin: p.source, confirmSoft: p.confirm === true });
      // The contract edge: soft breaches to confirm reach the client as RISK_CONFIRM_REQUIRED with
      // each breach; the ticket asks the operator and resubmits with confirm.
      if (r.kind === 'held') throw new DomainError('RISK_CONFIRM_REQUIRED', r.message, r.breaches.map((b) => ({ path: b.code, message: b.message })));
      return exec.dto(r.order);
    },
    'orders.preview': (p) => exec.preview(p),
    'orders.cancel': ({ orderId }) => exec.cancel(orderId),
    'orders.cancelAll': ({ symbol }) => {
      if (symbol !== undefined) requireInstrument(ctx, symbol);
      return { requested: exec.cancelAll(symbol) };
    },
    'orders.pause': ({ orderId }) => exec.pause(orderId),
    'orders.resume': ({ orderId }) => {
      const o = oms.get(orderId);
      if (o && o.algo !== null && o.paused && isOpen(o.status)) risk.checkAmend(o, null, undefined);
      return exec.resume(orderId);
    },
    'orders.modify': ({ orderId, qty, price, stopPrice, confirm }) => {
      const o = oms.get(orderId);
      if (o && o.algo !== null) {
        // Parsed once: L1 checks the increase and the runner applies the same units.
        const { parent, qtyUnits } = exec.modifyRequest(orderId, { qty, price, stopPrice });
        risk.checkAmend(parent, qtyUnits, farTouch(ctx, parent.symbol, parent.side));
        return exec.modify(orderId, qtyUnits);
      }
      // A replacement is checked by L1 like a new order of the same origin.
      return exec.modifyOrder(orderId, { qty, price, stopPrice }, confirm === true);
    },
    'orders.children': ({ orderId }) => exec.children(orderId),
    'orders.tca': ({ orderId }) => exec.tca(orderId),
    'orders.get': ({ orderId }) => {
      const o = oms.get(orderId);
      if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      return exec.dto(o);
    },
    'orders.list': ({ scope, limit, before }) => {
      if (before === undefined) return oms.list(scope, limit).map((o) => exec.dto(o));
      // The page after the order `before` (newest first); an order that left the open scope since
      // the previous page is still found by its place in the whole list.
      const all = oms.list(scope, Number.MAX_SAFE_INTEGER);
      let start = all.findIndex((o) => o.id === before);
      if (start < 0) {
        const anchor = oms.get(before);
        if (!anchor) throw new DomainError('UNKNOWN_ORDER', `unknown order "${before}" (the cursor is the id of the last order of the previous page)`);
        start = all.findIndex((o) => o.seq < anchor.seq) - 1;
        if (start < -1) start = all.length - 1;
      }
      return all.slice(start + 1, start + 1 + limit).map((o) => exec.dto(o));
    },
    'fills.list': ({ orderId, limit }) => {
      if (orderId !== undefined && !oms.get(orderId)) throw new DomainError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      // An algo parent is never filled itself: its fills are its children's.
      const ids = orderId === undefined ? undefined : new Set([orderId, ...oms.children(orderId).map((c) => c.id)]);
      const out = [];
      const all = oms.fills();
      for (let k = all.length - 1; k >= 0 && out.length < limit; k--) {
        const f = all[k]!;
        if (ids !== undefined && !ids.has(f.orderId)) continue;
        const i = ctx.instruments.get(f.symbol);
        if (i) out.push(fillDto(f, i));
      }
      return out;
    },
    'positions.list': () => ctx.valuation.positions(),
    'account.get': () => ctx.valuation.account(),
  };
}
