import { z } from 'zod';
import { blackLitterman, marketImpliedPriorReturns } from './black-litterman.ts';
import type { WeightConstraints } from './constraints.ts';
import { cvarEfficientReturn, cvarEfficientRisk, minCvar, portfolioCvar } from './cvar.ts';
import { greedyAllocation } from './discrete.ts';
import { badInput } from './errors.ts';
import { capmReturn, emaHistoricalReturn, meanHistoricalReturn, TRADING_DAYS } from './expected-returns.ts';
import type { Frame } from './frame.ts';
import { checkPrices, latestPrices, requireHistory, returnsFromPrices } from './frame.ts';
import { efficientReturn, efficientRisk, maxQuadraticUtility, maxSharpe, minVolatility } from './frontier.ts';
import type { LinkageName } from './hrp.ts';
import { hrp } from './hrp.ts';
import type { Mat } from './linalg.ts';
import type { Performance } from './performance.ts';
import { byTicker, portfolioPerformance } from './performance.ts';
import type { RiskModelName } from './risk-models.ts';
import { riskMatrix } from './risk-models.ts';
import { equalWeight, inverseVolatility, riskParity } from './simple.ts';

/**
 * One optimisation from a price table and named choices: what `strata portfolio optimize` runs
 * (offline, no engine). Pure: the caller reads the files.
 */

export const METHODS = ['equal', 'inverse-vol', 'risk-parity', 'hrp', 'min-volatility', 'max-sharpe', 'max-quadratic-utility', 'efficient-risk', 'efficient-return', 'black-litterman', 'min-cvar', 'cvar-efficient-return', 'cvar-efficient-risk'] as const;
export type MethodName = (typeof METHODS)[number];
export const RETURN_MODELS = ['mean', 'mean-arithmetic', 'ema', 'capm'] as const;
export type ReturnModelName = (typeof RETURN_MODELS)[number];

export const viewsSchema = z
  .object({
    marketCaps: z.record(z.string(), z.number().nonnegative()).optional(),
    absoluteViews: z.record(z.string(), z.number()).optional(),
    relativeViews: z.array(z.object({ long: z.string(), short: z.string(), return: z.number() }).strict()).optional(),
    viewConfidences: z.record(z.string(), z.number().min(0).max(1)).optional(),
    riskAversion: z.number().positive().optional(),
    tau: z.number().positive().max(1).optional(),
  })
  .strict();
export type Views = z.infer<typeof viewsSchema>;

export interface OptimizeRequest {
  prices: Frame;
  method: MethodName;
  returns?: ReturnModelName;
  riskModel?: RiskModelName;
  span?: number;
  semicovBenchmark?: number;
  bounds?: [number, number];
  marketNeutral?: boolean;
  gamma?: number;
  riskFreeRate?: number;
  riskAversion?: number;
  targetVolatility?: number;
  targetReturn?: number;
  targetCvar?: number;
  beta?: number;
  linkage?: LinkageName;
  views?: Views;
  totalValue?: number;
  shortRatio?: number;
  reinvest?: boolean;
}

export interface OptimizeResult {
  weights: Record<string, number>;
  performance: Performance;
  cvar?: number;
  allocation?: Record<string, number>;
  leftover?: number;
}

function need<T>(v: T | undefined, flag: string, method: string): T {
  if (v === undefined) throw badInput(`${method} needs ${flag}`);
  return v;
}

export async function optimize(req: OptimizeRequest): Promise<OptimizeResult> {
  const prices = req.prices;
  checkPrices(prices);
  const tickers = prices.tickers;
  const n = tickers.length;
  const rf = req.riskFreeRate ?? 0.02;
  const returnsModel = req.returns ?? 'mean';
  const muOf = (): number[] => {
    switch (returnsModel) {
      case 'mean':
        return meanHistoricalReturn(prices);
      case 'mean-arithmetic':
        return meanHistoricalReturn(prices, { compounding: false });
      case 'ema':
        return emaHistoricalReturn(prices, req.span !== undefined ? { span: req.span } : {});
      case 'capm':
        return capmReturn(prices, { riskFreeRate: rf });
    }
  };
  const riskName = req.riskModel ?? 'sample';
  const cov: Mat = riskMatrix(prices, riskName, {
    ...(req.span !== undefined && riskName === 'exp-cov' ? { span: req.span } : {}),
    ...(req.semicovBenchmark !== undefined ? { benchmark: req.semicovBenchmark } : {}),
  });
  const constraints: WeightConstraints = {
    ...(req.bounds ? { bounds: req.bounds } : {}),
    ...(req.marketNeutral ? { marketNeutral: true } : {}),
    ...(req.gamma ? { l2Gamma: req.gamma } : {}),
  };
  const cvarOpts = { ...constraints, ...(req.beta !== undefined ? { beta: req.beta } : {}) };
  const returnsFrame = returnsFromPrices(prices);
  const returns = () => returnsFrame;
  // Every method but equal weight estimates from history: too few rows is refused up front with
  // the counts, not turned into weights (PyPortfolioOpt would compute anyway).
  if (req.method !== 'equal') requireHistory(returnsFrame, req.method);
  let w: number[];
  let perfMu: number[] | null = null;
  let perfCov = cov;
  let withCvar = false;
  const m = req.method;
  switch (m) {
    case 'equal':
      w = equalWeight(n);
      break;
    case 'inverse-vol':
      w = inverseVolatility(cov);
      break;
    case 'risk-parity':
      w = riskParity(cov);
      break;
    case 'hrp': {
      const daily = cov.map((r) => r.map((v) => v / TRADING_DAYS));
      w = hrp(returns(), { linkage: req.linkage ?? 'single', cov: daily }).weights;
      // PyPortfolioOpt's HRP performance: the arithmetic mean × 252.
      perfMu = meanHistoricalReturn(prices, { compounding: false });
      break;
    }
    case 'min-volatility':
      w = await minVolatility(cov, constraints);
      break;
    case 'max-sharpe':
      w = await maxSharpe(muOf(), cov, rf, constraints);
      break;
    case 'max-quadratic-utility':
      w = await maxQuadraticUtility(muOf(), cov, req.riskAversion ?? 1, constraints);
      break;
    case 'efficient-risk':
      w = await efficientRisk(muOf(), cov, need(req.targetVolatility, '--target-volatility', m), constraints);
      break;
    case 'efficient-return':
      w = await efficientReturn(muOf(), cov, need(req.targetReturn, '--target-return', m), constraints);
      break;
    case 'black-litterman': {
      const v = need(req.views, '--views FILE.json', m);
      const delta = v.riskAversion ?? req.riskAversion ?? 1;
      let pi: number[];
      if (v.marketCaps) {
        const caps = tickers.map((t) => {
          const c = v.marketCaps![t];
          if (c === undefined) throw badInput(`the views file has no market cap for ${t}`);
          return c;
        });
        pi = marketImpliedPriorReturns(caps, delta, cov, rf);
      } else pi = muOf();
      const absolute = v.absoluteViews ?? {};
      const confidences = v.viewConfidences;
      let viewConfidences: number[] | undefined;
      if (confidences) {
        const keys = [...Object.keys(absolute), ...(v.relativeViews ?? []).map((r) => `${r.long}-${r.short}`)];
        viewConfidences = keys.map((k) => {
          const c = confidences[k];
          if (c === undefined) throw badInput(`viewConfidences has no entry for the view on ${k} (give one per view, or none)`);
          return c;
        });
      }
      const P = (v.relativeViews ?? []).map((r) => {
        for (const t of [r.long, r.short]) if (!tickers.includes(t)) throw badInput(`a relative view names ${t}, which is not among the assets`);
        return tickers.map((t) => (t === r.long ? 1 : t === r.short ? -1 : 0));
      });
      const bl = blackLitterman({
        tickers,
        cov,
        pi,
        absoluteViews: absolute,
        ...(P.length > 0 ? { P, Q: (v.relativeViews ?? []).map((r) => r.return) } : {}),
        ...(v.tau !== undefined ? { tau: v.tau } : {}),
        ...(viewConfidences ? { viewConfidences } : {}),
      });
      // The posterior goes through the constrained max-Sharpe optimiser (bounds apply), rather
      // than the unconstrained closed form whose weights can be any size.
      w = await maxSharpe(bl.posteriorReturns, bl.posteriorCov, rf, constraints);
      perfMu = bl.posteriorReturns;
      perfCov = bl.posteriorCov;
      break;
    }
    case 'min-cvar':
      w = await minCvar(returns(), cvarOpts);
      withCvar = true;
      break;
    case 'cvar-efficient-return':
      w = await cvarEfficientReturn(returns(), muOf(), need(req.targetReturn, '--target-return', m), cvarOpts);
      withCvar = true;
      break;
    case 'cvar-efficient-risk':
      w = await cvarEfficientRisk(returns(), muOf(), need(req.targetCvar, '--target-cvar', m), cvarOpts);
      withCvar = true;
      break;
  }
  const mu = perfMu ?? muOf();
  const result: OptimizeResult = { weights: byTicker(tickers, w), performance: portfolioPerformance(w, mu, perfCov, rf) };
  if (withCvar) result.cvar = portfolioCvar(w, returns(), req.beta ?? 0.95);
  if (req.totalValue !== undefined) {
    const a = greedyAllocation({
      tickers,
      weights: w,
      prices: latestPrices(prices),
      totalValue: req.totalValue,
      ...(req.shortRatio !== undefined ? { shortRatio: req.shortRatio } : {}),
      ...(req.reinvest ? { reinvest: true } : {}),
    });
    result.allocation = a.allocation;
    result.leftover = a.leftover;
  }
  return result;
}
