import type { ParamsIn } from '../../../../src/contract/index.ts';

/** Formatting and inputs shared by the Backtest screen's views. */

export const pct = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(d)}%`);
export const fix = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
/** Cash with thousands separators and cents. */
export const money = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
/** A signed cash change (+1,234.50 / −12.00). */
export const signed = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ''}${money(Math.abs(x))}`;
export const paramText = (p: Record<string, number>): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** What a run, a fidelity comparison and a sweep share: the form's settings. */
export type RunSettings = ParamsIn<'backtest.fidelities'>;

/** Line colours of overlaid curves (run A, run B; bar, L1, L2, L3). */
export const LINE_COLOURS = ['#4ea1ff', '#f0b90b', '#2ebd85', '#c678dd'];

/**
 * A sweep axis typed by hand: `5,10,15` (a list) or `5:30:5` (from:to:step, both ends included).
 * Returns the values, or a message saying what is wrong.
 */
export function parseAxis(text: string): number[] | string {
  const t = text.trim();
  if (t === '') return 'empty';
  const range = /^(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(t);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(step > 0)) return 'the step must be positive';
    if (to < from) return 'from must not exceed to';
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > 1000) return `${n} values; at most 1000`;
    // Rounded to the step's decimals so 0.1 steps do not drift into 0.30000000000000004.
    const dec = (range[3]!.split('.')[1] ?? '').length;
    return Array.from({ length: n }, (_, i) => Number((from + i * step).toFixed(dec)));
  }
  const parts = t.split(',').map((x) => x.trim());
  const values = parts.map(Number);
  if (parts.some((x) => x === '') || values.some((v) => !Number.isFinite(v))) return 'use a,b,c or from:to:step';
  return [...new Set(values)];
}
