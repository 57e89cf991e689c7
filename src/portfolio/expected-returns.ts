import { badInput } from './errors.ts';
import type { Frame } from './frame.ts';
import { returnsFromPrices } from './frame.ts';
import { pairCovariance } from './risk-models.ts';

/**
 * Expected annual returns per ticker, from prices (PyPortfolioOpt conventions: simple returns with
 * no fill, each column over its own complete observations, 252 periods a year).
 */
export const TRADING_DAYS = 252;

export interface MeanOptions {
  /** Geometric (compounded) when true, the default; arithmetic mean × frequency otherwise. */
  compounding?: boolean;
  frequency?: number;
  logReturns?: boolean;
}

function annualise(meanPerPeriod: number, compounding: boolean, frequency: number): number {
  return compounding ? Math.pow(1 + meanPerPeriod, frequency) - 1 : meanPerPeriod * frequency;
}

/** Mean of one column over its complete observations. */
export function columnMean(c: Float64Array): { mean: number; count: number } {
  let s = 0;
  let k = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    if (!Number.isNaN(v)) {
      s += v;
      k++;
    }
  }
  return { mean: k > 0 ? s / k : NaN, count: k };
}

/** Compounded growth of one column: prod(1 + r)^(frequency / count) − 1 (a geometric mean). */
function geometricAnnual(c: Float64Array, frequency: number): number {
  let p = 1;
  let k = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    if (!Number.isNaN(v)) {
      p *= 1 + v;
      k++;
    }
  }
  if (k === 0) return NaN;
  return Math.pow(p, frequency / k) - 1;
}

function requireValues(returns: Frame, what: string): void {
  returns.columns.forEach((c, j) => {
    if (columnMean(c).count === 0) throw badInput(`${returns.tickers[j]} has no returns to estimate ${what} from`);
  });
}

/** Mean historical return (geometric by default, or arithmetic). */
export function meanHistoricalReturn(prices: Frame, opts: MeanOptions = {}): number[] {
  return meanHistoricalReturnFromReturns(returnsFromPrices(prices, opts.logReturns ?? false), opts);
}

export function meanHistoricalReturnFromReturns(returns: Frame, opts: MeanOptions = {}): number[] {
  const compounding = opts.compounding ?? true;
  const frequency = opts.frequency ?? TRADING_DAYS;
  requireValues(returns, 'a mean return');
  return returns.columns.map((c) => (compounding ? geometricAnnual(c, frequency) : columnMean(c).mean * frequency));
}

/**
 * Exponentially weighted mean of one column at its last row: weights (1 − α)^(age), α = 2/(span+1),
 * missing observations skipped but still ageing the rest (pandas `ewm(span, adjust=True)`).
 */
export function ewmLast(c: Float64Array, span: number): number {
  const alpha = 2 / (span + 1);
  const decay = 1 - alpha;
  let num = 0;
  let den = 0;
  let w = 1;
  for (let i = c.length - 1; i >= 0; i--) {
    const v = c[i]!;
    if (!Number.isNaN(v)) {
      num += w * v;
      den += w;
    }
    w *= decay;
    if (w < 1e-300) break;
  }
  return den > 0 ? num / den : NaN;
}

/** Exponentially weighted mean return (span in periods, default 500), annualised. */
export function emaHistoricalReturn(prices: Frame, opts: MeanOptions & { span?: number } = {}): number[] {
  const span = opts.span ?? 500;
  if (!(span >= 1)) throw badInput(`span must be at least 1, got ${span}`);
  const returns = returnsFromPrices(prices, opts.logReturns ?? false);
  requireValues(returns, 'an exponentially weighted return');
  const compounding = opts.compounding ?? true;
  const frequency = opts.frequency ?? TRADING_DAYS;
  return returns.columns.map((c) => annualise(ewmLast(c, span), compounding, frequency));
}

export interface CapmOptions extends MeanOptions {
  riskFreeRate?: number;
  /** Market prices on their own dates (e.g. SPY); by default the equal-weighted mean of the tickers' returns. */
  marketPrices?: Frame;
}

/**
 * CAPM expected return: rf + β_i (E[R_m] − rf), β_i = cov(r_i, r_m) / var(r_m) on
 * pairwise-complete observations; the market's own return is compounded like the assets'.
 */
export function capmReturn(prices: Frame, opts: CapmOptions = {}): number[] {
  const rf = opts.riskFreeRate ?? 0.02;
  const compounding = opts.compounding ?? true;
  const frequency = opts.frequency ?? TRADING_DAYS;
  const returns = returnsFromPrices(prices, opts.logReturns ?? false);
  requireValues(returns, 'a CAPM return');
  const t = returns.dates.length;
  const mkt = new Float64Array(t);
  if (opts.marketPrices) {
    if (opts.marketPrices.tickers.length !== 1) throw badInput('the market prices must have exactly one column');
    // The market's returns come from its own consecutive dates, then join the assets' dates.
    const m = returnsFromPrices(opts.marketPrices, opts.logReturns ?? false);
    const byDate = new Map<string, number>();
    m.dates.forEach((d, i) => byDate.set(d, m.columns[0]![i]!));
    for (let i = 0; i < t; i++) mkt[i] = byDate.get(returns.dates[i]!) ?? NaN;
  } else {
    for (let i = 0; i < t; i++) {
      let s = 0;
      let k = 0;
      for (const c of returns.columns) {
        const v = c[i]!;
        if (!Number.isNaN(v)) {
          s += v;
          k++;
        }
      }
      mkt[i] = k > 0 ? s / k : NaN;
    }
  }
  const varM = pairCovariance(mkt, mkt);
  if (!(varM > 0)) throw badInput('the market return has no variance: CAPM betas are undefined');
  const mktMean = compounding ? geometricAnnual(mkt, frequency) : columnMean(mkt).mean * frequency;
  return returns.columns.map((c) => rf + (pairCovariance(c, mkt) / varM) * (mktMean - rf));
}
