import type { Params } from '../contract/api.ts';
import type { BracketDto, ExecutionPlanDto, OrderDto, ScheduleSliceDto, TcaDto } from '../contract/dto.ts';
import { ALGO_KINDS } from '../contract/dto.ts';
import { DomainError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import { isOpen, remainingUnits } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import { PrecisionError, divRound, fromUnits, pow10, toDecimalString, toUnits } from '../core/precision.ts';
import type { AlgoRunner } from '../execution/algo-runner.ts';
import { createAlgo } from '../execution/algos/index.ts';
import { targetUnits } from '../execution/algos/schedule.ts';
import type { Oms } from '../execution/oms.ts';
import type { TriggerBook } from '../execution/trigger-book.ts';
import { ratchet, referencePrice } from '../execution/trigger-rules.ts';
import type { TriggerPrices } from '../execution/trigger-rules.ts';
import type { TriggerRecord } from '../core/ports.ts';
import { DEFAULT_ROUTING, route } from '../execution/routing.ts';
import type { RoutePlan, RoutingTable } from '../execution/routing.ts';
import { orderDto } from './dto-mapping.ts';
import type { OrderLinks } from './dto-mapping.ts';

type PlaceParams = Params<'orders.place'>;

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
 * The order-entry side of the contract: routes each request by urgency to a direct order or an
 * algorithm, and exposes the parent controls (pause, resume, modify, cancel) and TCA.
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
    return orderDto(o, inst, { scheduledUnits: isOpen(o.status) ? this.d.runner.scheduledUnits(o) : undefined, childCount: children.length, workingUnits: working }, links);
  }

  private links(o: Order): OrderLinks {
    const oms = this.d.oms;
    let bracket: BracketDto | null = null;
    const entryId = o.trigger?.entryId ?? (oms.exitsOf(o.id).length > 0 ? o.id : null);
    if (entryId !== null) {
      const exits = oms.exitsOf(entryId);
      bracket = {
        role: o.trigger?.role ?? 'entry',
        entryId,
        takeProfitId: exits.find((x) => x.trigger?.role === 'take-profit')?.id ?? null,
        stopLossId: exits.find((x) => x.trigger?.role === 'stop-loss')?.id ?? null,
      };
    }
    return { replacedBy: oms.replacedBy(o.id) ?? null, bracket };
  }

  /** A price parameter on the instrument's tick, or BAD_REQUEST before anything is journaled. */
  private priceParam(inst: Instrument, v: number | string, name: string): bigint {
    try {
      const u = toUnits(v, inst.priceDecimals);
      if (u <= 0n || u % inst.tickUnits !== 0n) throw new DomainError('BAD_REQUEST', `${name} must be a positive multiple of the tick size ${inst.tickSize}`);
      return u;
    } catch (err) {
      if (err instanceof PrecisionError) throw new DomainError('BAD_REQUEST', `${name}: ${err.message}`);
      throw err;
    }
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

  plan(p: PlaceParams): { inst: Instrument; plan: RoutePlan; qtyUnits: bigint } {
    const inst = this.inst(p.symbol);
    let qtyUnits: bigint;
    try {
      qtyUnits = toUnits(p.qty, inst.qtyDecimals);
    } catch {
      // Precision problems are reported as L1 denials by the OMS; plan with the nearest lot.
      qtyUnits = BigInt(Math.max(1, Math.floor(Number(p.qty) * 10 ** inst.qtyDecimals)));
    }
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
      { now: this.d.clock.now(), volumePerSec: this.d.volumePerSecond(inst.symbol), seed: this.d.seed, volumeProfile: this.d.volumeProfile(inst) },
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

  private decisionUnits(inst: Instrument, v: number | string | undefined): bigint | null {
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

  /** A stop, stop-limit or trailing stop: held by Strata, checked by L1 now and its child when it triggers. */
  private placeStop(p: PlaceParams, kind: 'stop' | 'stop-limit' | 'trailing-stop'): Order {
    const inst = this.inst(p.symbol);
    const trigger: TriggerRecord = {
      kind,
      by: p.trigger ?? 'last',
      stopPriceUnits: p.stopPrice !== undefined ? this.priceParam(inst, p.stopPrice, 'stopPrice') : null,
      trailPercent: p.trailPercent ?? null,
      trailUnits: p.trailAmount !== undefined ? this.priceParam(inst, p.trailAmount, 'trailAmount') : null,
      triggeredAt: null,
      entryId: null,
      role: null,
    };
    if (kind === 'stop-limit' && p.price !== undefined) this.priceParam(inst, p.price, 'price');
    if (kind === 'trailing-stop' && trigger.stopPriceUnits === null) {
      // Starts one trail from the market it watches (or from the first price it sees).
      const ref = referencePrice(trigger, p.side, this.d.triggerPrices(inst.symbol));
      if (ref !== undefined) trigger.stopPriceUnits = ratchet(trigger, p.side, ref, inst.tickUnits);
    }
    return this.d.triggers.place({
      symbol: inst.symbol,
      side: p.side,
      qty: p.qty,
      price: kind === 'stop-limit' ? p.price : undefined,
      source: p.source,
      urgency: p.urgency,
      decisionPriceUnits: this.decisionUnits(inst, p.decisionPrice),
      decisionTs: p.decisionTs ?? null,
      childType: kind === 'stop-limit' ? 'limit' : 'market',
      trigger,
      check: true,
    });
  }

  /** A bracket's exits, journaled with the entry before the venue can fill it. */
  private bracketExits(p: PlaceParams, inst: Instrument): ((entry: Order) => void) | undefined {
    if (p.takeProfit === undefined && p.stopLoss === undefined) return undefined;
    const tp = p.takeProfit !== undefined ? this.priceParam(inst, p.takeProfit, 'takeProfit') : undefined;
    const sl = p.stopLoss !== undefined ? this.priceParam(inst, p.stopLoss, 'stopLoss') : undefined;
    const above = p.side === 'buy' ? 'above' : 'below';
    const below = p.side === 'buy' ? 'below' : 'above';
    const entryPx = p.price !== undefined ? this.priceParam(inst, p.price, 'price') : undefined;
    const wrong = (a: bigint, b: bigint) => (p.side === 'buy' ? a <= b : a >= b);
    if (tp !== undefined && sl !== undefined && wrong(tp, sl)) throw new DomainError('BAD_REQUEST', `a ${p.side} bracket's take-profit must be ${above} its stop-loss`);
    if (entryPx !== undefined && tp !== undefined && wrong(tp, entryPx)) throw new DomainError('BAD_REQUEST', `a ${p.side} bracket's take-profit must be ${above} the entry price`);
    if (entryPx !== undefined && sl !== undefined && wrong(entryPx, sl)) throw new DomainError('BAD_REQUEST', `a ${p.side} bracket's stop-loss must be ${below} the entry price`);
    const exitSide = p.side === 'buy' ? 'sell' : 'buy';
    const by = p.trigger ?? 'last';
    return (entry) => {
      const group = tp !== undefined && sl !== undefined ? `${entry.id}-OCO` : null;
      const base = { symbol: inst.symbol, side: exitSide, qty: 0, source: entry.source, urgency: 'immediate', ocoGroup: group, check: false } as const;
      const t = (kind: 'take-profit' | 'stop', stop: bigint | null, role: 'take-profit' | 'stop-loss'): TriggerRecord => ({
        kind,
        by,
        stopPriceUnits: stop,
        trailPercent: null,
        trailUnits: null,
        triggeredAt: null,
        entryId: entry.id,
        role,
      });
      if (tp !== undefined) this.d.triggers.place({ ...base, id: `${entry.id}-TP`, price: toDecimalString(tp, inst.priceDecimals), childType: 'limit', trigger: t('take-profit', null, 'take-profit') });
      if (sl !== undefined) this.d.triggers.place({ ...base, id: `${entry.id}-SL`, childType: 'market', trigger: t('stop', sl, 'stop-loss') });
    };
  }

  place(p: PlaceParams): OrderDto {
    if (p.type === 'stop' || p.type === 'stop-limit' || p.type === 'trailing-stop') return this.dto(this.placeStop(p, p.type));
    const exits = this.bracketExits(p, this.inst(p.symbol));
    const { inst, plan } = this.plan(p);
    const common = {
      symbol: inst.symbol,
      side: p.side,
      qty: p.qty,
      price: p.price,
      source: p.source,
      urgency: p.urgency,
      decisionPriceUnits: this.decisionUnits(inst, p.decisionPrice),
      decisionTs: p.decisionTs ?? null,
    };
    if (plan.style === 'market' || plan.style === 'limit') {
      const o = this.d.oms.place({ ...common, type: plan.style, tif: plan.style === 'market' ? 'gtc' : p.tif, price: plan.style === 'market' ? undefined : p.price }, exits);
      return this.dto(o);
    }
    // The operator's confirmation of soft breaches travels with the parent: its children are checked with it.
    const confirmed = p.confirm === true && p.source === 'manual';
    const parent = this.d.oms.placeParent({ ...common, algo: plan.style, algoParams: JSON.stringify(confirmed ? { ...plan.params, riskConfirmed: true } : plan.params) });
    if (parent.status !== 'DENIED') {
      exits?.(parent);
      this.d.runner.start(parent);
    }
    return this.dto(parent);
  }

  preview(p: PlaceParams): ExecutionPlanDto {
    const { inst, plan, qtyUnits } = this.plan(p);
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
   * Modify: an algo parent's quantity; a held trigger in place; a working venue order by
   * cancel/replace (the reply is the replacement: a new id in the same lineage).
   */
  modify(id: string, m: { qty?: number | string | undefined; price?: number | string | undefined; stopPrice?: number | string | undefined }): OrderDto {
    const found = this.d.oms.get(id);
    if (!found) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (found.algo === null) {
      const inst = this.inst(found.symbol);
      const qtyUnits = this.qtyParam(inst, m.qty, 'qty');
      const priceUnits = m.price !== undefined ? this.priceParam(inst, m.price, 'price') : undefined;
      const stopPriceUnits = m.stopPrice !== undefined ? this.priceParam(inst, m.stopPrice, 'stopPrice') : undefined;
      const amend = { ...(qtyUnits !== undefined ? { qtyUnits } : {}), ...(priceUnits !== undefined ? { priceUnits } : {}) };
      if (found.trigger !== null) return this.dto(this.d.triggers.modify(id, { ...amend, ...(stopPriceUnits !== undefined ? { stopPriceUnits } : {}) }));
      if (found.parentId !== null) throw new DomainError('BAD_REQUEST', `order ${id} is a child: modify its parent ${found.parentId}`);
      if (stopPriceUnits !== undefined) throw new DomainError('BAD_REQUEST', `order ${id} is not a stop: it has no stop price`);
      return this.dto(this.d.oms.replace(id, amend));
    }
    const o = this.parent(id);
    if (m.price !== undefined || m.stopPrice !== undefined || m.qty === undefined) {
      throw new DomainError('BAD_REQUEST', `order ${id} is worked by an algorithm: only its quantity can be modified`);
    }
    const inst = this.inst(o.symbol);
    const units = this.qtyParam(inst, m.qty, 'qty');
    return this.dto(this.d.runner.modify(id, units!));
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

  cancelAll(symbol?: string): string[] {
    return [...this.d.runner.cancelAll(symbol), ...this.d.triggers.cancelAll(symbol), ...this.d.oms.cancelAll(symbol)];
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
