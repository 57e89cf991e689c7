import { describe, expect, it } from 'vitest';
import { minCvar } from '../../../src/portfolio/cvar.ts';
import { PortfolioError } from '../../../src/portfolio/errors.ts';
import { checkPrices, completeRows, frameFromRows, parseWidePriceCsv, returnsFromPrices } from '../../../src/portfolio/frame.ts';
import type { MethodName } from '../../../src/portfolio/optimize.ts';
import { METHODS, optimize } from '../../../src/portfolio/optimize.ts';

/** A deterministic random walk: `t` price rows × `n` assets, all positive. */
function walk(n: number, t: number, seed = 7): number[][] {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const rows: number[][] = [];
  let p = Array.from({ length: n }, (_, j) => 50 + j);
  for (let i = 0; i < t; i++) {
    rows.push(p);
    p = p.map((x) => x * (1 + 0.02 * rnd()));
  }
  return rows;
}
const tickers = (n: number) => Array.from({ length: n }, (_, j) => `T${j}`);

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'OK';
  } catch (e) {
    if (e instanceof PortfolioError) return `${e.code}: ${e.message}`;
    throw e;
  }
}

describe('prices at or below zero are BAD_INPUT', () => {
  it('the CSV parser names the line, date, column and file', () => {
    const text = 'date,A,B\n2020-01-01,1,2\n2020-01-02,-5,2\n';
    expect(() => parseWidePriceCsv(text, 'p.csv')).toThrow(/line 3 \(2020-01-02\), A: price -5 is not positive in p\.csv/);
    expect(() => parseWidePriceCsv('date,A\n2020-01-01,0\n2020-01-02,1\n')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
  it('a frame built in code is checked too (negative, not only zero)', () => {
    const f = frameFromRows(['A', 'B'], [[1, 2], [-5, 2], [1, 2]]);
    expect(() => checkPrices(f)).toThrow(/A has price -5 on 1 \(row 2\)/);
  });
});

describe('too little history is BAD_INPUT with the counts', () => {
  // 10 price rows → 9 returns for 20 assets: the auditor's case.
  const short = frameFromRows(tickers(20), walk(20, 10));
  const estimated = METHODS.filter((m) => m !== 'equal');
  const extra: Partial<Record<MethodName, object>> = {
    'efficient-risk': { targetVolatility: 0.3 },
    'efficient-return': { targetReturn: 0.1 },
    'cvar-efficient-return': { targetReturn: 0.1 },
    'cvar-efficient-risk': { targetCvar: 0.05 },
    'black-litterman': { views: { absoluteViews: { T0: 0.1 } } },
  };
  it.each(estimated)('%s refuses 9 rows for 20 assets, also with a shrinkage risk model', async (method) => {
    for (const riskModel of ['sample', 'ledoit-wolf'] as const) {
      const r = await codeOf(optimize({ prices: short, method, riskModel, ...extra[method] }));
      expect(r).toMatch(/^BAD_INPUT: .* on 20 assets needs at least 21 return rows in which every asset has a return; the prices give 9/);
    }
  });
  it('equal weight needs no history; 21 complete rows are enough', async () => {
    expect((await optimize({ prices: short, method: 'equal' })).weights.T0).toBeCloseTo(0.05, 12);
    const enough = frameFromRows(tickers(20), walk(20, 22));
    for (const method of ['hrp', 'inverse-vol', 'risk-parity', 'min-cvar'] as const) {
      const w = Object.values((await optimize({ prices: enough, method })).weights);
      expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9);
    }
  });
  it('the CVaR programme checks its scenarios itself (a library caller gets the same refusal)', async () => {
    expect(await codeOf(minCvar(returnsFromPrices(short)))).toMatch(/^BAD_INPUT: minimum CVaR on 20 assets needs at least 21/);
  });
});

describe('NaN: absent before a listing, a gap inside a listed series', () => {
  it('leading NaN is "not listed yet"; a NaN inside leaves the returns into and out of it missing, nothing filled', () => {
    const rows = walk(3, 40);
    rows[0]![2] = NaN; // C lists on row 3
    rows[1]![2] = NaN;
    rows[20]![1] = NaN; // a gap in B
    const f = frameFromRows(['A', 'B', 'C'], rows);
    const r = returnsFromPrices(f);
    expect(r.dates).toHaveLength(39);
    const nanAt = (j: number) => [...r.columns[j]!].flatMap((v, i) => (Number.isNaN(v) ? [i] : []));
    expect(nanAt(0)).toEqual([]);
    expect(nanAt(1)).toEqual([19, 20]); // returns of rows 20 and 21: into and out of the gap
    expect(nanAt(2)).toEqual([0, 1]);
    expect(r.columns[1]![21]).toBeCloseTo(rows[22]![1]! / rows[21]![1]! - 1, 15);
    expect(completeRows(r)).toBe(35);
  });
  it('a gapped series is optimised on its observations (not refused, not filled)', async () => {
    const rows = walk(3, 60);
    rows[30]![1] = NaN;
    const w = Object.values((await optimize({ prices: frameFromRows(['A', 'B', 'C'], rows), method: 'min-volatility' })).weights);
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9);
    expect(w.every((x) => x >= -1e-12 && x <= 1 + 1e-12)).toBe(true);
  });
});
