import type { CadenceDto, ExecutionStyle, RiskVerdict, Urgency } from '../../../src/contract/index.ts';
import { DASH, isNum } from './format.ts';

/** Display of L2 figures (weights, convictions, verdicts, algorithms), shared by the Signals, Portfolio and Approvals views. */

/** A weight of NAV: "12.5%". */
export function weightPct(v: number | null | undefined, d = 1): string {
  return isNum(v) ? `${(v * 100).toFixed(d)}%` : DASH;
}

/** A signed weight change: "+2.5 pts", "−1.0 pts". */
export function weightDelta(v: number | null | undefined, d = 1): string {
  if (!isNum(v)) return DASH;
  const x = Number((v * 100).toFixed(d));
  return `${x > 0 ? '+' : x < 0 ? '\u2212' : ''}${Math.abs(x).toFixed(d)} pts`;
}

/** Conviction 0–1 as a percentage without decimals. */
export function convictionPct(v: number | null | undefined): string {
  return isNum(v) ? `${Math.round(v * 100)}%` : DASH;
}

export function bps(v: number | null | undefined, d = 1): string {
  return isNum(v) ? `${v.toFixed(d)} bps` : DASH;
}

export const VERDICT_TEXT: Record<RiskVerdict, string> = { pass: 'PASS', soft_breach: 'SOFT BREACH', deny: 'DENY' };

export const STYLE_LABELS: Record<ExecutionStyle, string> = {
  market: 'Market',
  limit: 'Limit',
  twap: 'TWAP',
  vwap: 'VWAP',
  pov: 'POV',
  passive: 'Passive',
  iceberg: 'Iceberg',
  adaptive: 'Adaptive',
};

export const URGENCY_LABELS: Record<Urgency, string> = { immediate: 'Immediate', high: 'High', medium: 'Medium', low: 'Low' };

export function cadenceText(c: CadenceDto | null | undefined): string {
  if (c === null || c === undefined) return DASH;
  if (typeof c === 'string') return c === 'bar' ? 'every bar' : c;
  if (isNum(c.everyMs)) {
    const s = c.everyMs / 1000;
    if (s < 60) return `every ${s} s`;
    if (s < 3600) return `every ${Math.round(s / 60)} min`;
    return `every ${(s / 3600).toFixed(s % 3600 ? 1 : 0)} h`;
  }
  return DASH;
}

/** A parameter or diagnostic value as text: numbers trimmed, arrays and records as compact JSON. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return DASH;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(6)) : x));
  } catch {
    return String(v);
  }
}
