import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../../../src/portfolio/frame.ts';
import { parseWidePriceCsv } from '../../../src/portfolio/frame.ts';

/** PyPortfolioOpt reference cases and data (MIT), copied into tests/fixtures/pypfopt (see its README). */
const dir = fileURLToPath(new URL('../../fixtures/pypfopt/', import.meta.url));

export interface RefCase {
  id: string;
  description: string;
  inputs: Record<string, unknown>;
  expected: unknown;
  test_tolerance: string;
  computed_weights?: Record<string, number> | number[];
  [k: string]: unknown;
}

const cases = (JSON.parse(readFileSync(dir + 'pypfopt_cases.json', 'utf8')) as { cases: RefCase[] }).cases;

export function refCase(id: string): RefCase {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no reference case ${id}`);
  return c;
}

export const allCaseIds = (): string[] => cases.map((c) => c.id);

let stock: Frame | undefined;
let spy: Frame | undefined;
export const stockPrices = (): Frame => (stock ??= parseWidePriceCsv(readFileSync(dir + 'stock_prices.csv', 'utf8')));
export const spyPrices = (): Frame => (spy ??= parseWidePriceCsv(readFileSync(dir + 'spy_prices.csv', 'utf8')));

/** |a − e| ≤ rtol·|e| (numpy assert_allclose with atol 0). */
export function expectClose(actual: readonly number[], expected: readonly number[], rtol: number, atol = 0): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`index ${i}: ${a} vs expected ${e} (rtol ${rtol}, atol ${atol})`);
  });
}

/** numpy assert_array_almost_equal(decimal=d): |a − e| < 1.5·10^(−d). */
export function expectDecimal(actual: readonly number[], expected: readonly number[], decimal: number): void {
  expectClose(actual, expected, 0, 1.5 * 10 ** -decimal);
}
