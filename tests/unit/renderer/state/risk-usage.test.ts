import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, createMemoryPair, serveEndpoint } from '../../../../src/contract/index.ts';
import type { EventFeed, EventName, Handlers, LimitsDto, RiskStatusDto, SessionInfoDto, TradingStateDto } from '../../../../src/contract/index.ts';
import { SLICES, attach, detach, useStore, watchRisk } from '../../../../renderer/src/state/index.ts';
import { initialState } from '../../../../renderer/src/state/store.ts';

/**
 * The risk slice takes limit usage and the loss view from the engine's `risk.usage` push: the Risk
 * screen used to re-ask risk.status and risk.limits.get on every account move (every 5 s while a
 * position was held). Against a fake engine on the in-memory contract pair.
 */

const state: TradingStateDto = { mode: 'ACTIVE', since: null, cause: null } as TradingStateDto;
const limits = (used: number): LimitsDto => ({
  limits: [{ name: 'max_gross_exposure', label: 'Gross', unit: 'money', direction: 'max', check: 'c', scope: 'global', hard: '1000', soft: null, used, usage: used / 1000, description: '' }],
  groups: {},
  catalogue: [],
});
const status = (dayPnl: number): RiskStatusDto =>
  ({ state, breakers: [], blocked: [], loss: { equity: 1000 + dayPnl, dayStartEquity: 1000, dayPnl, dailyLoss: 0, drawdownPct: { daily: 0, weekly: 0, monthly: 0 } }, tiers: [], volatilityScaling: { highRatio: 2, minFactor: 0.5, appliesTo: [] }, softPolicy: {} }) as unknown as RiskStatusDto;

function fakeEngine() {
  const [a, b] = createMemoryPair();
  const listeners = new Set<(event: EventName, data: never) => void>();
  const feed: EventFeed = {
    subscribe(l) {
      listeners.add(l as (event: EventName, data: never) => void);
      return () => listeners.delete(l as (event: EventName, data: never) => void);
    },
  };
  const calls: string[] = [];
  const session: SessionInfoDto = { version: 't', mode: 'paper', venue: 'sim', startedAt: 1000, serverTime: 1000, currency: 'USDT', instruments: [], clock: { serverTime: 1000, mode: 'paper', speed: 1, paused: false } };
  const handlers: Partial<Handlers> = {
    'session.info': () => session,
    'risk.status': () => status(0),
    'risk.limits.get': () => limits(0),
    'risk.flags': () => [],
    'risk.state.log': () => [],
  };
  const counted = new Proxy(handlers, {
    get(target, method: string) {
      const h = target[method as keyof Handlers];
      return (p: never) => {
        calls.push(method);
        if (!h) throw new Error(`${method} not faked`);
        return (h as (p: never) => unknown)(p);
      };
    },
  }) as Handlers;
  serveEndpoint(a, counted, feed);
  return { client: createClient(b), calls, emit: (event: EventName, data: unknown) => listeners.forEach((l) => l(event, data as never)) };
}

beforeEach(() => {
  for (const s of SLICES) s.reset?.();
  useStore.setState(initialState(), true);
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  detach();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('risk slice: pushed limit usage, no poll', () => {
  it('when the engine pushes risk.usage then limit usage and the loss view are applied from it', async () => {
    const eng = fakeEngine();
    attach(eng.client);
    await vi.waitFor(() => expect(useStore.getState().riskLimits?.limits[0]?.used).toBe(0));
    const rev = useStore.getState().limitsRev;
    eng.emit('risk.usage', { at: 5_000, limits: limits(420), status: status(-37) });
    await vi.waitFor(() => expect(useStore.getState().riskLimits?.limits[0]?.used).toBe(420));
    expect(useStore.getState().riskLimits?.limits[0]?.usage).toBeCloseTo(0.42);
    expect(useStore.getState().riskStatus?.loss?.dayPnl).toBe(-37);
    expect(useStore.getState().limitsRev).toBe(rev + 1);
    // A malformed push is dropped; the last good view stays.
    eng.emit('risk.usage', { at: 6_000, limits: { nope: 1 }, status: 'x' });
    await Promise.resolve();
    expect(useStore.getState().riskLimits?.limits[0]?.used).toBe(420);
  });

  it('when a risk view is on screen and the account moves for a minute then risk.status and risk.limits.get are not asked again', async () => {
    const eng = fakeEngine();
    attach(eng.client);
    await vi.waitFor(() => expect(useStore.getState().riskStatus).not.toBeNull());
    const unwatch = watchRisk();
    await vi.waitFor(() => expect(eng.calls.filter((c) => c === 'risk.status').length).toBe(2));
    const asked = () => eng.calls.filter((c) => c === 'risk.status' || c === 'risk.limits.get').length;
    const before = asked();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    for (let s = 0; s < 60; s++) {
      eng.emit('account.updated', { currency: 'USDT', initialCash: 1000, cash: 900, reservedCash: 0, equity: 1000 + s, marketValue: 100 + s, realizedPnl: 0, unrealizedPnl: s, fees: 0, ts: s * 1000 });
      eng.emit('position.updated', { symbol: 'BTC/USDT', qty: 1, avgPrice: 100, costBasis: 100, markPrice: 100 + s, marketValue: 100 + s, realizedPnl: 0, unrealizedPnl: s, fees: 0 });
      await vi.advanceTimersByTimeAsync(1_000);
    }
    vi.useRealTimers();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked()).toBe(before);
    unwatch();
  });
});
