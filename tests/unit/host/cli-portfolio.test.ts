import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/host/cli.ts';

const PRICES = fileURLToPath(new URL('../../fixtures/pypfopt/stock_prices.csv', import.meta.url));
const CASES = JSON.parse(
  (await import('node:fs')).readFileSync(fileURLToPath(new URL('../../fixtures/pypfopt/pypfopt_cases.json', import.meta.url)), 'utf8'),
) as { cases: { id: string; expected: unknown }[] };
const expected = (id: string) => CASES.cases.find((c) => c.id === id)!.expected as number[];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), env: {} });
  return { code, out, err };
}

interface Json {
  weights: Record<string, number>;
  performance: { expectedReturn: number; volatility: number; sharpe: number };
  cvar?: number;
  allocation?: Record<string, number>;
  leftover?: number;
}

const perf = (j: Json) => [j.performance.expectedReturn, j.performance.volatility, j.performance.sharpe];
const close = (a: number[], e: number[], rtol: number) => a.forEach((x, i) => expect(Math.abs(x - e[i]!)).toBeLessThanOrEqual(rtol * Math.abs(e[i]!)));

describe('strata portfolio optimize', () => {
  it('max-sharpe --json: PyPortfolioOpt performance and, with --total-value, its greedy allocation', async () => {
    const r = await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'max-sharpe', '--total-value', '10000', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    close(perf(j), expected('ef_max_sharpe_long'), 1e-7);
    expect(j.allocation).toEqual(expected('da_greedy_long'));
    expect(Object.keys(j.weights)).toHaveLength(20);
  });
  it('hrp uses the arithmetic mean × 252 for its performance', async () => {
    const j = JSON.parse((await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'hrp', '--json'])).out) as Json;
    close(perf(j), expected('hrp_performance'), 1e-7);
  });
  it('efficient-return with shorts and market neutral', async () => {
    const j = JSON.parse((await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'efficient-return', '--target-return', '0.25', '--bounds', '-1,1', '--market-neutral', '--json'])).out) as Json;
    close(perf(j), expected('ef_efficient_return_mkt_neutral'), 1e-7);
  });
  it('min-cvar prints the CVaR; black-litterman reads a views file', async () => {
    const j = JSON.parse((await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'min-cvar', '--json'])).out) as Json;
    expect(j.cvar).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'strata-views-'));
    const views = join(dir, 'views.json');
    writeFileSync(views, JSON.stringify({ absoluteViews: { AAPL: 0.3, XOM: -0.1 }, viewConfidences: { AAPL: 0.8, XOM: 0.5 }, riskAversion: 2.5 }));
    const bl = await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'black-litterman', '--views', views, '--json']);
    expect(bl.code).toBe(0);
    const w = (JSON.parse(bl.out) as Json).weights;
    expect(Object.values(w).reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9);
  });
  it('human output lists the weights and the performance', async () => {
    const r = await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'equal']);
    expect(r.out).toMatch(/GOOG\s+0\.05000/);
    expect(r.out).toMatch(/Sharpe ratio/);
  });
  it('refusals: INFEASIBLE target volatility exits 1 with the reason; a missing target or file is a usage error', async () => {
    const a = await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'efficient-risk', '--target-volatility', '0.05']);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/INFEASIBLE: target volatility 0.05 is below the minimum volatility/);
    const b = await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'efficient-risk']);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/BAD_INPUT: efficient-risk needs --target-volatility/);
    const c = await cli(['portfolio', 'optimize', '--prices', '/nonexistent.csv', '--method', 'equal']);
    expect(c.code).toBe(2);
    const d = await cli(['portfolio', 'optimize', '--prices', PRICES, '--method', 'magic']);
    expect(d.code).toBe(2);
  });
  it('NaN-like garbage in the price file is BAD_INPUT naming the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-prices-'));
    const f = join(dir, 'p.csv');
    writeFileSync(f, 'date,A,B\n2020-01-01,1,2\n2020-01-02,x,2\n');
    const r = await cli(['portfolio', 'optimize', '--prices', f, '--method', 'equal']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/BAD_INPUT: line 3, A: "x" is not a price/);
  });
  it('a negative price is BAD_INPUT naming the line, the column and the file; 9 rows for 3+ assets is refused with the counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-prices-'));
    const f = join(dir, 'neg.csv');
    writeFileSync(f, 'date,A,B\n2020-01-01,1,2\n2020-01-02,-5,2\n2020-01-03,1,2\n');
    const r = await cli(['portfolio', 'optimize', '--prices', f, '--method', 'equal']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/BAD_INPUT: line 3 \(2020-01-02\), A: price -5 is not positive in .*neg\.csv/);
    const g = join(dir, 'short.csv');
    const lines = ['date,A,B,C,D'];
    for (let i = 0; i < 4; i++) lines.push(`2020-01-0${i + 1},${10 + i},${20 - i},${30 + (i % 2)},${40 + i * i}`);
    writeFileSync(g, lines.join('\n') + '\n');
    const h = await cli(['portfolio', 'optimize', '--prices', g, '--method', 'hrp']);
    expect(h.code).toBe(1);
    expect(h.err).toMatch(/BAD_INPUT: hrp on 4 assets needs at least 5 return rows in which every asset has a return; the prices give 3/);
  });
});
