import type { FlagSeverity, LimitRowDto, RiskFlagDto } from '../../../src/contract/index.ts';
import { DASH, fmtMoney, isNum } from './format.ts';

/** Display of L1 limit levels and PMS figures, shared by the Risk panel, the ticket and the blotter. */

const SEVERITY_RANK: Record<FlagSeverity, number> = { info: 0, warning: 1, critical: 2 };

export function severityRank(s: FlagSeverity): number {
  return SEVERITY_RANK[s] ?? 0;
}

/** Active flags per instrument, the most severe first (for inline markers on rows). */
export function flagsBySymbol(flags: readonly RiskFlagDto[]): Record<string, RiskFlagDto[]> {
  const out: Record<string, RiskFlagDto[]> = {};
  for (const f of flags) {
    if (!f.symbol) continue;
    (out[f.symbol] ??= []).push(f);
  }
  for (const list of Object.values(out)) list.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  return out;
}

/** A limit level (exact decimal text or a number) in its unit: "250,000", "5%", "1.25×", "25 bps". */
export function fmtLevel(unit: LimitRowDto['unit'], v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return DASH;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return String(v);
  switch (unit) {
    case 'money':
      return fmtMoney(n, Math.abs(n) >= 1000 || Number.isInteger(n) ? 0 : 2);
    case 'pct':
      return `${trim(n, 2)}%`;
    case 'bps':
      return `${trim(n, 1)} bps`;
    case 'ratio':
      return `${trim(n, 2)}×`;
    case 'ticks':
      return `${trim(n, 0)} ticks`;
    case 'count':
      return trim(n, 0);
    default:
      return trim(n, 8);
  }
}

function trim(n: number, max: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: max }).format(n);
}

/** Where the soft level sits on a usage bar (used/hard for a max, hard/used for a min), 0..1. */
export function softMark(row: LimitRowDto): number | null {
  if (row.soft === null) return null;
  const hard = Number(row.hard);
  const soft = Number(row.soft);
  if (!Number.isFinite(hard) || !Number.isFinite(soft)) return null;
  if (row.direction === 'max') return hard > 0 ? soft / hard : null;
  return soft > 0 ? hard / soft : null;
}

/** 'ok' below the soft level, 'soft' past it, 'hard' at or past the hard level. */
export function usageLevel(row: LimitRowDto): 'ok' | 'soft' | 'hard' | 'none' {
  if (!isNum(row.usage)) return 'none';
  if (row.usage >= 1) return 'hard';
  const mark = softMark(row);
  if (mark !== null && row.usage >= mark) return 'soft';
  return 'ok';
}

export function pct(v: number | null | undefined, d = 1): string {
  return isNum(v) ? `${(v * 100).toFixed(d)}%` : DASH;
}

/** Age of a timestamp: "12 s", "4 min", "3 h 5 min", "2 d". */
export function fmtAge(ms: number | null | undefined, now: number): string {
  if (!isNum(ms)) return DASH;
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d`;
}

/** Diverging colour of a correlation in [-1, 1]: blue negative, neutral 0, red positive. */
export function corrColor(v: number): string {
  const a = Math.min(1, Math.abs(v));
  return v >= 0 ? `rgba(246, 70, 93, ${(0.08 + 0.62 * a).toFixed(3)})` : `rgba(76, 154, 255, ${(0.08 + 0.62 * a).toFixed(3)})`;
}

export const MODE_HINT: Record<string, string> = {
  ACTIVE: 'every order the limits allow passes',
  REDUCING: 'only orders that reduce a position pass; cancels always pass',
  HALTED: 'nothing new passes; only cancels',
};
