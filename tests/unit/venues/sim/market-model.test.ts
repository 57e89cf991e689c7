import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/core/rng.ts';
import { MarketModel } from '../../../../src/venues/sim/market-model.ts';
import { px, testInstrument } from '../../../fixtures/engine/instruments.ts';
import { quietParams } from '../../../fixtures/engine/sim.ts';

const BTC = testInstrument('BTC/USD'); // tick 0.01, lot 0.001
const ETH = testInstrument('ETH/USD'); // tick 0.05, lot 0.01

describe('MarketModel book', () => {
  it('when the mid is 100 with a 2-tick spread then the best bid is 99.99 and the best ask 100.01', () => {
    const m = new MarketModel(BTC, quietParams(), createRng(1));
    expect(m.bestBidUnits()).toBe(px(BTC, '99.99'));
    expect(m.bestAskUnits()).toBe(px(BTC, '100.01'));
  });

  it('when the tick is not one unit then best prices are on the tick grid', () => {
    const m = new MarketModel(ETH, quietParams({ startPrice: 3000.12, spreadTicks: 1 }), createRng(1));
    expect(m.bestBidUnits() % ETH.tickUnits).toBe(0n);
    expect(m.bestAskUnits() - m.bestBidUnits()).toBe(ETH.tickUnits);
    expect(m.bestBidUnits()).toBeLessThanOrEqual(px(ETH, '3000.10'));
  });

  it('when levels are listed then they are best first, spaced by the level spacing, on the lot grid and at least one lot', () => {
    const m = new MarketModel(BTC, quietParams({ levels: 8, levelSpacingTicks: 3 }), createRng(1));
    for (const side of ['bid', 'ask'] as const) {
      const lv = m.levels(side);
      expect(lv).toHaveLength(8);
      expect(lv[0]!.priceUnits).toBe(side === 'bid' ? m.bestBidUnits() : m.bestAskUnits());
      for (let i = 1; i < lv.length; i++) {
        expect(lv[i]!.priceUnits - lv[i - 1]!.priceUnits).toBe(side === 'bid' ? -3n : 3n);
      }
      for (const l of lv) {
        expect(l.qtyUnits % BTC.lotUnits).toBe(0n);
        expect(l.qtyUnits).toBeGreaterThanOrEqual(BTC.lotUnits);
        // levelQty x (1 + 0.35 i) x [0.5, 1.5): bounded per depth.
        const i = lv.indexOf(l);
        expect(Number(l.qtyUnits) / 1000).toBeLessThanOrEqual(1.5 * (1 + 0.35 * i) + 0.001);
        expect(Number(l.qtyUnits) / 1000).toBeGreaterThanOrEqual(0.5 * (1 + 0.35 * i) - 0.001);
      }
    }
  });

  it('when the same price level is seen again then it has the same size (no flicker)', () => {
    const a = new MarketModel(BTC, quietParams(), createRng(1));
    const b = new MarketModel(BTC, quietParams(), createRng(999));
    expect(a.levels('bid')).toEqual(b.levels('bid'));
    expect(a.levels('ask')).toEqual(a.levels('ask'));
  });

  it('when the book would reach zero or below then levels stop above zero', () => {
    const m = new MarketModel(BTC, quietParams({ startPrice: 0.05, levels: 50, levelSpacingTicks: 1 }), createRng(1));
    for (const l of m.levels('bid')) expect(l.priceUnits).toBeGreaterThan(0n);
  });
});

describe('MarketModel step', () => {
  it('when volatility and trade rate are zero then the mid stays and the crowd does not trade', () => {
    const m = new MarketModel(BTC, quietParams(), createRng(3));
    for (let i = 0; i < 1000; i++) expect(m.step(250)).toEqual([]);
    expect(m.mid).toBe(100);
  });

  it('when started from a saved mid then it continues from there', () => {
    const m = new MarketModel(BTC, quietParams(), createRng(3), 123.45);
    expect(m.mid).toBe(123.45);
    expect(m.bestBidUnits()).toBe(px(BTC, '123.44'));
  });

  it('when two models share params and seed then their paths and trades are identical; another seed differs', () => {
    const p = quietParams({ volPerSqrtSecond: 0.001, tradesPerSecond: 5, tradeSizeLogSd: 1 });
    const path = (seed: number): string[] => {
      const m = new MarketModel(BTC, p, createRng(seed));
      const out: string[] = [];
      for (let i = 0; i < 500; i++) out.push(`${m.mid}:${m.step(250).map((t) => `${t.side}${t.qtyUnits}`).join(',')}`);
      return out;
    };
    expect(path(4)).toEqual(path(4));
    expect(path(5)).not.toEqual(path(4));
  });

  it('when the path falls very low then the mid is held at 100 ticks', () => {
    const m = new MarketModel(BTC, quietParams({ volPerSqrtSecond: 2 }), createRng(8));
    let low = Infinity;
    for (let i = 0; i < 2000; i++) {
      m.step(250);
      low = Math.min(low, m.mid);
      expect(m.bestBidUnits()).toBeGreaterThan(0n);
    }
    // Tick 0.01 x 100 = 1.00: reached, never undercut.
    expect(low).toBe(1);
  });

  it('when many steps run then trades arrive at the Poisson rate with sizes on the lot grid around the median', () => {
    const m = new MarketModel(BTC, quietParams({ tradesPerSecond: 2, medianTradeQty: 0.05, tradeSizeLogSd: 0.5 }), createRng(21));
    const trades = [];
    const steps = 40_000; // 10,000 s at 250 ms: expect 20,000 trades (sd ~141)
    for (let i = 0; i < steps; i++) trades.push(...m.step(250));
    expect(trades.length).toBeGreaterThan(19_400);
    expect(trades.length).toBeLessThan(20_600);
    const buys = trades.filter((t) => t.side === 'buy').length;
    expect(Math.abs(buys / trades.length - 0.5)).toBeLessThan(0.02);
    const sizes = trades.map((t) => Number(t.qtyUnits)).sort((a, b) => a - b);
    for (const t of trades) expect(t.qtyUnits % BTC.lotUnits === 0n && t.qtyUnits >= BTC.lotUnits).toBe(true);
    const median = sizes[Math.floor(sizes.length / 2)]! / 1000;
    expect(median).toBeGreaterThan(0.045);
    expect(median).toBeLessThan(0.055);
  });

  it('when the mid moves then log returns have the calibrated volatility, the -sigma^2/2 drift, and the price is a martingale', () => {
    // Independent 250 ms steps from the same mid: 20,000 draws of one GBM step (sd sigma*sqrt(dt)).
    const sigma = 0.6;
    const dt = 0.25;
    const m = new MarketModel(BTC, quietParams({ startPrice: 1000, volPerSqrtSecond: sigma }), createRng(33));
    const rets: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      m.mid = 1000;
      m.step(250);
      rets.push(Math.log(m.mid / 1000));
    }
    const n = rets.length;
    const mean = rets.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(rets.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1));
    const stepSd = sigma * Math.sqrt(dt); // 0.3
    const se = stepSd / Math.sqrt(n); // ~0.0021
    expect(Math.abs(sd - stepSd) / stepSd).toBeLessThan(0.03);
    // E[log return] = -sigma^2 dt / 2 = -0.045 (about 21 standard errors from zero).
    expect(Math.abs(mean + (sigma * sigma * dt) / 2)).toBeLessThan(4 * se);
    // E[price ratio] = 1.
    const ratio = rets.reduce((a, r) => a + Math.exp(r), 0) / n;
    expect(Math.abs(ratio - 1)).toBeLessThan(4 * Math.sqrt(Math.exp(stepSd * stepSd) - 1) / Math.sqrt(n));
  });
});

describe('MarketModel as a market source', () => {
  it('when advanced on a step grid then it steps by the time elapsed, exactly as step(dt) would', () => {
    const p = quietParams({ volPerSqrtSecond: 0.001, tradesPerSecond: 5, tradeSizeLogSd: 1 });
    const a = new MarketModel(BTC, p, createRng(4));
    const b = new MarketModel(BTC, p, createRng(4));
    a.skipTo(1_000);
    for (let i = 1; i <= 200; i++) expect(a.advance(1_000 + i * 250)).toEqual(b.step(250));
    expect(a.referencePrice()).toBe(b.mid);
    // Not positioned yet, or no time elapsed: nothing happens.
    const c = new MarketModel(BTC, p, createRng(4));
    expect(c.advance(5_000)).toEqual([]);
    expect(c.advance(5_000)).toEqual([]);
    expect(c.mid).toBe(100);
    expect(c.nextEventAt()).toBeUndefined();
  });

  it('when asked for levels around another centre then the book is the same shape around it', () => {
    const m = new MarketModel(BTC, quietParams(), createRng(1));
    expect(m.levels('bid', 101)[0]!.priceUnits).toBe(px(BTC, '100.99'));
    expect(m.levels('ask', 101)[0]!.priceUnits).toBe(px(BTC, '101.01'));
    expect(m.levels('bid')).toEqual(m.levels('bid', m.mid));
  });

  it('when the impact law asks for its scale then volume is trade rate times the mean lognormal size', () => {
    const m = new MarketModel(BTC, quietParams({ volPerSqrtSecond: 2e-4, tradesPerSecond: 3, medianTradeQty: 0.05, tradeSizeLogSd: 1 }), createRng(1));
    expect(m.impactScale().volPerSqrtSecond).toBe(2e-4);
    expect(m.impactScale().volumePerSecond).toBeCloseTo(3 * 0.05 * Math.exp(0.5), 12);
  });

  it('when saved and restored then the mid carries over; a damaged value is ignored', () => {
    const a = new MarketModel(BTC, quietParams({ volPerSqrtSecond: 0.001 }), createRng(2));
    a.step(60_000);
    const b = new MarketModel(BTC, quietParams(), createRng(9));
    b.restore(a.save());
    expect(b.mid).toBe(a.mid);
    b.restore('garbage');
    expect(b.mid).toBe(a.mid);
  });
});
