import type { PortfolioConfigureInput, PortfolioSettingsDto } from '../../../../src/contract/api/portfolio.ts';

/** The construction settings form: settings ↔ the text the operator edits (percent fields in percent; empty optional = none). */

export interface Form {
  method: PortfolioSettingsDto['method'];
  maxWeight: string;
  minWeight: string;
  cashBuffer: string;
  stayClose: string;
  sizing: PortfolioSettingsDto['sizing'];
  driftThreshold: string;
  turnoverCap: string;
  maxTradeWeight: string;
  minTradeValue: string;
  cadence: PortfolioSettingsDto['rebalance']['cadence'];
}

export const pctText = (f: number | null): string => (f === null ? '' : String(Math.round(f * 1e6) / 1e4));

export function formOf(s: PortfolioSettingsDto): Form {
  return {
    method: s.method,
    maxWeight: pctText(s.constraints.maxWeight),
    minWeight: pctText(s.constraints.minWeight),
    cashBuffer: pctText(s.constraints.cashBuffer),
    stayClose: String(s.constraints.stayClose),
    sizing: s.sizing,
    driftThreshold: pctText(s.rebalance.driftThreshold),
    turnoverCap: pctText(s.rebalance.turnoverCap),
    maxTradeWeight: pctText(s.rebalance.maxTradeWeight),
    minTradeValue: s.rebalance.minTradeValue === null ? '' : String(s.rebalance.minTradeValue),
    cadence: s.rebalance.cadence,
  };
}

/** The form as a configure request; a field that does not parse is named in the error. */
export function inputOf(f: Form): PortfolioConfigureInput | string {
  const num = (label: string, v: string, scale: number, optional: boolean): number | null | string => {
    if (v.trim() === '') return optional ? null : `${label} is required`;
    const n = Number(v);
    return Number.isFinite(n) ? n / scale : `${label}: ${v} is not a number`;
  };
  const fields = {
    maxWeight: num('Max weight', f.maxWeight, 100, true),
    minWeight: num('Min weight', f.minWeight, 100, false),
    cashBuffer: num('Cash buffer', f.cashBuffer, 100, false),
    stayClose: num('Stay close', f.stayClose, 1, false),
    driftThreshold: num('Drift threshold', f.driftThreshold, 100, false),
    turnoverCap: num('Turnover cap', f.turnoverCap, 100, true),
    maxTradeWeight: num('Max trade', f.maxTradeWeight, 100, false),
    minTradeValue: num('Min trade', f.minTradeValue, 1, true),
  };
  for (const v of Object.values(fields)) if (typeof v === 'string') return v;
  const n = fields as Record<keyof typeof fields, number | null>;
  return {
    method: f.method,
    sizing: f.sizing,
    constraints: { maxWeight: n.maxWeight, minWeight: n.minWeight!, cashBuffer: n.cashBuffer!, stayClose: n.stayClose! },
    rebalance: { driftThreshold: n.driftThreshold!, turnoverCap: n.turnoverCap, maxTradeWeight: n.maxTradeWeight!, minTradeValue: n.minTradeValue, cadence: f.cadence },
  };
}
