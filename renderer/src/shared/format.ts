/** Number and time formatting. Every function accepts bad input and returns a dash instead of throwing. */
import { currencyDecimals } from '../../../src/contract/money.ts';

const cache = new Map<string, Intl.NumberFormat>();

function nf(min: number, max: number, signed: boolean): Intl.NumberFormat {
  const key = `${min}:${max}:${signed ? 1 : 0}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    cache.set(key, f);
  }
  return f;
}

export const DASH = '—';

function clampDecimals(d: number | undefined, fallback: number): number {
  if (typeof d !== 'number' || !Number.isFinite(d)) return fallback;
  return Math.min(12, Math.max(0, Math.round(d)));
}

export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A price or quantity with exactly `decimals` fraction digits and thousands separators. */
export function fmtNum(x: unknown, decimals: number | undefined, fallback = 2): string {
  if (!isNum(x)) return DASH;
  const d = clampDecimals(decimals, fallback);
  return nf(d, d, false).format(x);
}

/**
 * A quantity with as many decimals as the instrument's lot needs (0.00001 BTC, 50 SPY). Without a
 * known instrument, the shortest exact form up to 8 decimals, never a rounding to 2 that would read
 * 0.000001 as 0.00.
 */
export function fmtQty(x: unknown, inst: { qtyDecimals: number } | undefined): string {
  if (!isNum(x)) return DASH;
  if (inst && isNum(inst.qtyDecimals)) return fmtNum(x, inst.qtyDecimals);
  return nf(0, 8, false).format(x);
}

/** Decimals of money shown without a precision of its own: the account currency's (src/contract/money.ts). */
let moneyDefault = 2;
export { currencyDecimals };

/** Called when a session arrives: money without its own precision follows the account currency. */
export function setMoneyCurrency(currency: string): void {
  moneyDefault = currencyDecimals(currency);
}

/** A signed amount (P&L) in the account currency: "+12.30", "−4.00", "0.00". */
export function fmtSigned(x: unknown, decimals = moneyDefault): string {
  if (!isNum(x)) return DASH;
  const d = clampDecimals(decimals, 2);
  // Avoid "-0.00".
  const rounded = Number(x.toFixed(d));
  return nf(d, d, true).format(rounded === 0 ? 0 : rounded).replace('-', '\u2212');
}

export function fmtMoney(x: unknown, decimals = moneyDefault): string {
  if (!isNum(x)) return DASH;
  const d = clampDecimals(decimals, 2);
  const rounded = Number(x.toFixed(d));
  return nf(d, d, false).format(rounded === 0 ? 0 : rounded).replace('-', '\u2212');
}

export function fmtPct(x: unknown, decimals = 2): string {
  if (!isNum(x)) return DASH;
  return `${fmtSigned(x * 100, decimals)}%`;
}

/** Compact size, e.g. 1.2K, 3.4M, for depth columns. */
export function fmtCompact(x: unknown, decimals: number | undefined): string {
  if (!isNum(x)) return DASH;
  const a = Math.abs(x);
  if (a >= 1e6) return `${nf(0, 2, false).format(x / 1e6)}M`;
  if (a >= 1e4) return `${nf(0, 1, false).format(x / 1e3)}K`;
  return fmtNum(x, decimals);
}

/** "pnl-pos" / "pnl-neg" / "" for colouring. */
export function pnlClass(x: unknown): string {
  if (!isNum(x)) return '';
  if (x > 1e-12) return 'pos';
  if (x < -1e-12) return 'neg';
  return '';
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function fmtTime(ms: unknown, withMs = false): string {
  if (!isNum(ms)) return DASH;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return DASH;
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

export function fmtDateTime(ms: unknown): string {
  if (!isNum(ms)) return DASH;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return DASH;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtTime(ms)}`;
}

/** Number of fraction digits of a step like 0.01 → 2, 0.5 → 1, 1 → 0. */
export function stepDecimals(step: number): number {
  if (!isNum(step) || step <= 0) return 0;
  const s = step.toString();
  if (s.includes('e-')) return Number(s.split('e-')[1] ?? 0);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Parses a user-typed decimal ("1,234.5" is accepted). Returns null when it isn't a plain number. */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(/,/g, '');
  if (!/^\d*\.?\d+$|^\d+\.$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** True when `value` is (within float noise) an integer multiple of `step`. */
export function onStep(value: number, step: number): boolean {
  if (!(step > 0)) return true;
  const k = value / step;
  return Math.abs(k - Math.round(k)) < 1e-7 * Math.max(1, Math.abs(k));
}

/** Rounds to a step and returns a plain decimal string with the step's precision. */
export function roundToStep(value: number, step: number, decimals: number): string {
  if (!(step > 0)) return value.toFixed(decimals);
  return (Math.round(value / step) * step).toFixed(decimals);
}
