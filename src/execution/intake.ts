import type { Params } from '../contract/api.ts';
import type { OrderSource } from '../core/enums.ts';
import { DomainError } from '../core/errors.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { PrecisionError, divRound, pow10, toUnits } from '../core/precision.ts';
import { parseAmounts, plannedUnits } from './amounts.ts';
import type { ParsedAmounts } from './amounts.ts';
import type { HeldOrder, HeldRequest, ParentRequest, PlaceRequest, SubmitOutcome } from './oms.ts';
import { bracketExits, isStopKind, stopTrigger } from './intake-triggers.ts';
import type { StopKind } from './intake-triggers.ts';
import type { TriggerPrices } from './trigger-rules.ts';
import type { RoutePlan } from './routing.ts';

/** The order itself, as the ticket, the API or an approved proposal gives it (the contract's shape without who sent it). */
export type OrderTicket = Omit<Params<'orders.place'>, 'source' | 'confirm'>;

export type OrderOrigin = OrderSource;

/**
 * One order entering the engine. `origin`: who sent it (the ticket, an API/CLI client, or a signal
 * proposal). `approvedBy` and `proposalId`: set on a signal order the operator approved in the
 * approval queue (only on origin 'signal'). `confirmSoft`: the operator confirmed the soft limit
 * breaches L1 reported; honoured for manual orders only (an api or signal order with soft breaches
 * is denied, per the gate's soft policy).
 */
export interface IntakeRequest {
  order: OrderTicket;
  origin: OrderOrigin;
  approvedBy?: string;
  proposalId?: string;
  confirmSoft: boolean;
}

/**
 * What became of it, as data (nothing here throws for a verdict):
 * - admitted: journaled and under way (a direct order sent, an algo parent started); the venue may
 *   still reject it later, which the order's status then shows;
 * - denied: journaled as DENIED with the reason (precision, structure, L1 hard breach, trading state);
 * - held: only soft breaches the operator may confirm; nothing journaled; resubmit with confirmSoft.
 */
export type IntakeOutcome =
  | { kind: 'admitted'; order: Order }
  | { kind: 'denied'; order: Order; code: string; message: string }
  | ({ kind: 'held' } & HeldOrder);

export interface IntakeDeps {
  instruments: InstrumentRegistry;
  oms: {
    submit(req: PlaceRequest, beforeSend?: (o: Order) => void): SubmitOutcome;
    submitParent(req: ParentRequest): SubmitOutcome;
  };
  /** Routing by urgency (or the ticket's override) to a direct order or an algorithm. */
  route(ticket: OrderTicket, inst: Instrument, qtyUnits: bigint): RoutePlan;
  /** Orders Strata holds until they trigger (stops, a bracket's exits). */
  triggers: { submit(req: HeldRequest): SubmitOutcome };
  /** Last trade and touch, for a trailing stop's first trail. */
  triggerPrices(symbol: string): TriggerPrices;
  /** Starts the algorithm working an admitted parent. */
  startAlgo(parent: Order): void;
}

/** Longest approver or proposal id journaled: these are names and ids, not documents. */
const MAX_ID_TEXT = 200;

/**
 * The one way an order enters: manual ticket, API/CLI, and signal proposals the operator approved.
 * Parses quantity and price once into units, routes, and hands the order to the OMS, which journals
 * it with its origin and approval as columns and asks L1 (whose verdict comes back as data). The
 * contract edge (src/kernel/handlers/orders.ts) is the only place that turns `held` into a wire error.
 */
export class OrderIntake {
  private readonly d: IntakeDeps;
  /** Where a bracket's exits are placed: one function for every order, not a closure per submit. */
  private readonly placeExit: (h: HeldRequest) => void;

  constructor(deps: IntakeDeps) {
    this.d = deps;
    this.placeExit = (h) => void deps.triggers.submit(h);
  }

  submit(req: IntakeRequest): IntakeOutcome {
    const t = req.order;
    // Each field read by name: req[key] with a variable key was a keyed load that misses (the
    // fields are absent on every order but a signal's), ~1% of the memory round trip.
    const approvedBy = approvalField(req, 'approvedBy', req.approvedBy);
    const proposalId = approvalField(req, 'proposalId', req.proposalId);
    const inst = this.d.instruments.get(t.symbol);
    if (!inst) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${t.symbol}"`);
    if (isStopKind(t.type)) return this.submitStop(req, t.type, inst, approvedBy, proposalId);
    // A bracket's exits are validated before anything is journaled, and journaled with the entry.
    const exits = bracketExits(t, inst, this.placeExit);
    const amounts = parseAmounts(inst, t.qty, t.price);
    if (!amounts.ok && amounts.malformed) throw new DomainError('BAD_REQUEST', `${amounts.field}: ${amounts.message}`, [{ path: amounts.field, message: amounts.message }]);
    if (amounts.ok && amounts.qtyUnits <= 0n) throw new DomainError('BAD_REQUEST', `qty must be greater than zero (got ${String(t.qty)})`, [{ path: 'qty', message: 'must be greater than zero' }]);
    const plan = this.d.route(t, inst, plannedUnits(amounts, t.qty, inst.qtyDecimals));
    // Only the operator at the ticket can confirm soft breaches (as the gate's soft policy says).
    const riskConfirmed = req.confirmSoft && req.origin === 'manual';
    if (plan.style === 'market' || plan.style === 'limit') {
      const market = plan.style === 'market';
      // The request written out rather than spread from the parent's fields: one object per order.
      const r = this.d.oms.submit(
        {
          symbol: inst.symbol,
          side: t.side,
          qty: t.qty,
          price: market ? undefined : t.price,
          source: req.origin,
          urgency: t.urgency,
          decisionPriceUnits: decisionUnits(inst, t.decisionPrice),
          decisionTs: t.decisionTs ?? null,
          approvedBy,
          proposalId,
          riskConfirmed,
          amounts: market ? withoutPrice(amounts) : amounts,
          type: plan.style,
          tif: market ? 'gtc' : t.tif,
        },
        exits,
      );
      return outcome(r);
    }
    const r = this.d.oms.submitParent({
      symbol: inst.symbol,
      side: t.side,
      qty: t.qty,
      price: t.price,
      source: req.origin,
      urgency: t.urgency,
      decisionPriceUnits: decisionUnits(inst, t.decisionPrice),
      decisionTs: t.decisionTs ?? null,
      approvedBy,
      proposalId,
      riskConfirmed,
      amounts,
      algo: plan.style,
      algoParams: JSON.stringify(plan.params),
    });
    if ('order' in r && r.order.status !== 'DENIED') {
      exits?.(r.order);
      this.d.startAlgo(r.order);
    }
    return outcome(r);
  }

  /** A stop, stop-limit or trailing stop: held by Strata, checked by L1 now and its child when it triggers. */
  private submitStop(req: IntakeRequest, kind: StopKind, inst: Instrument, approvedBy: string | null, proposalId: string | null): IntakeOutcome {
    const t = req.order;
    if (t.takeProfit !== undefined || t.stopLoss !== undefined) throw new DomainError('BAD_REQUEST', 'a stop order cannot carry a bracket: attach take-profit and stop-loss to a market or limit entry');
    const trigger = stopTrigger(t, inst, kind, this.d.triggerPrices(inst.symbol));
    const r = this.d.triggers.submit({
      symbol: inst.symbol,
      side: t.side,
      qty: t.qty,
      price: kind === 'stop-limit' ? t.price : undefined,
      source: req.origin,
      urgency: t.urgency,
      decisionPriceUnits: decisionUnits(inst, t.decisionPrice),
      decisionTs: t.decisionTs ?? null,
      approvedBy,
      proposalId,
      riskConfirmed: req.confirmSoft && req.origin === 'manual',
      childType: kind === 'stop-limit' ? 'limit' : 'market',
      trigger,
      check: true,
    });
    return outcome(r);
  }
}

function outcome(r: SubmitOutcome): IntakeOutcome {
  if ('held' in r) return { kind: 'held', ...r.held };
  const o = r.order;
  if (o.status === 'DENIED') return { kind: 'denied', order: o, code: o.reason?.code ?? 'RISK_DENIED', message: o.reason?.message ?? 'denied' };
  return { kind: 'admitted', order: o };
}

/** A market order takes no price: what was parsed for one (if anything) does not apply. */
function withoutPrice(a: ParsedAmounts): ParsedAmounts {
  // A market ticket has no price as a rule: its parsed amounts serve as they are.
  if (a.ok) return a.priceUnits === null ? a : { ...a, priceUnits: null };
  return a.field === 'price' ? { ok: true, qtyUnits: a.qtyUnits, priceUnits: null } : a;
}

function approvalField(req: IntakeRequest, key: 'approvedBy' | 'proposalId', v: unknown): string | null {
  if (v === undefined) return null;
  if (req.origin !== 'signal') throw new DomainError('BAD_REQUEST', `${key} is only for signal orders approved by the operator (origin is ${req.origin})`, [{ path: key, message: 'only for origin signal' }]);
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID_TEXT) throw new DomainError('BAD_REQUEST', `${key} must be a non-empty text of at most ${MAX_ID_TEXT} characters`, [{ path: key, message: 'bad value' }]);
  return v;
}

function decisionUnits(inst: Instrument, v: number | string | undefined): bigint | null {
  if (v === undefined) return null;
  try {
    // The trader may have seen a mid between ticks: keep it to the tick's precision, rounded.
    // Parse at a precision no double can exceed (a JS mid like 3166.0150000000003), then round.
    const extra = 30;
    return divRound(toUnits(v, inst.priceDecimals + extra), pow10(extra));
  } catch (err) {
    if (err instanceof PrecisionError) throw new DomainError('BAD_REQUEST', `decisionPrice: ${err.message}`);
    throw err;
  }
}
