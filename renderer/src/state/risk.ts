import type {
  BreakerEventDto,
  Client,
  LimitsDto,
  ParamsIn,
  RiskFlagDto,
  RiskMetricsDto,
  RiskStatusDto,
  RiskUsageDto,
  StateTransitionDto,
  TradingModeDto,
  TradingStateDto,
} from '../../../src/contract/index.ts';
import { call } from './client.ts';
import { PAYLOAD_KEYS, conformList, hasKeys } from './slice.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import type { State } from './store.ts';
import { errorText, settle, toast } from './toasts.ts';

/**
 * L1 risk (trading state, limits, breakers) and the PMS view (flags, metrics). Everything is applied
 * from its pushed event, limit usage and the loss view included (`risk.usage`, which the engine
 * pushes when they change, throttled): nothing is polled. A risk view coming on screen reads once.
 */

export const BREAKER_LOG_CAP = 200;
export const STATE_LOG_CAP = 100;
/** NAV points kept for the drawdown chart (the full history comes from risk.metrics). */
const NAV_POINTS_CAP = 2000;

export interface RiskSlice {
  /** L1 trading state (ACTIVE / REDUCING / HALTED); null until loaded. */
  tradingState: TradingStateDto | null;
  riskStatus: RiskStatusDto | null;
  riskLimits: LimitsDto | null;
  /** Bumped whenever riskLimits is replaced (what-if asks again). */
  limitsRev: number;
  riskFlags: RiskFlagDto[];
  riskMetrics: RiskMetricsDto | null;
  /** Breaker trips and resets, newest first. */
  breakerLog: BreakerEventDto[];
  /** Trading-state transitions, newest first. */
  stateLog: StateTransitionDto[];
  /** The resume confirmation dialog is open. */
  resumeOpen: boolean;
  /** A kill switch request is in flight. */
  killBusy: boolean;
}

export function riskInitial(): RiskSlice {
  return {
    tradingState: null,
    riskStatus: null,
    riskLimits: null,
    limitsRev: 0,
    riskFlags: [],
    riskMetrics: null,
    breakerLog: [],
    stateLog: [],
    resumeOpen: false,
    killBusy: false,
  };
}

const isState = (x: unknown): x is TradingStateDto => hasKeys<TradingStateDto>(x, PAYLOAD_KEYS['risk.state']);

function applyTradingState(st: TradingStateDto): void {
  set((s) => ({ tradingState: st, riskStatus: s.riskStatus ? { ...s.riskStatus, state: st } : s.riskStatus }));
}

function onRiskState(d: TradingStateDto): void {
  const prev = get().tradingState;
  applyTradingState(d);
  const check = d.killSwitchCheck ?? null;
  if (check && check.status !== 'verifying' && prev?.killSwitchCheck?.status === 'verifying') {
    if (check.status === 'confirmed') toast('info', 'Kill switch: every cancel confirmed by the venue');
    else toast('error', `Kill switch: ${check.pending.length} order(s) still open after ${check.rounds} checks: ${check.pending.join(', ')}`);
  }
  if (prev && prev.mode !== d.mode) {
    const why = d.cause ? ` (${d.cause.code}${d.cause.message ? `: ${d.cause.message}` : ''})` : '';
    toast(d.mode === 'ACTIVE' ? 'info' : 'warn', `Trading state ${prev.mode} → ${d.mode}${why}`);
  }
  // The log and the breakers' view follow the state; both are small.
  void refreshStateLog();
  void refreshRiskStatus();
}

function onRiskBreaker(d: BreakerEventDto): void {
  set((s) => ({ breakerLog: [d, ...s.breakerLog].slice(0, BREAKER_LOG_CAP) }));
  if (d.type === 'trip') toast('warn', `Circuit breaker ${d.breaker} tripped: ${d.code} — ${d.cause}${d.action && d.action !== 'none' ? ` (${d.action})` : ''}`);
  void refreshRiskStatus();
}

function onRiskFlags(d: RiskFlagDto[]): void {
  set({ riskFlags: d });
}

/** A pushed cycle has no NAV history: extend the one we have with its point instead. */
export function mergeMetrics(prev: RiskMetricsDto | null, next: RiskMetricsDto): RiskMetricsDto {
  if (Array.isArray(next.navHistory) && next.navHistory.length > 0) return next;
  const hist = prev?.navHistory ?? [];
  const last = hist[hist.length - 1];
  const point = { time: next.ts, nav: next.nav, drawdown: next.drawdown.current };
  const navHistory = last && last.time >= next.ts ? hist : [...hist, point].slice(-NAV_POINTS_CAP);
  return { ...next, navHistory };
}

function onRiskMetrics(d: RiskMetricsDto): void {
  const cur = get().riskMetrics;
  if (cur && d.ts < cur.ts) return;
  set({ riskMetrics: mergeMetrics(cur, d) });
}

function onRiskLimits(d: LimitsDto): void {
  set((s) => ({ riskLimits: d, limitsRev: s.limitsRev + 1 }));
}

/** Limit usage and the loss view moved (pushed by the engine when they change, throttled). */
function onRiskUsage(d: RiskUsageDto): void {
  if (hasKeys<LimitsDto>(d.limits, PAYLOAD_KEYS['risk.limits'])) onRiskLimits(d.limits);
  if (hasKeys<RiskStatusDto>(d.status, ['breakers']) && isState(d.status.state)) set({ riskStatus: d.status, tradingState: d.status.state });
}

/**
 * A risk view came on screen: read once what it shows (a view opened late may hold a stale
 * snapshot); from then on the pushed events keep it current. Returns the cleanup for a React effect.
 */
export function watchRisk(): () => void {
  void refreshRiskStatus();
  void refreshLimits();
  void refreshStateLog();
  void refreshMetrics();
  return () => undefined;
}

/** Quiet refreshers: failures leave the last good view. */
export async function refreshRiskStatus(): Promise<void> {
  try {
    const st = await call('risk.status', {});
    if (st && isState(st.state)) set({ riskStatus: st, tradingState: st.state });
  } catch {
    // Shown as stale by the panel's timestamp; the next refresh retries.
  }
}

export async function refreshLimits(): Promise<void> {
  try {
    const l = await call('risk.limits.get', {});
    if (hasKeys<LimitsDto>(l, PAYLOAD_KEYS['risk.limits'])) onRiskLimits(l);
  } catch {
    // As above.
  }
}

export async function refreshMetrics(): Promise<void> {
  try {
    const m = await call('risk.metrics', {});
    if (hasKeys<RiskMetricsDto>(m, PAYLOAD_KEYS['risk.metrics'])) set((s) => ({ riskMetrics: s.riskMetrics && s.riskMetrics.ts > m.ts ? mergeMetrics(m, s.riskMetrics) : m }));
  } catch {
    // As above.
  }
}

export async function refreshStateLog(): Promise<void> {
  try {
    const log = await call('risk.state.log', { limit: STATE_LOG_CAP });
    if (Array.isArray(log)) set({ stateLog: [...log].sort((a, b) => b.seq - a.seq) });
  } catch {
    // As above.
  }
}

async function load(c: Client, current: () => boolean): Promise<void> {
  const quiet = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
  const [status, limits, flags, metrics, breakers, states] = await Promise.all([
    settle(c.call('risk.status', {}), 'risk status'),
    settle(c.call('risk.limits.get', {}), 'risk limits'),
    quiet(c.call('risk.flags', {})),
    quiet(c.call('risk.metrics', {})),
    quiet(c.call('risk.breakers.log', { limit: BREAKER_LOG_CAP })),
    quiet(c.call('risk.state.log', { limit: STATE_LOG_CAP })),
  ]);
  if (!current()) return;
  const next: Partial<State> = {};
  if (status && isState(status.state)) {
    next.riskStatus = status;
    next.tradingState = status.state;
  }
  if (hasKeys<LimitsDto>(limits, PAYLOAD_KEYS['risk.limits'])) next.riskLimits = limits;
  if (Array.isArray(flags)) next.riskFlags = conformList('risk.flags', flags);
  if (hasKeys<RiskMetricsDto>(metrics, PAYLOAD_KEYS['risk.metrics'])) next.riskMetrics = mergeMetrics(null, metrics);
  if (Array.isArray(breakers)) next.breakerLog = conformList('risk.breaker', breakers).sort((a, b) => b.at - a.at);
  if (Array.isArray(states)) next.stateLog = [...states].sort((a, b) => b.seq - a.seq);
  set((s) => ({ ...next, limitsRev: next.riskLimits ? s.limitsRev + 1 : s.limitsRev }));
}

export const riskSlice: SliceDef = {
  name: 'risk',
  events: {
    'risk.state': onRiskState,
    'risk.breaker': onRiskBreaker,
    'risk.flags': onRiskFlags,
    'risk.metrics': onRiskMetrics,
    'risk.limits': onRiskLimits,
    'risk.usage': onRiskUsage,
  },
  load,
  reset: () => set({ riskMetrics: null, breakerLog: [], stateLog: [] }),
};

// ---------------------------------------------------------------------------------------------
// Actions.

/** One click: HALTED, and every working order and algo cancelled by the engine. */
export async function pressKillSwitch(reason = 'Kill switch pressed in the terminal'): Promise<void> {
  if (get().killBusy) return;
  set({ killBusy: true });
  try {
    const res = await call('risk.killSwitch', { reason });
    if (res && isState(res.state)) applyTradingState(res.state);
    const n = Array.isArray(res?.cancelled) ? res.cancelled.length : 0;
    toast('warn', `Kill switch: trading HALTED, cancel requested for ${n} order${n === 1 ? '' : 's'}; verifying with the venue`);
    void refreshStateLog();
  } catch (err) {
    const e = errorText(err);
    toast('error', `Kill switch failed: ${e.code} — ${e.message}`);
  } finally {
    set({ killBusy: false });
  }
}

/**
 * Tightens at once (ACTIVE → REDUCING → HALTED); a resume must quote the engine's resume token.
 * Throws the engine's refusal (STATE_REJECTED with its reason in issues) for the caller to show.
 */
export async function setTradingMode(mode: TradingModeDto, reason: string | undefined, confirm?: string): Promise<TradingStateDto> {
  const params: ParamsIn<'risk.state.set'> = { mode };
  if (reason) params.reason = reason;
  if (confirm !== undefined) params.confirm = confirm;
  const st = await call('risk.state.set', params);
  if (isState(st)) applyTradingState(st);
  void refreshStateLog();
  return st;
}

/** Splits a limit row's scope ('global', 'symbol:BTC/USDT', 'group:crypto') into set/unset params. */
export function scopeParams(scope: string): { symbol?: string; group?: string } {
  if (scope.startsWith('symbol:')) return { symbol: scope.slice('symbol:'.length) };
  if (scope.startsWith('group:')) return { group: scope.slice('group:'.length) };
  return {};
}

/** Throws the engine's refusal (LIMIT_REJECTED, its code in issues[0].path) for the editor to show. */
export async function setLimit(params: ParamsIn<'risk.limits.set'>): Promise<LimitsDto> {
  const res = await call('risk.limits.set', params);
  if (hasKeys<LimitsDto>(res, PAYLOAD_KEYS['risk.limits'])) onRiskLimits(res);
  return res;
}

export function setResumeOpen(open: boolean): void {
  set({ resumeOpen: open });
}

/** The order-notional limit that applies to a symbol (its own entry, else the global one). */
export function orderNotionalLimit(limits: LimitsDto | null, symbol: string | null): { hard: number; soft: number | null } | null {
  if (!limits) return null;
  const rows = limits.limits.filter((r) => r.name === 'max_order_notional');
  const row = rows.find((r) => symbol !== null && r.scope === `symbol:${symbol}`) ?? rows.find((r) => r.scope === 'global');
  if (!row) return null;
  const hard = Number(row.hard);
  const soft = row.soft === null ? null : Number(row.soft);
  return Number.isFinite(hard) ? { hard, soft: soft !== null && Number.isFinite(soft) ? soft : null } : null;
}
