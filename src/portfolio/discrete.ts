import { badInput } from './errors.ts';

/**
 * Discrete allocation: weights → whole lots at the latest prices, PyPortfolioOpt's greedy
 * algorithm generalised to lot sizes. Longs and shorts are allocated separately: the long book
 * gets the total value (plus the short proceeds when reinvesting), the short book total × short
 * ratio. Round down first, then buy one lot at a time of the asset furthest below its weight.
 */

export interface AllocationInput {
  tickers: readonly string[];
  weights: readonly number[];
  prices: Readonly<Record<string, number>>;
  totalValue: number;
  /** Short book as a fraction of the total; defaults to the sum of negative weights. */
  shortRatio?: number;
  reinvest?: boolean;
  /** Units per lot per ticker (default 1: whole shares). */
  lotSizes?: Readonly<Record<string, number>>;
}

export interface Allocation {
  /** Units held per ticker (negative = short); tickers allocated nothing are left out. */
  allocation: Record<string, number>;
  leftover: number;
}

interface Book {
  tickers: string[];
  weights: number[];
}

function greedy(book: Book, prices: Readonly<Record<string, number>>, lots: Readonly<Record<string, number>>, value: number): Allocation {
  // Stable sort by weight, descending (ties keep their given order, as Python's sort does).
  const idx = book.weights.map((_, i) => i).sort((a, b) => book.weights[b]! - book.weights[a]! || a - b);
  const tickers = idx.map((i) => book.tickers[i]!);
  const ideal = idx.map((i) => book.weights[i]!);
  const lotPrice = tickers.map((t) => prices[t]! * (lots[t] ?? 1));
  let funds = value;
  const held = tickers.map((_, i) => {
    const k = Math.floor((ideal[i]! * value) / lotPrice[i]!);
    funds -= k * lotPrice[i]!;
    return k;
  });
  for (;;) {
    const spent = held.reduce((a, k, i) => a + k * lotPrice[i]!, 0);
    const deficit = ideal.map((w, i) => w - (spent > 0 ? (held[i]! * lotPrice[i]!) / spent : 0));
    let pick = argmax(deficit);
    let tries = 0;
    while (lotPrice[pick]! > funds) {
      deficit[pick] = 0;
      pick = argmax(deficit);
      if (deficit[pick]! < 0 || tries === 10) break;
      tries++;
    }
    if (deficit[pick]! <= 0 || tries === 10 || lotPrice[pick]! > funds) break;
    held[pick]! += 1;
    funds -= lotPrice[pick]!;
  }
  const allocation: Record<string, number> = {};
  tickers.forEach((t, i) => {
    if (held[i]! > 0) allocation[t] = held[i]! * (lots[t] ?? 1);
  });
  return { allocation, leftover: funds };
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export function greedyAllocation(input: AllocationInput): Allocation {
  const { tickers, weights, prices } = input;
  if (weights.length !== tickers.length) throw badInput(`${weights.length} weights for ${tickers.length} tickers`);
  if (!(input.totalValue > 0)) throw badInput(`total value must be positive, got ${input.totalValue}`);
  const lots = input.lotSizes ?? {};
  tickers.forEach((t, i) => {
    const w = weights[i]!;
    if (!Number.isFinite(w)) throw badInput(`weight of ${t} is ${w}`);
    if (w !== 0 && !(prices[t]! > 0)) throw badInput(`${t} has no usable latest price (${prices[t]}): it cannot be allocated`);
    if (lots[t] !== undefined && !(lots[t]! > 0)) throw badInput(`${t} has lot size ${lots[t]}`);
  });
  const longs: Book = { tickers: [], weights: [] };
  const shorts: Book = { tickers: [], weights: [] };
  tickers.forEach((t, i) => {
    const w = weights[i]!;
    if (w >= 0) {
      longs.tickers.push(t);
      longs.weights.push(w);
    } else {
      shorts.tickers.push(t);
      shorts.weights.push(-w);
    }
  });
  if (shorts.tickers.length === 0) return greedy(longs, prices, lots, input.totalValue);
  const shortRatio = input.shortRatio ?? shorts.weights.reduce((a, x) => a + x, 0);
  if (!(shortRatio >= 0)) throw badInput(`short ratio must be ≥ 0, got ${shortRatio}`);
  const norm = (b: Book): Book => {
    const s = b.weights.reduce((a, x) => a + x, 0);
    return { tickers: b.tickers, weights: b.weights.map((x) => (s > 0 ? x / s : 0)) };
  };
  const shortValue = input.totalValue * shortRatio;
  const longValue = input.totalValue + (input.reinvest ? shortValue : 0);
  const l = greedy(norm(longs), prices, lots, longValue);
  const s = greedy(norm(shorts), prices, lots, shortValue);
  const allocation: Record<string, number> = { ...l.allocation };
  for (const [t, k] of Object.entries(s.allocation)) allocation[t] = -k;
  return { allocation, leftover: l.leftover + s.leftover };
}
