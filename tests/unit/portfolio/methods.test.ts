import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blackLitterman, blackLittermanWeights, marketImpliedPriorReturns, marketImpliedRiskAversion } from '../../../src/portfolio/black-litterman.ts';
import { cvarEfficientReturn, cvarEfficientRisk, minCvar, portfolioCvar } from '../../../src/portfolio/cvar.ts';
import { greedyAllocation } from '../../../src/portfolio/discrete.ts';
import { emaHistoricalReturn, meanHistoricalReturn } from '../../../src/portfolio/expected-returns.ts';
import { latestPrices, returnsFromPrices, selectTickers } from '../../../src/portfolio/frame.ts';
import { maxSharpe } from '../../../src/portfolio/frontier.ts';
import { clusterVariance, hrp } from '../../../src/portfolio/hrp.ts';
import { cleanWeights, portfolioPerformance } from '../../../src/portfolio/performance.ts';
import { covarianceMatrix, ledoitWolf, sampleCov } from '../../../src/portfolio/risk-models.ts';
import { equalWeight, inverseVolatility, riskContributions, riskParity, signalWeighted } from '../../../src/portfolio/simple.ts';
import { expectClose, expectDecimal, refCase, spyPrices, stockPrices } from './fixtures.ts';

const prices = stockPrices();
const tickers = prices.tickers;
const returns = returnsFromPrices(prices);
const S = sampleCov(prices);
const mu = meanHistoricalReturn(prices);

describe('HRP against PyPortfolioOpt', () => {
  const r = hrp(returns);
  it('hrp_quasi_diag: the first five assets of the seriation order', () => {
    expect(r.order.slice(0, 5)).toEqual(refCase('hrp_quasi_diag').expected);
  });
  it('hrp_weights_single: weights of weights_hrp.csv (rtol 1e-2; in fact ~1e-12)', () => {
    const exp = refCase('hrp_weights_single').expected as Record<string, number>;
    expectClose(r.weights, tickers.map((t) => exp[t]!), 1e-2);
    expectClose(r.weights, tickers.map((t) => exp[t]!), 1e-9);
  });
  it('hrp_performance: arithmetic mean × 252, sample covariance × 252, rf 0.02 (rtol 1e-7)', () => {
    const arith = meanHistoricalReturn(prices, { compounding: false });
    const p = portfolioPerformance(r.weights, arith, r.cov.map((row) => row.map((v) => v * 252)), 0.02);
    expectClose([p.expectedReturn, p.volatility, p.sharpe], refCase('hrp_performance').expected as number[], 1e-7);
  });
  it('hrp_cluster_var: inverse-variance cluster variance of the listed tickers', () => {
    const c = refCase('hrp_cluster_var');
    const members = (c.inputs as { tickers: string[] }).tickers.map((t) => tickers.indexOf(t));
    expect(clusterVariance(covarianceMatrix(returns), members)).toBeCloseTo(c.expected as number, 7);
  });
  it('every linkage gives long-only weights summing to 1', () => {
    for (const linkage of ['single', 'complete', 'average', 'weighted', 'ward'] as const) {
      const w = hrp(returns, { linkage }).weights;
      expect(w.every((x) => x > 0), linkage).toBe(true);
      expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
    }
  });
});

describe('Black-Litterman against PyPortfolioOpt', () => {
  const views = { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 };
  it('bl_market_risk_aversion: δ from SPY', () => {
    expect(Math.round(marketImpliedRiskAversion(spyPrices(), 0.02) * 1e5) / 1e5).toBe(refCase('bl_market_risk_aversion').expected);
  });
  it('bl_market_implied_prior: π = δΣw_mkt + rf', () => {
    const c = refCase('bl_market_implied_prior');
    const caps = (c.inputs as { market_caps: Record<string, number> }).market_caps;
    const delta = marketImpliedRiskAversion(spyPrices(), 0.02);
    expectDecimal(marketImpliedPriorReturns(tickers.map((t) => caps[t]!), delta, S, 0.02), c.expected as number[], 6);
  });
  it('bl_posterior_all_views: EMA prior, Ledoit-Wolf Σ, a 10% view on every asset', () => {
    const pi = emaHistoricalReturn(prices, { span: 500 });
    const cov = ledoitWolf(prices).cov;
    const views = Object.fromEntries(tickers.map((t) => [t, 0.1]));
    const bl = blackLitterman({ tickers, cov, pi, absoluteViews: views });
    expectDecimal(bl.posteriorReturns, refCase('bl_posterior_all_views').expected as number[], 6);
  });
  it('bl_weights_no_prior: implied weights with no prior, cleaned, equal the reference exactly', () => {
    const delta = marketImpliedRiskAversion(spyPrices(), 0);
    const bl = blackLitterman({ tickers, cov: S, pi: null, absoluteViews: views });
    const w = cleanWeights(blackLittermanWeights(S, bl.posteriorReturns, delta));
    const exp = refCase('bl_weights_no_prior').expected as Record<string, number>;
    expect(Object.fromEntries(tickers.map((t, i) => [t, w[i]]))).toEqual(exp);
  });
  it('bl_equal_prior_perf: equal prior, δ = 1, performance on the posterior (rtol 1e-7)', () => {
    const bl = blackLitterman({ tickers, cov: S, pi: 'equal', absoluteViews: views });
    const w = blackLittermanWeights(S, bl.posteriorReturns, 1);
    const p = portfolioPerformance(w, bl.posteriorReturns, bl.posteriorCov, 0.02);
    expectClose([p.expectedReturn, p.volatility, p.sharpe], refCase('bl_equal_prior_perf').expected as number[], 1e-7);
  });
  it('bl_idzorek_linear: with confidence c the posterior moves a fraction c of the way to the view', () => {
    const t5 = ['A', 'B', 'C', 'D', 'E'];
    const I = t5.map((_, i) => t5.map((__, j) => (i === j ? 1 : 0)));
    const got = [0, 0.2, 0.4, 0.6, 0.8, 1].map((c) => blackLitterman({ tickers: t5, cov: I, pi: new Array(5).fill(0.1), absoluteViews: { A: 0.3 }, viewConfidences: [c] }).posteriorReturns[0]!);
    expectClose(got, refCase('bl_idzorek_linear').expected as number[], 0, 1.5e-7);
  });
  it('a relative view (A beats B by 5%) moves A up and B down', () => {
    const bl = blackLitterman({ tickers, cov: S, pi: mu, P: [tickers.map((t) => (t === 'AAPL' ? 1 : t === 'MA' ? -1 : 0))], Q: [0.05] });
    const a = tickers.indexOf('AAPL');
    const m = tickers.indexOf('MA');
    expect(bl.posteriorReturns[a]! - bl.posteriorReturns[m]!).toBeGreaterThan(mu[a]! - mu[m]!);
  });
});

describe('discrete allocation against PyPortfolioOpt (exact)', () => {
  const latest = latestPrices(prices);
  it('da_greedy_long and da_greedy_long_rmse: $10,000 of long-only max-Sharpe weights', async () => {
    const w = await maxSharpe(mu, S, 0.02);
    const a = greedyAllocation({ tickers, weights: w, prices: latest, totalValue: 10_000, shortRatio: 0.3 });
    expect(a.allocation).toEqual(refCase('da_greedy_long').expected);
    expect(a.leftover).toBeCloseTo(refCase('da_greedy_long')['computed_leftover'] as number, 6);
    const b = greedyAllocation({ tickers, weights: w, prices: latest, totalValue: 10_000 });
    expect(b.allocation).toEqual(refCase('da_greedy_long_rmse').expected);
  });
  it('da_greedy_short and da_greedy_short_50k: long/short books allocated separately', async () => {
    const w = await maxSharpe(mu, S, 0.02, { bounds: [null, null] });
    expect(greedyAllocation({ tickers, weights: w, prices: latest, totalValue: 10_000, shortRatio: 0.3 }).allocation).toEqual(refCase('da_greedy_short').expected);
    expect(greedyAllocation({ tickers, weights: w, prices: latest, totalValue: 50_000, shortRatio: 0.5 }).allocation).toEqual(refCase('da_greedy_short_50k').expected);
  });
  it('lot sizes: holdings are whole lots and never cost more than the money', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), fc.integer({ min: 1_000, max: 1_000_000 }), (raw, value) => {
        const s = raw.reduce((a, x) => a + x, 0);
        fc.pre(s > 0.01);
        const w = raw.map((x) => x / s);
        const lots = { X: 100, Y: 10, Z: 1 };
        const px = { X: 3.5, Y: 42, Z: 250 };
        const a = greedyAllocation({ tickers: ['X', 'Y', 'Z'], weights: w, prices: px, totalValue: value, lotSizes: lots });
        let cost = 0;
        for (const [t, k] of Object.entries(a.allocation)) {
          expect(k % lots[t as 'X']).toBe(0);
          cost += k * px[t as 'X'];
        }
        expect(cost).toBeLessThanOrEqual(value + 1e-6);
        expect(a.leftover).toBeGreaterThanOrEqual(-1e-6);
      }),
      { numRuns: 60 },
    );
  });
});

describe('simple methods', () => {
  it('equal and inverse volatility weights', () => {
    expect(equalWeight(4)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const w = inverseVolatility([[0.04, 0], [0, 0.16]]);
    expectClose(w, [2 / 3, 1 / 3], 1e-12);
  });
  it('signal-weighted: long-only drops negative scores, long-short has gross exposure 1', () => {
    expect(signalWeighted([0.5, -0.5, 1.5])).toEqual([0.25, 0, 0.75]);
    expect(signalWeighted([0.5, -0.5], { longOnly: false })).toEqual([0.5, -0.5]);
  });
  it('risk parity equalises risk contributions on the real covariance', () => {
    const w = riskParity(S);
    const rc = riskContributions(w, S);
    rc.forEach((x) => expect(x).toBeCloseTo(1 / 20, 9));
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
  });
  it('risk budgets: contributions follow the budget', () => {
    const cov = [[0.04, 0.006, 0], [0.006, 0.09, 0.01], [0, 0.01, 0.16]];
    const rc = riskContributions(riskParity(cov, [0.5, 0.3, 0.2]), cov);
    expectClose(rc, [0.5, 0.3, 0.2], 1e-9);
  });
});

describe('CVaR (linear programme on historical scenarios)', () => {
  const sub = returnsFromPrices(selectTickers(prices, ['AAPL', 'GE', 'WMT', 'XOM', 'PFE', 'JPM']));
  const recent = { ...sub, dates: sub.dates.slice(-1000), columns: sub.columns.map((c) => c.slice(-1000)) };
  const mu6 = meanHistoricalReturn(selectTickers(prices, ['AAPL', 'GE', 'WMT', 'XOM', 'PFE', 'JPM']));
  it('min CVaR has lower CVaR than equal weights and any single asset', async () => {
    const w = await minCvar(recent);
    const best = portfolioCvar(w, recent);
    expect(best).toBeLessThanOrEqual(portfolioCvar(equalWeight(6), recent) + 1e-12);
    for (let i = 0; i < 6; i++) expect(best).toBeLessThanOrEqual(portfolioCvar(equalWeight(6).map((_, j) => (j === i ? 1 : 0)), recent) + 1e-12);
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9);
  });
  it('CVaR efficient return meets the target; efficient risk stays within the CVaR target', async () => {
    const w = await cvarEfficientReturn(recent, mu6, 0.2);
    expect(w.reduce((a, x, i) => a + x * mu6[i]!, 0)).toBeGreaterThanOrEqual(0.2 - 1e-9);
    const floor = portfolioCvar(await minCvar(recent), recent);
    const w2 = await cvarEfficientRisk(recent, mu6, floor * 1.2);
    expect(portfolioCvar(w2, recent)).toBeLessThanOrEqual(floor * 1.2 + 1e-9);
  });
  it('a CVaR target below the minimum is INFEASIBLE', async () => {
    await expect(cvarEfficientRisk(recent, mu6, 1e-6)).rejects.toMatchObject({ code: 'INFEASIBLE' });
  });
});
