import type { Urgency } from '../contract/dto.ts';
import type { Instrument } from '../core/instrument.ts';
import type { LossView } from './drawdown.ts';
import type { ExposureSlots } from './exposure-slots.ts';
import { LIMIT_DEFS, globalEntry, groupEntry, limitFor, sharedGroupsOf, symbolEntry } from './limits.ts';
import type { CheckName, LimitBook, LimitEntry } from './limits.ts';
import type { OrderRates } from './order-rate.ts';
import { CHECK_BIT, NO_CHECKS, levelsOf } from './risk-gate.ts';
import type { MarketView, RiskOrder } from './risk-gate.ts';
import { strictnessFor } from './tiers.ts';
import type { Strictness, TierConfig, VolObservation } from './tiers.ts';
import type { TradingMode } from './trading-state.ts';

/**
 * The L1 check's fast path: decides whether an order is a clean pass (no limit breached, soft or
 * hard) in doubles over ExposureSlots, allocating nothing. It answers only "certainly a clean
 * pass" or "not sure": every denial, every breach, a value beyond exact doubles (integers up to
 * 2^53) and a comparison too close to its level to settle in doubles go to the exact path
 * (evaluateOrder on bigints), which builds the decision, its breaches and its messages. A clean
 * pass has no messages, so the two paths return the same decision (gate-fast.property.test.ts).
 *
 * The arithmetic is evaluateOrder's, step for step, on the same integer units: sums and
 * differences are exact while every value stays within 2^53 (checked as each is made); a product
 * compared with a level may go beyond, and is then compared with a margin of 2^-48 of its size,
 * far above the rounding of two products (2^-52), so a clean pass decided here is one the exact
 * comparison agrees with.
 */

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);
const TOL = 2 ** -48;
const PCT_ONE_HUNDRED = 1_000_000; // 100 % in pct units (limits.ts PCT_ONE_HUNDRED)
const RATIO_ONE = 10_000; // limits.ts RATIO_ONE
const SPREAD_SCALE = 2_000_000; // risk-gate.ts SPREAD_SCALE: 2 x 10,000 bps x BPS_ONE
const FEE_ONE = 1_000_000;

/** What a clean pass decided here reports (read at once by the caller, overwritten by the next order). */
export const FAST_PASS: { reducing: boolean; checked: number; price: bigint | null } = { reducing: false, checked: 0, price: null };

/** Set by num() when a value is beyond exact doubles: the order then goes to the exact path. */
let inexact = false;
let strictness: Strictness = undefined as unknown as Strictness;

/** A bigint as a double, marking the order inexact when it is beyond 2^53. */
function num(x: bigint): number {
  if (x > MAX_BIG || x < -MAX_BIG) inexact = true;
  return Number(x);
}

/** A computed double, marking the order inexact when it left exact integers. */
function chk(x: number): number {
  if (!(x <= MAX && x >= -MAX)) inexact = true;
  return x;
}

/** Whether num/den is surely within `level` (not beyond it in the limit's direction). */
function within(max: boolean, n: number, den: number, level: bigint): boolean {
  const l = Number(level);
  const bound = den * l;
  const an = n < 0 ? -n : n;
  const ab = bound < 0 ? -bound : bound;
  const m = an > ab ? an : ab;
  if (m <= MAX && l <= MAX && l >= -MAX) return max ? n <= bound : n >= bound;
  const tol = m * TOL;
  return max ? n < bound - tol : n > bound + tol;
}

/** test() of risk-gate.ts without a breach: whether `entry` surely holds (den 1: none; den <= 0 is a breach). */
function holds(entry: LimitEntry | undefined, n: number, den: number): boolean {
  if (entry === undefined) return true;
  if (!(den > 0)) return false;
  const eff = levelsOf(entry, strictness);
  const max = LIMIT_DEFS[entry.name].direction === 'max';
  return within(max, n, den, eff.hard) && (eff.soft === null || within(max, n, den, eff.soft));
}

function runs(deferred: readonly CheckName[], c: CheckName): boolean {
  return deferred.length === 0 || !deferred.includes(c);
}

const URGENCY_SLOT: Readonly<Record<Urgency, number>> = { immediate: 0, high: 1, medium: 2, low: 3 };

/**
 * strictnessFor, remembered per urgency for the last volatility seen: the same observation (the
 * same object with the same numbers, or none) gives the same strictness, found without a call that
 * returns a boxed ratio.
 */
export class StrictnessMemo {
  private readonly vols: (VolObservation | undefined)[] = [undefined, undefined, undefined, undefined];
  private readonly current = new Float64Array(4);
  private readonly baseline = new Float64Array(4);
  private readonly found: (Strictness | undefined)[] = [undefined, undefined, undefined, undefined];
  private cfg: TierConfig | undefined;

  get(urgency: Urgency, vol: VolObservation | undefined, cfg: TierConfig): Strictness {
    const u = URGENCY_SLOT[urgency];
    if (cfg !== this.cfg) {
      this.found.fill(undefined);
      this.cfg = cfg;
    }
    const hit = this.found[u];
    if (hit !== undefined && vol === this.vols[u] && (vol === undefined || (Object.is(vol.current, this.current[u]) && Object.is(vol.baseline, this.baseline[u])))) return hit;
    const s = strictnessFor(urgency, vol, cfg);
    this.found[u] = s;
    this.vols[u] = vol;
    if (vol !== undefined) {
      this.current[u] = vol.current;
      this.baseline[u] = vol.baseline;
    }
    return s;
  }
}

export interface FastInputs {
  slots: ExposureSlots;
  limits: LimitBook;
  mode: TradingMode;
  blocked: ReadonlyMap<string, string> | undefined;
  market: MarketView;
  rates: OrderRates;
  loss: LossView | undefined;
  strictness: Strictness;
}

/**
 * Whether `order` is certainly a clean pass (FAST_PASS then says whether it reduces and which
 * checks ran); false: not certain, ask evaluateOrder. The slots must be synced and exact.
 */
export function fastCleanPass(order: RiskOrder, inst: Instrument, inputs: FastInputs): boolean {
  inexact = false;
  strictness = inputs.strictness;
  const slots = inputs.slots;
  const book = inputs.limits;
  const market = inputs.market;
  const sym = order.symbol;
  const deferred: readonly CheckName[] = order.kind === 'parent' ? strictness.deferred : NO_CHECKS;
  const k = slots.slotOf(sym);
  const present = k >= 0 && slots.present(k);
  const currentRef = present ? slots.ref(k) : undefined;
  const ref = market.refPriceUnits ?? currentRef;
  const est = order.type === 'market' ? (order.estimatedPriceUnits ?? null) : null;
  const price = order.limitPriceUnits ?? est ?? ref ?? null;
  // No price: a denial (NO_REFERENCE_PRICE), made by the exact path.
  if (price === null) return false;
  const buy = order.side === 'buy';
  const scale = 10 ** (8 - inst.priceDecimals - inst.qtyDecimals);
  const priceD = num(price);
  const aRef = currentRef ?? ref ?? price;
  const aRefD = num(aRef);

  const pos = present ? slots.position(k) : 0;
  let wBuy = present ? slots.workingBuy(k) : 0;
  let wSell = present ? slots.workingSell(k) : 0;
  let aBuy = present ? slots.algoBuy(k) : 0;
  let aSell = present ? slots.algoSell(k) : 0;
  const curPending = present ? slots.pendingBuyCash(k) : 0;
  let pendingBuy = curPending;
  const qtyAll = num(order.qtyUnits);
  let qty = qtyAll;
  const parent = order.kind === 'child' && order.parentId ? slots.parents.get(order.parentId) : undefined;
  if (parent !== undefined && parent.symbol === sym && parent.side === order.side && parent.unplacedUnits > 0n) {
    const unplaced = num(parent.unplacedUnits);
    const take = qty < unplaced ? qty : unplaced;
    if (buy) {
      aBuy -= take;
      wBuy += take;
      const parentPrice = parent.limitPriceUnits ?? aRef;
      pendingBuy = chk(pendingBuy - chk(num(parentPrice) * take * scale));
      pendingBuy = chk(pendingBuy + chk(priceD * take * scale));
    } else {
      aSell -= take;
      wSell += take;
    }
    qty -= take;
  }
  if (qty > 0) {
    const asAlgo = order.kind === 'parent';
    if (buy) {
      if (asAlgo) aBuy += qty;
      else wBuy += qty;
      pendingBuy = chk(pendingBuy + chk(priceD * qty * scale));
    } else if (asAlgo) aSell += qty;
    else wSell += qty;
  }
  const longCase = chk(pos + chk(wBuy) + chk(aBuy));
  const shortCase = chk(pos - chk(wSell) - chk(aSell));
  const unit = chk(aRefD * scale);
  const longValue = chk(unit * longCase);
  const shortValue = chk(unit * shortCase);
  const absLong = longValue < 0 ? -longValue : longValue;
  const absShort = shortValue < 0 ? -shortValue : shortValue;
  const grossAfter = absLong > absShort ? absLong : absShort;
  const reducing = qtyAll > 0 && (buy ? pos < 0 && longCase <= 0 : pos > 0 && shortCase >= 0);
  const notional = chk(priceD * qtyAll * scale);

  // Trading state and breaker blocks: anything but a plain permit goes to the exact path.
  if (inputs.mode !== 'ACTIVE' && !(inputs.mode === 'REDUCING' && reducing)) return false;
  if (inputs.blocked !== undefined && inputs.blocked.get(sym) !== undefined) return false;

  let checked = 0;
  if (runs(deferred, 'order_size')) {
    checked |= CHECK_BIT.order_size;
    if (!holds(limitFor(book, 'max_order_qty', sym), qtyAll * 10 ** (8 - inst.qtyDecimals), 1)) return false;
    if (!holds(limitFor(book, 'max_order_notional', sym), notional, 1)) return false;
  }

  const bandPrice = order.limitPriceUnits ?? est;
  if (runs(deferred, 'price_band') && bandPrice !== null) {
    checked |= CHECK_BIT.price_band;
    const pctEntry = limitFor(book, 'price_band_pct', sym);
    const tickEntry = limitFor(book, 'price_band_ticks', sym);
    if ((pctEntry || tickEntry) && ref === undefined) return false;
    if (ref !== undefined && ref > 0n) {
      const dev = buy ? bandPrice - ref : ref - bandPrice;
      const d = dev > 0n ? num(dev) : 0;
      if (!holds(pctEntry, d * PCT_ONE_HUNDRED, num(ref))) return false;
      if (!holds(tickEntry, d, num(inst.tickUnits))) return false;
    }
  }

  if (runs(deferred, 'spread')) {
    const bid = market.bidUnits;
    const ask = market.askUnits;
    const lim = order.limitPriceUnits;
    const aggressive = order.type === 'market' || (lim !== null && (buy ? ask !== undefined && lim >= ask : bid !== undefined && lim <= bid));
    const entry = limitFor(book, 'max_spread_bps', sym);
    if (aggressive && entry) {
      checked |= CHECK_BIT.spread;
      if (bid === undefined || ask === undefined) return false;
      const bidD = num(bid);
      const askD = num(ask);
      const sum = chk(askD + bidD);
      if (!(sum > 0)) return false;
      if (!holds(entry, chk(askD - bidD) * SPREAD_SCALE, sum)) return false;
    }
  }

  if (runs(deferred, 'order_rate')) {
    checked |= CHECK_BIT.order_rate;
    const r = inputs.rates;
    if (!holds(globalEntry(book, 'max_orders_per_minute'), r.minute + 1, 1)) return false;
    if (!holds(symbolEntry(book, 'max_orders_per_minute', sym), r.symbolMinute + 1, 1)) return false;
    if (!holds(globalEntry(book, 'max_orders_per_hour'), r.hour + 1, 1)) return false;
    if (!holds(symbolEntry(book, 'max_orders_per_hour', sym), r.symbolHour + 1, 1)) return false;
  }

  if (!reducing) {
    const nav = slots.nav;
    const grossDelta = chk(grossAfter - (present ? slots.grossValue(k) : 0));

    if (runs(deferred, 'position')) {
      checked |= CHECK_BIT.position;
      if (grossDelta > 0) {
        if (!holds(limitFor(book, 'max_position_pct_nav', sym), grossAfter * PCT_ONE_HUNDRED, nav)) return false;
        if (!holds(limitFor(book, 'max_position_notional', sym), grossAfter, 1)) return false;
      }
    }

    if (runs(deferred, 'exposure')) {
      checked |= CHECK_BIT.exposure;
      const longDelta = chk(longValue - (present ? slots.longValue(k) : 0));
      const shortDelta = chk(shortValue - (present ? slots.shortValue(k) : 0));
      const groups = sharedGroupsOf(book, sym);
      for (let g = -1; g < groups.length; g++) {
        const group = g < 0 ? undefined : groups[g]!;
        const gross = group === undefined ? globalEntry(book, 'max_gross_exposure') : groupEntry(book, 'max_gross_exposure', group);
        const grossPct = group === undefined ? globalEntry(book, 'max_gross_exposure_pct_nav') : groupEntry(book, 'max_gross_exposure_pct_nav', group);
        const net = group === undefined ? globalEntry(book, 'max_net_exposure') : groupEntry(book, 'max_net_exposure', group);
        const netPct = group === undefined ? globalEntry(book, 'max_net_exposure_pct_nav') : groupEntry(book, 'max_net_exposure_pct_nav', group);
        if (!gross && !grossPct && !net && !netPct) continue;
        const gi = group === undefined ? -1 : slots.groupOf(group);
        if (group !== undefined && gi < 0) return false;
        const sGross = gi < 0 ? slots.gross : slots.groupGross(gi);
        const sLong = gi < 0 ? slots.long : slots.groupLong(gi);
        const sShort = gi < 0 ? slots.short : slots.groupShort(gi);
        if (grossDelta > 0 && (gross || grossPct)) {
          const ga = chk(sGross + grossDelta);
          if (!holds(grossPct, ga * PCT_ONE_HUNDRED, nav)) return false;
          if (!holds(gross, ga, 1)) return false;
        }
        if (net || netPct) {
          const lb = sLong < 0 ? -sLong : sLong;
          const sb = sShort < 0 ? -sShort : sShort;
          const la = chk(sLong + longDelta);
          const sa = chk(sShort + shortDelta);
          const laAbs = la < 0 ? -la : la;
          const saAbs = sa < 0 ? -sa : sa;
          const nb = lb > sb ? lb : sb;
          const na = laAbs > saAbs ? laAbs : saAbs;
          if (na > nb) {
            if (!holds(netPct, na * PCT_ONE_HUNDRED, nav)) return false;
            if (!holds(net, na, 1)) return false;
          }
        }
      }
    }

    if (runs(deferred, 'leverage') && grossDelta > 0) {
      checked |= CHECK_BIT.leverage;
      if (!holds(globalEntry(book, 'max_leverage'), chk(slots.gross + grossDelta) * RATIO_ONE, nav)) return false;
    }

    if (runs(deferred, 'cash_buffer') && buy) {
      checked |= CHECK_BIT.cash_buffer;
      const entry = globalEntry(book, 'min_cash_buffer');
      if (entry) {
        // divRound(notional x fee in hundredths of a bp, 10^6), half away from zero, in exact
        // integers: notional = hi x 10^6 + lo, so the fee is hi x fee + lo x fee / 10^6 rounded
        // (the product itself passes 2^53 for a notional of a few million).
        if (notional < 0) return false;
        const feeRate = Math.round(inst.takerFeeBps * 100);
        if (!(feeRate >= 0 && feeRate <= FEE_ONE)) return false;
        const hi = Math.floor(notional / FEE_ONE);
        const lo = notional - hi * FEE_ONE;
        if (lo < 0 || lo >= FEE_ONE) return false;
        const loFee = lo * feeRate;
        const q = Math.floor(loFee / FEE_ONE);
        const r = loFee - q * FEE_ONE;
        if (r < 0 || r >= FEE_ONE) return false;
        const fee = chk(hi * feeRate + (r * 2 >= FEE_ONE ? q + 1 : q));
        const cashAfter = chk(chk(chk(slots.projectedCash + curPending) - pendingBuy) - fee);
        if (cashAfter < slots.projectedCash && !holds(entry, cashAfter, 1)) return false;
      }
    }

    const loss = inputs.loss;
    if (runs(deferred, 'loss') && loss) {
      checked |= CHECK_BIT.loss;
      if (!holds(globalEntry(book, 'max_daily_loss'), Number(loss.dailyLossUnits), 1)) return false;
      if (!holds(globalEntry(book, 'max_drawdown_daily_pct'), Number(loss.drawdownPct.daily), 1)) return false;
      if (!holds(globalEntry(book, 'max_drawdown_weekly_pct'), Number(loss.drawdownPct.weekly), 1)) return false;
      if (!holds(globalEntry(book, 'max_drawdown_monthly_pct'), Number(loss.drawdownPct.monthly), 1)) return false;
    }
  }

  if (inexact) return false;
  FAST_PASS.reducing = reducing;
  FAST_PASS.checked = checked;
  FAST_PASS.price = price;
  return true;
}
