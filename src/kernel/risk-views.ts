import type {
  BreakerEventDto,
  LimitAuditDto,
  LimitRowDto,
  LimitsDto,
  RiskCheckDto,
  RiskStatusDto,
  StateTransitionDto,
  TradingStateDto,
} from '../contract/risk-dto.ts';
import type { Urgency } from '../core/enums.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { BreakerEvent } from '../risk/circuit-breakers.ts';
import type { LossView } from '../risk/drawdown.ts';
import { LIMIT_DEFS, LIMIT_NAMES, PCT_ONE_HUNDRED, RATIO_ONE, UNIT_DECIMALS, compareLimitEntries, formatLimitValue, groupMembers, scopeKey } from '../risk/limits.ts';
import type { LimitBook, LimitEntry, LimitLevels } from '../risk/limits.ts';
import type { LimitAuditEntry } from '../risk/ports.ts';
import { exposureOf, grossExposure, netExposure } from '../risk/projected-state.ts';
import type { ProjectedState } from '../risk/projected-state.ts';
import type { RiskDecision, RiskGateConfig } from '../risk/risk-gate.ts';
import type { RiskService } from '../risk/risk-service.ts';
import type { StateCause, StateTransition } from '../risk/trading-state.ts';

/**
 * L1 as the contract shows it: decisions, the trading state, breaker events, the status panel,
 * the limit audit and the limits with their usage. Pure mappings from the risk service's state.
 */

const num = (units: bigint, decimals: number): number => Number(units) / 10 ** decimals;

/** JSON has no Infinity: a limit with a hard level of 0 and something used reports this usage. */
const USAGE_CAP = 999;

export function checkDto(d: RiskDecision): RiskCheckDto {
  return {
    verdict: d.verdict,
    code: d.code,
    message: d.message,
    breaches: d.breaches.map((b) => ({ code: b.code, level: b.level, check: b.check, limit: b.limit, scope: b.scope, observed: b.observed, threshold: b.threshold, factor: b.factor, message: b.message })),
    confirmable: d.confirmable,
    confirmed: d.confirmed,
    reducing: d.reducing,
    tier: d.strictness.tier,
    volRegime: d.strictness.vol.regime,
    volRatio: d.strictness.vol.ratio,
    checked: [...d.checked],
    deferred: [...d.deferred],
  };
}

export function stateCauseDto(c: StateCause): TradingStateDto['cause'] {
  return c.actor !== undefined ? { source: c.source, code: c.code, message: c.message, actor: c.actor } : { source: c.source, code: c.code, message: c.message };
}

export function transitionDto(t: StateTransition): StateTransitionDto {
  return { seq: t.seq, from: t.from, to: t.to, at: t.at, cause: stateCauseDto(t.cause)!, killSwitch: t.killSwitch };
}

export function breakerEventDto(e: BreakerEvent): BreakerEventDto {
  const a = e.action;
  const action = a.kind === 'trading_state' ? a.to : a.kind === 'block_symbol' ? `block ${a.symbol} until ${new Date(a.until).toISOString()}` : a.kind === 'unblock_symbol' ? `unblock ${a.symbol}` : 'none';
  const out: BreakerEventDto = { breaker: e.breaker, type: e.type, at: e.at, code: e.code, cause: e.cause, action };
  if (e.symbol !== undefined) out.symbol = e.symbol;
  return out;
}

export function riskStatusDto(service: RiskService, gate: RiskGateConfig, state: TradingStateDto): RiskStatusDto {
  const s = service.status();
  const dec = CASH_DECIMALS;
  const pct = UNIT_DECIMALS.pct;
  const tiers = gate.tiers;
  return {
    state: state,
    breakers: s.breakers.map((b) => ({ ...b, symbols: b.symbols?.map((x) => ({ ...x })), thresholds: { ...b.thresholds } })),
    blocked: s.blocked,
    loss: s.loss
      ? {
          equity: num(s.loss.equityUnits, dec),
          dayStartEquity: num(s.loss.dayStartEquityUnits, dec),
          dayPnl: num(s.loss.dayPnlUnits, dec),
          dailyLoss: num(s.loss.dailyLossUnits, dec),
          drawdownPct: { daily: num(s.loss.drawdownPct.daily, pct), weekly: num(s.loss.drawdownPct.weekly, pct), monthly: num(s.loss.drawdownPct.monthly, pct) },
        }
      : null,
    tiers: (Object.keys(tiers.byUrgency) as Urgency[]).map((u) => {
      const t = tiers.byUrgency[u];
      return { urgency: u, name: t.name, deferred: [...t.deferred], factors: { ...t.factors } as Record<string, number>, description: t.description };
    }),
    volatilityScaling: { highRatio: tiers.volatility.highRatio, minFactor: tiers.volatility.minFactor, appliesTo: [...tiers.volatility.appliesTo] },
    softPolicy: { ...gate.softPolicy },
  };
}

export function limitAuditDto(e: LimitAuditEntry): LimitAuditDto {
  const c = e.change;
  const base = { seq: e.seq, at: e.at, actor: e.actor, source: e.source, reason: e.reason };
  if (c.kind === 'group') return { ...base, name: `group:${c.group}`, scope: `group:${c.group}`, before: c.before ? c.before.join(',') : null, after: c.after ? c.after.join(',') : null };
  const text = (l: LimitLevels | null): string | null => (l ? `${formatLimitValue(c.name, l.hard)}${l.soft !== null ? ` (soft ${formatLimitValue(c.name, l.soft)})` : ''}` : null);
  return { ...base, name: c.name, scope: scopeKey(c.scope), before: text(c.before), after: text(c.after) };
}

/** Limits with what each one measures now (usage), for the panel and the CLI. */
export function limitsDto(service: RiskService, symbols: readonly string[], now: number): LimitsDto {
  const book = service.limits;
  const state = service.projectedState();
  const loss = service.status().loss ?? undefined;
  const limits: LimitRowDto[] = [...book.entries].sort(compareLimitEntries).map((e) => {
    const def = LIMIT_DEFS[e.name];
    const dec = UNIT_DECIMALS[def.unit];
    const used = usedUnits(service, symbols, e, book, state, now, loss);
    const hard = num(e.hard, dec);
    const usedNum = used === null ? null : num(used, dec);
    const usage = usedNum === null ? null : def.direction === 'max' ? (hard > 0 ? usedNum / hard : usedNum > 0 ? Infinity : 0) : usedNum > 0 ? hard / usedNum : null;
    return {
      name: e.name,
      label: def.label,
      unit: def.unit,
      direction: def.direction,
      check: def.check,
      scope: scopeKey(e.scope),
      hard: formatLimitValue(e.name, e.hard),
      soft: e.soft === null ? null : formatLimitValue(e.name, e.soft),
      used: usedNum,
      usage: usage === null ? null : Math.min(usage, USAGE_CAP),
      description: def.description,
    };
  });
  // A null-prototype record: a group named `__proto__` stays an ordinary key on its way to JSON.
  const groups = Object.create(null) as Record<string, string[]>;
  for (const [g, members] of Object.entries(book.groups)) groups[g] = [...members];
  return {
    limits,
    groups,
    catalogue: LIMIT_NAMES.map((n) => {
      const d = LIMIT_DEFS[n];
      return { name: n, label: d.label, unit: d.unit, direction: d.direction, scopes: [...d.scopes], description: d.description };
    }),
  };
}

/** The current value a limit measures, in its units; null for order-level limits (they measure an order). */
function usedUnits(service: RiskService, symbols: readonly string[], e: LimitEntry, book: LimitBook, state: ProjectedState, now: number, loss: LossView | undefined): bigint | null {
  const nav = state.navUnits;
  const pctOfNav = (v: bigint): bigint | null => (nav > 0n ? (v * PCT_ONE_HUNDRED) / nav : null);
  const members = (): string[] | undefined => (e.scope.kind === 'group' ? [...(groupMembers(book, e.scope.group) ?? [])] : undefined);
  const maxPosition = (): bigint => {
    if (e.scope.kind === 'symbol') return exposureOf(state, e.scope.symbol).grossValueUnits;
    let m = 0n;
    for (const [sym, x] of state.symbols) {
      // A symbol with its own entry is governed by it, not by the global one.
      if (book.entries.some((o) => o.name === e.name && o.scope.kind === 'symbol' && o.scope.symbol === sym)) continue;
      if (x.grossValueUnits > m) m = x.grossValueUnits;
    }
    return m;
  };
  const abs = (v: bigint): bigint => (v < 0n ? -v : v);
  switch (e.name) {
    case 'max_position_pct_nav':
      return pctOfNav(maxPosition());
    case 'max_position_notional':
      return maxPosition();
    case 'max_gross_exposure_pct_nav':
      return pctOfNav(grossExposure(state, members()));
    case 'max_gross_exposure':
      return grossExposure(state, members());
    case 'max_net_exposure_pct_nav':
      return pctOfNav(abs(netExposure(state, members())));
    case 'max_net_exposure':
      return abs(netExposure(state, members()));
    case 'max_leverage':
      return nav > 0n ? (grossExposure(state) * RATIO_ONE) / nav : null;
    case 'min_cash_buffer':
      return state.projectedCashUnits;
    case 'max_orders_per_minute':
    case 'max_orders_per_hour': {
      const sym = e.scope.kind === 'symbol' ? e.scope.symbol : (symbols[0] ?? '');
      const r = service.orderRates(sym, now);
      const perMin = e.name === 'max_orders_per_minute';
      return BigInt(e.scope.kind === 'symbol' ? (perMin ? r.symbolMinute : r.symbolHour) : perMin ? r.minute : r.hour);
    }
    case 'max_daily_loss':
      return loss ? loss.dailyLossUnits : 0n;
    case 'max_drawdown_daily_pct':
    case 'max_drawdown_weekly_pct':
    case 'max_drawdown_monthly_pct': {
      if (!loss) return 0n;
      const p = e.name === 'max_drawdown_daily_pct' ? 'daily' : e.name === 'max_drawdown_weekly_pct' ? 'weekly' : 'monthly';
      return loss.drawdownPct[p];
    }
    default:
      return null;
  }
}
