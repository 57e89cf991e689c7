import type { BracketDto, ExecutionPlanDto, OrderDto, ScheduleSliceDto, TcaDto } from '../contract/dto.ts';
import { ALGO_KINDS } from '../contract/dto.ts';
import { DomainError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import { isOpen, remainingUnits } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import { PrecisionError, fromUnits, toUnits } from '../core/precision.ts';
import type { AlgoRunner } from '../execution/algo-runner.ts';
import { createAlgo } from '../execution/algos/index.ts';
import { targetUnits } from '../execution/algos/schedule.ts';
import { parseAmounts, plannedUnits } from '../execution/amounts.ts';
import type { OrderTicket } from '../execution/intake.ts';
import { priceParam } from '../execution/intake-triggers.ts';
import type { Oms } from '../execution/oms.ts';
import type { TriggerBook } from '../execution/trigger-book.ts';
import type { TriggerPrices } from '../execution/trigger-rules.ts';
import { DEFAULT_ROUTING, route } from '../execution/routing.ts';
import type { RouteContext, RoutePlan, RoutingTable } from '../execution/routing.ts';
import { orderDto } from './dto-mapping.ts';
import type { OrderLinks } from './dto-mapping.ts';

type PlaceParams = OrderTicket;

/** An order nobody replaced and no bracket holds (shared: orderDto only reads it). */
const NO_LINKS: OrderLinks = Object.freeze({ replacedBy: null, bracket: null });

function safeUnits(v: number | string, decimals: number): bigint | undefined {
  try {
    return toUnits(v, decimals);
  } catch {
    return undefined;
  }
}

export interface ExecutionServiceDeps {
  clock: Clock;
  oms: Oms;
  runner: AlgoRunner;
  triggers: TriggerBook;
  /** What held stops watch (last trade, bid, ask). */
  triggerPrices: (symbol: string) => TriggerPrices;
  instruments: InstrumentRegistry;
  volumePerSecond: (symbol: string) => number | undefined;
  midOf: (symbol: string) => bigint | undefined;
  volumeProfile: (inst: Instrument) => { profile: number[]; bucketMinutes: number } | undefined;
  seed: number;
  routing?: RoutingTable;
}

/**
 * The execution side of the contract: routes orders by urgency to a direct order or an algorithm
 * (orders enter through OrderIntake, which asks `plan`), previews the schedule, and exposes the
 * parent controls (pause, resume, modify, cancel) and TCA.
 */
export class ExecutionService {
  private readonly d: ExecutionServiceDeps;
  readonly routing: RoutingTable;

  constructor(deps: ExecutionServiceDeps) {
    this.d = deps;
    this.routing = deps.routing ?? DEFAULT_ROUTING;
  }

  dto(o: Order): OrderDto {
    const inst = this.d.instruments.get(o.symbol);
    const links = this.links(o);
    if (o.algo === null) return orderDto(o, inst, undefined, links);
    let working = 0n;
    const children = this.d.oms.children(o.id);
    for (const c of children) if (isOpen(c.status)) working += remainingUnits(c);
    const open = isOpen(o.status);
    return orderDto(o, inst, {
      scheduledUnits: open ? this.d.runner.scheduledUnits(o) : undefined,
      scheduleSteps: open ? this.d.runner.scheduleSteps(o) : undefined,
      childCount: children.length,
      workingUnits: working,
    }, links);
  }

  private links(o: Order): OrderLinks {
    const oms = this.d.oms;
    let bracket: BracketDto | null = null;
    const entryId = o.trigger?.entryId ?? (oms.hasExits(o.id) ? o.id : null);
    if (entryId !== null) {
      const exits = oms.exitsOf(entryId);
      bracket = {
        role: o.trigger?.role ?? 'entry',
        entryId,
        takeProfitId: exits.find((x) => x.trigger?.role === 'take-profit')?.id ?? null,
        stopLossId: exits.find((x) => x.trigger?.role === 'stop-loss')?.id ?? null,
      };
    }
    const replacedBy = oms.replacedBy(o.id) ?? null;
    // Most orders have neither (two DTOs per order on the API's round trip): one shared answer.
    return replacedBy === null && bracket === null ? NO_LINKS : { replacedBy, bracket };
  }

  private inst(symbol: string): Instrument {
    const i = this.d.instruments.get(symbol);
    if (!i) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${symbol}"`);
    return i;
  }

  private qtyParam(inst: Instrument, v: number | string | undefined, name: string): bigint | undefined {
    if (v === undefined) return undefined;
    try {
      const u = toUnits(v, inst.qtyDecimals);
      if (u <= 0n || u % inst.lotUnits !== 0n) throw new DomainError('BAD_REQUEST', `${name} must be a positive multiple of the lot size ${inst.lotSize}`);
      return u;
    } catch (err) {
      if (err instanceof PrecisionError) throw new DomainError('BAD_REQUEST', `${name}: ${err.message}`);
      throw err;
    }
  }

  /** Routes an order of `qtyUnits` (parsed once by the intake, or by the preview). */
  plan(p: OrderTicket, qtyUnits: bigint): { inst: Instrument; plan: RoutePlan; qtyUnits: bigint } {
    const inst = this.inst(p.symbol);
    const ap = p.algoParams;
    const plan = route(
      {
        urgency: p.urgency,
        qtyUnits,
        limitGiven: p.price !== undefined,
        override: p.algo ?? (p.type === 'limit' && p.urgency === 'immediate' ? 'limit' : undefined),
        params: ap,
        minChildUnits: this.qtyParam(inst, ap?.minChildQty, 'minChildQty'),
        maxChildUnits: this.qtyParam(inst, ap?.maxChildQty, 'maxChildQty'),
        displayUnits: this.qtyParam(inst, ap?.displayQty, 'displayQty'),
      },
      new LazyRouteContext(this.d, inst),
      this.routing,
    );
    if (plan.style === 'iceberg' && plan.params.displayUnits === undefined) {
      throw new DomainError('BAD_REQUEST', 'an iceberg needs algoParams.displayQty');
    }
    if (plan.style === 'iceberg' && plan.params.displayUnits !== undefined) {
      // A slice below the venue's minimum could never be shown: refuse now, not by silent expiry.
      const px = p.price !== undefined ? safeUnits(p.price, inst.priceDecimals) : this.d.midOf(inst.symbol);
      if (px !== undefined && notionalUnits(inst, px, BigInt(plan.params.displayUnits)) < inst.minNotionalUnits) {
        throw new DomainError('BAD_REQUEST', `displayQty is below the minimum notional ${inst.minNotional} at ${fromUnits(px, inst.priceDecimals)}`);
      }
    }
    if (plan.params.minChildUnits !== undefined && plan.params.maxChildUnits !== undefined && BigInt(plan.params.minChildUnits) > BigInt(plan.params.maxChildUnits)) {
      throw new DomainError('BAD_REQUEST', 'minChildQty must not exceed maxChildQty');
    }
    return { inst, plan, qtyUnits };
  }

  preview(p: PlaceParams): ExecutionPlanDto {
    const i = this.inst(p.symbol);
    const { inst, plan, qtyUnits } = this.plan(p, plannedUnits(parseAmounts(i, p.qty, undefined), p.qty, i.qtyDecimals));
    const pp = plan.params;
    const schedule: ScheduleSliceDto[] = [];
    const style = plan.style;
    const algo = style === 'market' || style === 'limit' ? undefined : createAlgo(style);
    if (algo?.schedule) {
      // The algorithm's own schedule; jitter is shown without randomness (a draw of 0.5 moves a
      // slice by nothing): the live schedule draws it per parent.
      const s = algo.schedule(pp, () => 0.5);
      let prev = 0n;
      s.times.forEach((at, k) => {
        const cum = targetUnits(qtyUnits, s.fractions[k] ?? 1, inst.lotUnits);
        schedule.push({ at, qty: fromUnits(cum - prev, inst.qtyDecimals), cumulativeQty: fromUnits(cum, inst.qtyDecimals) });
        prev = cum;
      });
    }
    const direct = style === 'market' || style === 'limit';
    const params: ExecutionPlanDto['params'] = direct
      ? { startAt: pp.startAt, endAt: pp.startAt, durationSec: 0 }
      : { startAt: pp.startAt, endAt: pp.endAt, durationSec: Math.round((pp.endAt - pp.startAt) / 1000) };
    if (pp.slices !== undefined && (style === 'twap' || style === 'vwap' || style === 'adaptive')) params.slices = pp.slices;
    if (pp.participation !== undefined) params.participation = pp.participation;
    if (pp.jitterPct !== undefined) params.jitterPct = pp.jitterPct;
    if (pp.displayUnits !== undefined) params.displayQty = fromUnits(BigInt(pp.displayUnits), inst.qtyDecimals);
    return {
      symbol: inst.symbol,
      side: p.side,
      qty: fromUnits(qtyUnits, inst.qtyDecimals),
      urgency: p.urgency,
      algo: style,
      startAt: pp.startAt,
      endAt: direct ? pp.startAt : pp.endAt,
      rationale: plan.rationale,
      params,
      schedule,
      expectedParticipation: plan.expectedParticipation,
    };
  }

  private parent(id: string): Order {
    const o = this.d.oms.get(id);
    if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (o.algo === null) throw new DomainError('BAD_REQUEST', `order ${id} is a direct order, not worked by an algorithm`);
    if (!isOpen(o.status)) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is ${o.status}`);
    return o;
  }

  pause(id: string): OrderDto {
    this.parent(id);
    return this.dto(this.d.runner.pause(id));
  }

  resume(id: string): OrderDto {
    this.parent(id);
    return this.dto(this.d.runner.resume(id));
  }

  /**
   * Modify a direct order: a held trigger in place; a working venue order by cancel/replace (the
   * reply is the replacement: a new id in the same lineage, checked by L1 like a new order of the
   * same origin; `confirmSoft` confirms its soft breaches, for manual orders only). An algo parent's
   * quantity goes through modifyRequest and modify.
   */
  modifyOrder(id: string, m: { qty?: number | string | undefined; price?: number | string | undefined; stopPrice?: number | string | undefined }, confirmSoft: boolean): OrderDto {
    const found = this.d.oms.get(id);
    if (!found) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (found.algo === null) {
      const inst = this.inst(found.symbol);
      const qtyUnits = this.qtyParam(inst, m.qty, 'qty');
      const priceUnits = m.price !== undefined ? priceParam(inst, m.price, 'price') : undefined;
      const stopPriceUnits = m.stopPrice !== undefined ? priceParam(inst, m.stopPrice, 'stopPrice') : undefined;
      const amend = { ...(qtyUnits !== undefined ? { qtyUnits } : {}), ...(priceUnits !== undefined ? { priceUnits } : {}) };
      if (found.trigger !== null) return this.dto(this.d.triggers.modify(id, { ...amend, ...(stopPriceUnits !== undefined ? { stopPriceUnits } : {}) }));
      if (found.parentId !== null) throw new DomainError('BAD_REQUEST', `order ${id} is a child: modify its parent ${found.parentId}`);
      if (stopPriceUnits !== undefined) throw new DomainError('BAD_REQUEST', `order ${id} is not a stop: it has no stop price`);
      return this.dto(this.d.oms.replace(id, { ...amend, confirmSoft }));
    }
    // An algo parent's quantity change must pass L1's amend check first: the contract edge does
    // modifyRequest → risk.checkAmend → modify; there is no way around it here.
    throw new DomainError('BAD_REQUEST', `order ${id} is worked by an algorithm: modify its quantity (L1 checks the increase)`);
  }

  /** An algo parent's modify, checked and parsed once: the working parent and the new quantity in units. */
  modifyRequest(id: string, m: { qty?: number | string | undefined; price?: number | string | undefined; stopPrice?: number | string | undefined }): { parent: Order; qtyUnits: bigint } {
    const parent = this.parent(id);
    if (m.price !== undefined || m.stopPrice !== undefined || m.qty === undefined) {
      throw new DomainError('BAD_REQUEST', `order ${id} is worked by an algorithm: only its quantity can be modified`);
    }
    const inst = this.inst(parent.symbol);
    return { parent, qtyUnits: this.qtyParam(inst, m.qty, 'qty')! };
  }

  modify(id: string, qtyUnits: bigint): OrderDto {
    this.parent(id);
    return this.dto(this.d.runner.modify(id, qtyUnits));
  }

  cancel(id: string): OrderDto {
    const o = this.d.oms.get(id);
    if (o && o.algo !== null) {
      this.parent(id);
      return this.dto(this.d.runner.cancel(id));
    }
    if (o && o.trigger !== null) return this.dto(this.d.triggers.cancel(id));
    return this.dto(this.d.oms.cancel(id));
  }

  /** `reason` (the kill switch's) is kept on the cancelled parents. */
  cancelAll(symbol?: string, reason?: { code: string; message: string }): string[] {
    return [...this.d.runner.cancelAll(symbol, reason), ...this.d.triggers.cancelAll(symbol), ...this.d.oms.cancelAll(symbol)];
  }

  children(id: string): OrderDto[] {
    const o = this.d.oms.get(id);
    if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    return this.d.oms.children(id).map((c) => this.dto(c));
  }

  tca(id: string): TcaDto {
    const o = this.d.oms.get(id);
    if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (o.algo === null) throw new DomainError('BAD_REQUEST', `order ${id} is a direct order; TCA is kept per parent order`);
    const t = this.d.runner.tca(id);
    if (!t) throw new DomainError('UNKNOWN_ORDER', `no execution record for ${id}`);
    return t;
  }

  static readonly ALGOS = ALGO_KINDS;
}

/**
 * What routing may read of the market, read only if it does: a direct order (market or limit, most
 * orders) never needs the recent volume, whose one-minute bars were copied per order. The volume is
 * read once however often routing asks. A class, not an object literal with getters (V8 builds
 * those slowly, per object).
 */
class LazyRouteContext implements RouteContext {
  readonly now: number;
  readonly seed: number;
  private readonly d: ExecutionServiceDeps;
  private readonly inst: Instrument;
  private volume: { v: number | undefined } | undefined;

  constructor(d: ExecutionServiceDeps, inst: Instrument) {
    this.d = d;
    this.inst = inst;
    this.now = d.clock.now();
    this.seed = d.seed;
  }

  get volumePerSec(): number | undefined {
    this.volume ??= { v: this.d.volumePerSecond(this.inst.symbol) };
    return this.volume.v;
  }

  get volumeProfile(): { profile: number[]; bucketMinutes: number } | undefined {
    return this.d.volumeProfile(this.inst);
  }
}
