import type { Urgency } from '../contract/dto.ts';
import type { Instrument } from '../core/instrument.ts';
import type { LossView } from './drawdown.ts';
import { A_BUY, A_SELL, GROSS_VALUE, LONG_VALUE, PENDING, POS, SHORT_VALUE, T_GROSS, T_LONG, T_NAV, T_PROJECTED_CASH, T_SHORT, WIDTH, W_BUY, W_SELL } from './exposure-slots.ts';
import type { ExposureSlots } from './exposure-slots.ts';
import { LIMIT_DEFS, globalEntry, groupEntry, limitFor, sharedGroupsOf, symbolEntry } from './limits.ts';
import type { CheckName, LimitBook, LimitEntry, LimitLevels } from './limits.ts';
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
/** Kept rather than written -MAX_BIG: negating a bigint makes a new one on every comparison. */
const MIN_BIG = -MAX_BIG;
const TOL = 2 ** -48;
const PCT_ONE_HUNDRED = 1_000_000; // 100 % in pct units (limits.ts PCT_ONE_HUNDRED)
const RATIO_ONE = 10_000; // limits.ts RATIO_ONE
const SPREAD_SCALE = 2_000_000; // risk-gate.ts SPREAD_SCALE: 2 x 10,000 bps x BPS_ONE
const FEE_ONE = 1_000_000;

/** What a clean pass decided here reports (read at once by the caller, overwritten by the next order). */
export const FAST_PASS: { reducing: boolean; checked: number; price: bigint | null } = { reducing: false, checked: 0, price: null };

let strictness: Strictness = undefined as unknown as Strictness;
/**
 * Whether the slots' NAV and projected cash are the account's (ExposureSlots.cashKnown): false for
 * a cash beyond 2^53 units, when every limit that reads them goes to the exact path.
 */
let navKnown = true;

/**
 * A limit test's observation, num / den (den 1: none), handed over in a typed array: a double
 * passed to or returned from a call that is not inlined is boxed, and the gate makes a dozen tests.
 */
const OBS = new Float64Array(2);

/** Levels as doubles (hard, soft or NaN) per levels object: books and scaled levels are never edited. */
const levelDoubles = new WeakMap<LimitLevels, Float64Array>();

function doublesOf(l: LimitLevels): Float64Array {
  let d = levelDoubles.get(l);
  if (d === undefined) {
    d = new Float64Array([Number(l.hard), l.soft === null ? Number.NaN : Number(l.soft)]);
    levelDoubles.set(l, d);
  }
  return d;
}

/** Whether a bigint converts to a double exactly. */
function fits(x: bigint): boolean {
  return x <= MAX_BIG && x >= MIN_BIG;
}

/**
 * test() of risk-gate.ts without a breach: whether `entry` surely holds for OBS (den <= 0 is a
 * breach). Each level: an exact comparison when both sides are exact integers, else one with a
 * margin of 2^-48 of their size (a product or a conversion beyond 2^53 is off by 2^-53 at most).
 */
function holds(entry: LimitEntry | undefined): boolean {
  if (entry === undefined) return true;
  const n = OBS[0]!;
  const den = OBS[1]!;
  if (!(den > 0)) return false;
  const levels = doublesOf(levelsOf(entry, strictness));
  const max = LIMIT_DEFS[entry.name].direction === 'max';
  for (let i = 0; i < 2; i++) {
    const l = levels[i]!;
    if (l !== l) break; // no soft level
    const bound = den * l;
    const an = n < 0 ? -n : n;
    const ab = bound < 0 ? -bound : bound;
    const m = an > ab ? an : ab;
    const ok = m <= MAX && l <= MAX && l >= -MAX ? (max ? n <= bound : n >= bound) : max ? n < bound - m * TOL : n > bound + m * TOL;
    if (!ok) return false;
  }
  return true;
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

/** OBS = n / den and whether the entry surely holds for it (false: not certain). */
function test(entry: LimitEntry | undefined): boolean {
  return entry === undefined || holds(entry);
}

/** test() of a limit over NAV (OBS[1] = NAV): not certain when the slots do not know the NAV. */
function testNav(entry: LimitEntry | undefined): boolean {
  return entry === undefined || (navKnown && holds(entry));
}

/**
 * Whether `order` is certainly a clean pass (FAST_PASS then says whether it reduces, which checks
 * ran and the price); false: not certain, ask evaluateOrder.
 * Every double stays in this function or in a typed array (OBS, the slots): nothing is boxed.
 * A value leaving exact integers returns false where it is made. The slots must be synced and
 * exact beside the cash (exactBesideCash); a limit reading NAV or cash defers unless cashKnown().
 */
export function fastCleanPass(order: RiskOrder, inst: Instrument, inputs: FastInputs): boolean {
  strictness = inputs.strictness;
  const slots = inputs.slots;
  navKnown = slots.cashKnown();
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
  const aRef = currentRef ?? ref ?? price;
  if (!fits(price) || !fits(aRef) || !fits(order.qtyUnits)) return false;
  const buy = order.side === 'buy';
  const scale = 10 ** (8 - inst.priceDecimals - inst.qtyDecimals);
  const priceD = Number(price);
  const aRefD = Number(aRef);

  const f = slots.columns;
  const base = present ? k * WIDTH : 0;
  const pos = present ? f[base + POS]! : 0;
  let wBuy = present ? f[base + W_BUY]! : 0;
  let wSell = present ? f[base + W_SELL]! : 0;
  let aBuy = present ? f[base + A_BUY]! : 0;
  let aSell = present ? f[base + A_SELL]! : 0;
  const curPending = present ? f[base + PENDING]! : 0;
  let pendingBuy = curPending;
  const qtyAll = Number(order.qtyUnits);
  let qty = qtyAll;
  const parent = order.kind === 'child' && order.parentId ? slots.parents.get(order.parentId) : undefined;
  if (parent !== undefined && parent.symbol === sym && parent.side === order.side && parent.unplacedUnits > 0n) {
    if (!fits(parent.unplacedUnits)) return false;
    const unplaced = Number(parent.unplacedUnits);
    const take = qty < unplaced ? qty : unplaced;
    if (buy) {
      aBuy -= take;
      wBuy += take;
      const parentPrice = parent.limitPriceUnits ?? aRef;
      if (!fits(parentPrice)) return false;
      const out = Number(parentPrice) * take * scale;
      const into = priceD * take * scale;
      pendingBuy = pendingBuy - out + into;
      if (!(out <= MAX && into <= MAX && pendingBuy <= MAX && pendingBuy >= -MAX)) return false;
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
      const into = priceD * qty * scale;
      pendingBuy += into;
      if (!(into <= MAX && pendingBuy <= MAX && pendingBuy >= -MAX)) return false;
    } else if (asAlgo) aSell += qty;
    else wSell += qty;
  }
  const longCase = pos + wBuy + aBuy;
  const shortCase = pos - wSell - aSell;
  const unit = aRefD * scale;
  const longValue = unit * longCase;
  const shortValue = unit * shortCase;
  const notional = priceD * qtyAll * scale;
  if (!(wBuy <= MAX && aBuy <= MAX && wSell <= MAX && aSell <= MAX && longCase <= MAX && longCase >= -MAX && shortCase <= MAX && shortCase >= -MAX)) return false;
  if (!(unit <= MAX && unit >= -MAX && longValue <= MAX && longValue >= -MAX && shortValue <= MAX && shortValue >= -MAX && notional <= MAX && notional >= -MAX)) return false;
  const absLong = longValue < 0 ? -longValue : longValue;
  const absShort = shortValue < 0 ? -shortValue : shortValue;
  const grossAfter = absLong > absShort ? absLong : absShort;
  const reducing = qtyAll > 0 && (buy ? pos < 0 && longCase <= 0 : pos > 0 && shortCase >= 0);

  // Trading state and breaker blocks: anything but a plain permit goes to the exact path.
  if (inputs.mode !== 'ACTIVE' && !(inputs.mode === 'REDUCING' && reducing)) return false;
  if (inputs.blocked !== undefined && inputs.blocked.get(sym) !== undefined) return false;

  let checked = 0;
  if (runs(deferred, 'order_size')) {
    checked |= CHECK_BIT.order_size;
    OBS[0] = qtyAll * 10 ** (8 - inst.qtyDecimals);
    OBS[1] = 1;
    if (!test(limitFor(book, 'max_order_qty', sym))) return false;
    OBS[0] = notional;
    if (!test(limitFor(book, 'max_order_notional', sym))) return false;
  }

  const bandPrice = order.limitPriceUnits ?? est;
  if (runs(deferred, 'price_band') && bandPrice !== null) {
    checked |= CHECK_BIT.price_band;
    const pctEntry = limitFor(book, 'price_band_pct', sym);
    const tickEntry = limitFor(book, 'price_band_ticks', sym);
    if ((pctEntry || tickEntry) && ref === undefined) return false;
    if (ref !== undefined && ref > 0n) {
      if (!fits(bandPrice) || !fits(ref) || !fits(inst.tickUnits)) return false;
      const refD = Number(ref);
      const dev = buy ? Number(bandPrice) - refD : refD - Number(bandPrice);
      const d = dev > 0 ? dev : 0;
      OBS[0] = d * PCT_ONE_HUNDRED;
      OBS[1] = refD;
      if (!test(pctEntry)) return false;
      OBS[0] = d;
      OBS[1] = Number(inst.tickUnits);
      if (!test(tickEntry)) return false;
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
      if (bid === undefined || ask === undefined || !fits(bid) || !fits(ask)) return false;
      const bidD = Number(bid);
      const askD = Number(ask);
      const sum = askD + bidD;
      if (!(sum > 0 && sum <= MAX)) return false;
      OBS[0] = (askD - bidD) * SPREAD_SCALE;
      OBS[1] = sum;
      if (!holds(entry)) return false;
    }
  }

  if (runs(deferred, 'order_rate')) {
    checked |= CHECK_BIT.order_rate;
    const r = inputs.rates;
    OBS[1] = 1;
    OBS[0] = r.minute + 1;
    if (!test(globalEntry(book, 'max_orders_per_minute'))) return false;
    OBS[0] = r.symbolMinute + 1;
    if (!test(symbolEntry(book, 'max_orders_per_minute', sym))) return false;
    OBS[0] = r.hour + 1;
    if (!test(globalEntry(book, 'max_orders_per_hour'))) return false;
    OBS[0] = r.symbolHour + 1;
    if (!test(symbolEntry(book, 'max_orders_per_hour', sym))) return false;
  }

  if (!reducing) {
    const t = slots.totals;
    const nav = t[T_NAV]!;
    const grossDelta = grossAfter - (present ? f[base + GROSS_VALUE]! : 0);

    if (runs(deferred, 'position')) {
      checked |= CHECK_BIT.position;
      if (grossDelta > 0) {
        OBS[0] = grossAfter * PCT_ONE_HUNDRED;
        OBS[1] = nav;
        if (!testNav(limitFor(book, 'max_position_pct_nav', sym))) return false;
        OBS[0] = grossAfter;
        OBS[1] = 1;
        if (!test(limitFor(book, 'max_position_notional', sym))) return false;
      }
    }

    if (runs(deferred, 'exposure')) {
      checked |= CHECK_BIT.exposure;
      const longDelta = longValue - (present ? f[base + LONG_VALUE]! : 0);
      const shortDelta = shortValue - (present ? f[base + SHORT_VALUE]! : 0);
      if (!(longDelta <= MAX && longDelta >= -MAX && shortDelta <= MAX && shortDelta >= -MAX)) return false;
      const groups = sharedGroupsOf(book, sym);
      const gs = slots.groups;
      for (let g = -1; g < groups.length; g++) {
        const group = g < 0 ? undefined : groups[g]!;
        const gross = group === undefined ? globalEntry(book, 'max_gross_exposure') : groupEntry(book, 'max_gross_exposure', group);
        const grossPct = group === undefined ? globalEntry(book, 'max_gross_exposure_pct_nav') : groupEntry(book, 'max_gross_exposure_pct_nav', group);
        const net = group === undefined ? globalEntry(book, 'max_net_exposure') : groupEntry(book, 'max_net_exposure', group);
        const netPct = group === undefined ? globalEntry(book, 'max_net_exposure_pct_nav') : groupEntry(book, 'max_net_exposure_pct_nav', group);
        if (!gross && !grossPct && !net && !netPct) continue;
        const gi = group === undefined ? -1 : slots.groupOf(group);
        if (group !== undefined && gi < 0) return false;
        const sGross = gi < 0 ? t[T_GROSS]! : gs[gi * 3]!;
        const sLong = gi < 0 ? t[T_LONG]! : gs[gi * 3 + 1]!;
        const sShort = gi < 0 ? t[T_SHORT]! : gs[gi * 3 + 2]!;
        if (grossDelta > 0 && (gross || grossPct)) {
          const ga = sGross + grossDelta;
          if (!(ga <= MAX && ga >= -MAX)) return false;
          OBS[0] = ga * PCT_ONE_HUNDRED;
          OBS[1] = nav;
          if (!testNav(grossPct)) return false;
          OBS[0] = ga;
          OBS[1] = 1;
          if (!test(gross)) return false;
        }
        if (net || netPct) {
          const lb = sLong < 0 ? -sLong : sLong;
          const sb = sShort < 0 ? -sShort : sShort;
          const la = sLong + longDelta;
          const sa = sShort + shortDelta;
          if (!(la <= MAX && la >= -MAX && sa <= MAX && sa >= -MAX)) return false;
          const laAbs = la < 0 ? -la : la;
          const saAbs = sa < 0 ? -sa : sa;
          const nb = lb > sb ? lb : sb;
          const na = laAbs > saAbs ? laAbs : saAbs;
          if (na > nb) {
            OBS[0] = na * PCT_ONE_HUNDRED;
            OBS[1] = nav;
            if (!testNav(netPct)) return false;
            OBS[0] = na;
            OBS[1] = 1;
            if (!test(net)) return false;
          }
        }
      }
    }

    if (runs(deferred, 'leverage') && grossDelta > 0) {
      checked |= CHECK_BIT.leverage;
      const g = t[T_GROSS]! + grossDelta;
      if (!(g <= MAX && g >= -MAX)) return false;
      OBS[0] = g * RATIO_ONE;
      OBS[1] = nav;
      if (!testNav(globalEntry(book, 'max_leverage'))) return false;
    }

    if (runs(deferred, 'cash_buffer') && buy) {
      checked |= CHECK_BIT.cash_buffer;
      const entry = globalEntry(book, 'min_cash_buffer');
      if (entry) {
        if (!navKnown) return false;
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
        const fee = hi * feeRate + (r * 2 >= FEE_ONE ? q + 1 : q);
        const projected = t[T_PROJECTED_CASH]!;
        const freed = projected + curPending;
        const spent = freed - pendingBuy;
        const cashAfter = spent - fee;
        if (!(fee <= MAX && freed <= MAX && freed >= -MAX && spent <= MAX && spent >= -MAX && cashAfter <= MAX && cashAfter >= -MAX)) return false;
        if (cashAfter < projected) {
          OBS[0] = cashAfter;
          OBS[1] = 1;
          if (!holds(entry)) return false;
        }
      }
    }

    const loss = inputs.loss;
    if (runs(deferred, 'loss') && loss) {
      checked |= CHECK_BIT.loss;
      const daily = globalEntry(book, 'max_daily_loss');
      const ddDay = globalEntry(book, 'max_drawdown_daily_pct');
      const ddWeek = globalEntry(book, 'max_drawdown_weekly_pct');
      const ddMonth = globalEntry(book, 'max_drawdown_monthly_pct');
      // No loss limit, nothing to test (test(undefined) holds): a book without them (a bar backtest's)
      // skips the doubles of a view that is new at every tick (a Float64Array and a WeakMap entry each).
      if (daily || ddDay || ddWeek || ddMonth) {
        const l = lossDoubles(loss);
        OBS[1] = 1;
        OBS[0] = l[0]!;
        if (!test(daily)) return false;
        OBS[0] = l[1]!;
        if (!test(ddDay)) return false;
        OBS[0] = l[2]!;
        if (!test(ddWeek)) return false;
        OBS[0] = l[3]!;
        if (!test(ddMonth)) return false;
      }
    }
  }

  FAST_PASS.reducing = reducing;
  FAST_PASS.checked = checked;
  FAST_PASS.price = price;
  return true;
}

/** A loss view's daily loss and drawdowns as doubles, per view (EquityWatermarks keeps one view per observation). */
const lossCache = new WeakMap<LossView, Float64Array>();

function lossDoubles(v: LossView): Float64Array {
  let d = lossCache.get(v);
  if (d === undefined) {
    d = new Float64Array([Number(v.dailyLossUnits), Number(v.drawdownPct.daily), Number(v.drawdownPct.weekly), Number(v.drawdownPct.monthly)]);
    lossCache.set(v, d);
  }
  return d;
}
