import { portfolioConfigureSchema } from '../contract/api/portfolio.ts';
import type { PortfolioConfigureInput, PortfolioSettingsDto } from '../contract/api/portfolio.ts';
import { DomainError } from '../core/errors.ts';
import type { PortfolioOptions } from './l2-portfolio.ts';

/**
 * The live book's portfolio-construction settings: defaults, validation, and what the rebalancer
 * and sizing are handed. The defaults come from the engine's PortfolioOptions, so a session that
 * never configures anything builds exactly the targets it built before settings existed.
 */

/** Methods that take an optimiser's turnover penalty (the QP objective is a variance it can add to). */
const STAY_CLOSE_METHODS = new Set(['min-volatility']);

export function defaultSettings(o: PortfolioOptions): PortfolioSettingsDto {
  return {
    method: 'signal-weighted',
    lookbackDays: 252,
    riskFreeRate: 0,
    constraints: { minWeight: 0, maxWeight: null, cashBuffer: o.cashBuffer, groups: {}, groupCaps: {}, stayClose: 0 },
    sizing: 'dynamic',
    rebalance: { minTradeValue: null, driftThreshold: o.driftThreshold, turnoverCap: null, maxTradeWeight: o.maxTradeWeight, cadence: 'on-drift' },
  };
}

/** `base` with the fields of `change` laid over it (records such as groups are replaced whole). */
export function mergeSettings(base: PortfolioSettingsDto, change: PortfolioConfigureInput): PortfolioSettingsDto {
  const pick = <T extends object>(b: T, c: Partial<T> | undefined): T => {
    const out = { ...b };
    if (c) for (const [k, v] of Object.entries(c)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    return out;
  };
  return {
    method: change.method ?? base.method,
    lookbackDays: change.lookbackDays ?? base.lookbackDays,
    riskFreeRate: change.riskFreeRate ?? base.riskFreeRate,
    constraints: pick(base.constraints, change.constraints),
    sizing: change.sizing ?? base.sizing,
    rebalance: pick(base.rebalance, change.rebalance),
  };
}

/**
 * Refuses settings that cannot work, with a sentence: BAD_PARAM for a combination that makes no
 * sense, INFEASIBLE for bounds no book can meet. What depends on the instruments a cycle targets
 * (n × min weight above the invested total) is found at cycle time and reported on the batch.
 */
export function validateSettings(s: PortfolioSettingsDto, known: (symbol: string) => boolean): void {
  const c = s.constraints;
  const bad = (m: string): never => {
    throw new DomainError('BAD_PARAM', m);
  };
  const infeasible = (m: string): never => {
    throw new DomainError('INFEASIBLE', m);
  };
  if (c.maxWeight !== null && c.minWeight > c.maxWeight) infeasible(`min weight ${c.minWeight} is above max weight ${c.maxWeight}: no weight can meet both`);
  if (c.minWeight > 1 - c.cashBuffer) infeasible(`min weight ${c.minWeight} is above what the ${c.cashBuffer} cash buffer leaves to invest (${1 - c.cashBuffer})`);
  if (s.method === 'signal-weighted' && c.minWeight > 0) bad('signal-weighted takes the signals\u2019 targets as they are; a min weight needs an optimiser method (equal, inverse-vol, risk-parity, hrp, min-volatility, max-sharpe)');
  if (c.stayClose > 0 && !STAY_CLOSE_METHODS.has(s.method)) bad(`the stay-close turnover penalty acts in the min-volatility optimiser only, not with ${s.method}; use the rebalancer's drift threshold or turnover cap instead`);
  for (const sym of Object.keys(c.groups)) if (!known(sym)) bad(`group of ${sym}: no such instrument`);
  const groups = new Set(Object.values(c.groups));
  for (const g of Object.keys(c.groupCaps)) if (!groups.has(g)) bad(`cap of group ${g}: no instrument is in that group (set constraints.groups first)`);
  const r = s.rebalance;
  if (r.turnoverCap !== null && r.turnoverCap < r.driftThreshold) bad(`turnover cap ${r.turnoverCap} is below the drift threshold ${r.driftThreshold}: no trade large enough to be made could ever pass it`);
}

/** Settings journaled by an earlier session, validated again; undefined when absent or no longer valid (the reason is returned). */
export function loadSettings(saved: unknown, defaults: PortfolioSettingsDto, known: (symbol: string) => boolean): { settings: PortfolioSettingsDto; refused: string | null } {
  if (saved === undefined) return { settings: defaults, refused: null };
  const parsed = portfolioConfigureSchema.safeParse(saved);
  if (!parsed.success) return { settings: defaults, refused: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const s = mergeSettings(defaults, parsed.data);
  try {
    validateSettings(s, known);
  } catch (err) {
    return { settings: defaults, refused: err instanceof Error ? err.message : String(err) };
  }
  return { settings: s, refused: null };
}
