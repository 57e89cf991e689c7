import type { Side } from '../../../src/contract/dto.ts';
import type { Instrument } from '../../../src/core/instrument.ts';
import { NO_LOSS } from '../../../src/risk/drawdown.ts';
import type { LossView } from '../../../src/risk/drawdown.ts';
import { EMPTY_LIMIT_BOOK, LIMIT_DEFS, UNIT_DECIMALS } from '../../../src/risk/limits.ts';
import type { LimitBook, LimitEntry, LimitName, LimitScope } from '../../../src/risk/limits.ts';
import { NO_ORDERS } from '../../../src/risk/order-rate.ts';
import { buildProjectedState } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, PositionView, ProjectedState, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import type { RiskInputs, RiskOrder } from '../../../src/risk/risk-gate.ts';
import { toUnits } from '../../../src/core/precision.ts';
import { cash, px, qty, testInstrument } from '../../fixtures/engine/instruments.ts';

export { cash, px, qty };

/** BTC/USD: tick 0.01, lot 0.001, taker 5 bps. ETH/USD: tick 0.05, lot 0.01. ACME: lot 1. */
export const BTC = testInstrument('BTC/USD');
export const ETH = testInstrument('ETH/USD');
export const ACME = testInstrument('ACME');
const BY_SYMBOL = new Map<string, Instrument>([BTC, ETH, ACME].map((i) => [i.symbol, i]));
export const instrumentOf = (s: string): Instrument | undefined => BY_SYMBOL.get(s);

export function inst(symbol: string): Instrument {
  const i = BY_SYMBOL.get(symbol);
  if (!i) throw new Error(`no test instrument ${symbol}`);
  return i;
}

/** A limit entry from decimal text. */
export function lim(name: LimitName, hard: string, soft: string | null = null, scope: LimitScope = { kind: 'global' }): LimitEntry {
  const d = UNIT_DECIMALS[LIMIT_DEFS[name].unit];
  return { name, scope, hard: toUnits(hard, d), soft: soft === null ? null : toUnits(soft, d) };
}

export function bookOf(entries: LimitEntry[], groups: Record<string, string[]> = {}): LimitBook {
  return { entries, groups };
}

export interface StateSpec {
  cash?: string;
  /** symbol → decimal quantity */
  positions?: Record<string, string>;
  working?: { id?: string; symbol: string; side: Side; qty: string; price?: string | null; parentId?: string | null }[];
  parents?: { id: string; symbol: string; side: Side; unplaced: string; limit?: string | null }[];
  /** symbol → decimal reference price */
  prices?: Record<string, string>;
}

export const DEFAULT_PRICES: Record<string, string> = { 'BTC/USD': '100', 'ETH/USD': '50', ACME: '10' };

export function stateOf(spec: StateSpec = {}): ProjectedState {
  const prices = spec.prices ?? DEFAULT_PRICES;
  const positions: PositionView[] = Object.entries(spec.positions ?? {}).map(([symbol, q]) => ({ symbol, qtyUnits: qty(inst(symbol), q) }));
  const working: WorkingOrderView[] = (spec.working ?? []).map((w, k) => ({
    id: w.id ?? `W${k}`,
    symbol: w.symbol,
    side: w.side,
    remainingUnits: qty(inst(w.symbol), w.qty),
    priceUnits: w.price === undefined || w.price === null ? null : px(inst(w.symbol), w.price),
    parentId: w.parentId ?? null,
  }));
  const parents: AlgoParentView[] = (spec.parents ?? []).map((p) => ({
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    unplacedUnits: qty(inst(p.symbol), p.unplaced),
    limitPriceUnits: p.limit === undefined || p.limit === null ? null : px(inst(p.symbol), p.limit),
  }));
  return buildProjectedState(
    {
      cashUnits: () => cash(spec.cash ?? '1000000'),
      positions: () => positions,
      workingOrders: () => working,
      algoParents: () => parents,
    },
    instrumentOf,
    (s) => (prices[s] !== undefined ? px(inst(s), prices[s]) : undefined),
  );
}

export function order(over: Partial<RiskOrder> & { qty?: string; price?: string | null } = {}): RiskOrder {
  const symbol = over.symbol ?? 'BTC/USD';
  const i = inst(symbol);
  const { qty: q, price, ...rest } = over;
  const type = over.type ?? 'limit';
  return {
    symbol,
    side: 'buy',
    type,
    qtyUnits: q !== undefined ? qty(i, q) : qty(i, '1'),
    limitPriceUnits: type === 'market' ? null : price === null ? null : px(i, price ?? '100'),
    urgency: 'medium',
    source: 'manual',
    kind: 'direct',
    ...rest,
  };
}

export function inputs(over: Partial<RiskInputs> = {}): RiskInputs {
  return {
    state: stateOf(),
    limits: EMPTY_LIMIT_BOOK,
    mode: 'ACTIVE',
    market: { refPriceUnits: px(BTC, '100'), bidUnits: px(BTC, '99.99'), askUnits: px(BTC, '100.01') },
    rates: NO_ORDERS,
    loss: NO_LOSS,
    ...over,
  };
}

export function lossOf(over: { dailyLoss?: string; daily?: string; weekly?: string; monthly?: string } = {}): LossView {
  const p = (s: string | undefined): bigint => toUnits(s ?? '0', UNIT_DECIMALS.pct);
  const dl = cash(over.dailyLoss ?? '0');
  return { equityUnits: cash('1000000') - dl, dayStartEquityUnits: cash('1000000'), dayPnlUnits: -dl, dailyLossUnits: dl, drawdownPct: { daily: p(over.daily), weekly: p(over.weekly), monthly: p(over.monthly) } };
}

export { MemoryRiskStore } from '../../../src/store/memory/risk-store.ts';
