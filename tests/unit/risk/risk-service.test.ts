import { describe, expect, it } from 'vitest';
import { GLOBAL, getEntry } from '../../../src/risk/limits.ts';
import type { PositionView } from '../../../src/risk/projected-state.ts';
import { RiskService } from '../../../src/risk/risk-service.ts';
import type { RiskServiceDeps } from '../../../src/risk/risk-service.ts';
import type { StateTransition } from '../../../src/risk/trading-state.ts';
import { BTC, MemoryRiskStore, bookOf, cash, instrumentOf, lim, order, px } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 7, 10, 0);
const op = { source: 'operator' as const, code: 'OPERATOR', message: 'test', actor: 'alice' };
const meta = (at = T0) => ({ at, actor: 'alice', source: 'cli', reason: null });

function service(store = new MemoryRiskStore(), over: Partial<RiskServiceDeps> = {}, now = T0) {
  const positions: PositionView[] = [];
  const changes: StateTransition[] = [];
  const svc = new RiskService(
    {
      store,
      instrumentOf,
      exposure: { cashUnits: () => cash('1000000'), positions: () => positions, workingOrders: () => [], algoParents: () => [] },
      market: { ref: (s) => (s === 'BTC/USD' ? px(BTC, '100') : undefined), bid: () => px(BTC, '99.99'), ask: () => px(BTC, '100.01') },
      defaults: bookOf([lim('max_order_notional', '2000', '1000'), lim('max_orders_per_minute', '3')]),
      listener: { stateChanged: (t) => changes.push(t) },
      ...over,
    },
    now,
  );
  return { svc, store, positions, changes };
}

describe('RiskService: limits', () => {
  it('when a database has never held limits then the defaults are seeded and audited; later starts load what is stored', () => {
    const { svc, store } = service();
    expect(store.audit.map((a) => [a.actor, a.source, a.change.kind])).toEqual([
      ['system', 'defaults', 'limit'],
      ['system', 'defaults', 'limit'],
    ]);
    expect(svc.updateLimits('set max_order_notional 5000 --soft 100 --reason "bigger desk"', meta(T0 + 1))).toMatchObject({ ok: true });
    const again = service(store).svc;
    expect(getEntry(again.limits, 'max_order_notional', GLOBAL)).toMatchObject({ hard: cash('5000'), soft: cash('100') });
    expect(store.audit).toHaveLength(3);
    expect(store.audit[2]).toMatchObject({ actor: 'alice', source: 'cli', reason: 'bigger desk', at: T0 + 1 });
  });

  it('when an update is refused then nothing is stored', () => {
    const { svc, store } = service();
    expect(svc.updateLimits('set max_order_notional 10 --soft 20', meta())).toMatchObject({ ok: false, error: { code: 'SOFT_ABOVE_HARD' } });
    expect(svc.updateLimits('set nope 1', meta())).toMatchObject({ ok: false, error: { code: 'UNKNOWN_LIMIT' } });
    expect(store.audit).toHaveLength(2);
  });

  it('when the effective limits are asked for then tier scaling shows', () => {
    const rows = service().svc.effectiveLimits('BTC/USD', 'immediate');
    expect(rows.map((r) => [r.name, r.factor])).toEqual([
      ['max_order_notional', 1],
      ['max_orders_per_minute', 1],
    ]);
  });
});

describe('RiskService: checks', () => {
  it('when orders pass then they count towards the order-rate limits', () => {
    const { svc } = service();
    for (let k = 0; k < 3; k++) expect(svc.check(order({ qty: '1' }), T0 + k).verdict).toBe('pass');
    expect(svc.check(order({ qty: '1' }), T0 + 3)).toMatchObject({ verdict: 'deny', code: 'ORDER_RATE_MINUTE' });
    expect(svc.orderRates('BTC/USD', T0 + 3).minute).toBe(3);
    expect(svc.check(order({ qty: '1' }), T0 + 61_000).verdict).toBe('pass');
  });

  it('when an instrument is unknown then check throws (the engine resolves symbols first)', () => {
    expect(() => service().svc.check({ ...order(), symbol: 'NOPE' }, T0)).toThrow(/unknown instrument/);
  });
});

describe('RiskService: trading state and breakers', () => {
  it('when the daily drawdown breaker trips then trading halts with the breaker as cause, logged, and resuming needs the token', () => {
    const { svc, store, changes } = service();
    svc.onEquity(cash('1000000'), T0);
    expect(svc.onEquity(cash('940000'), T0 + 1000)).toMatchObject([{ breaker: 'daily_drawdown', type: 'trip' }]);
    expect(svc.mode).toBe('HALTED');
    expect(changes).toMatchObject([{ from: 'ACTIVE', to: 'HALTED', cause: { source: 'breaker', code: 'BREAKER_DAILY_DRAWDOWN' } }]);
    expect(store.states).toEqual(changes);
    expect(store.breakers).toHaveLength(1);
    expect(svc.check(order(), T0 + 2000)).toMatchObject({ verdict: 'deny', code: 'TRADING_HALTED' });
    expect(svc.resume('ACTIVE', 'RESUME-HALTED-0', op, T0 + 3000)).toMatchObject({ ok: false, code: 'BAD_CONFIRMATION' });
    expect(svc.resume('ACTIVE', svc.resumeToken()!, op, T0 + 3000)).toMatchObject({ ok: true });
    expect(store.states.map((t) => t.to)).toEqual(['HALTED', 'ACTIVE']);
  });

  it('when the kill switch is pressed then the halt survives a restart', () => {
    const { svc, store } = service();
    expect(svc.killSwitch({ ...op, code: 'KILL_SWITCH' }, T0)).toMatchObject({ cancelAll: true, transition: { killSwitch: true } });
    const again = service(store).svc;
    expect(again.mode).toBe('HALTED');
    expect(again.status()).toMatchObject({ mode: 'HALTED', since: T0, cause: { code: 'KILL_SWITCH' }, resumeToken: 'RESUME-HALTED-1' });
  });

  it('when an instrument jumps then new exposure in it is blocked until the block ends', () => {
    const { svc } = service();
    svc.onPrice('BTC/USD', px(BTC, '100'), T0);
    expect(svc.onPrice('BTC/USD', px(BTC, '106'), T0 + 1000)).toMatchObject([{ type: 'trip', symbol: 'BTC/USD' }]);
    expect(svc.check(order(), T0 + 2000).code).toBe('INSTRUMENT_BLOCKED');
    expect(svc.status().blocked.map((b) => b.symbol)).toEqual(['BTC/USD']);
    expect(svc.tick(T0 + 1000 + 15 * 60_000)).toMatchObject([{ type: 'reset', action: { kind: 'unblock_symbol' } }]);
    expect(svc.check(order(), T0 + 16 * 60_000).verdict).toBe('pass');
  });

  it('when the venue is gone for too long then safe mode lets only reducing orders through', () => {
    const { svc, positions } = service();
    positions.push({ symbol: 'BTC/USD', qtyUnits: 5_000n });
    svc.onVenue(false, T0);
    svc.tick(T0 + 31_000);
    expect(svc.mode).toBe('REDUCING');
    expect(svc.check(order({ side: 'buy' }), T0 + 32_000).code).toBe('REDUCING_ONLY');
    expect(svc.check(order({ side: 'sell', qty: '1' }), T0 + 32_000).verdict).toBe('pass');
    // Reconnecting does not lift safe mode by itself.
    svc.onVenue(true, T0 + 40_000);
    expect(svc.mode).toBe('REDUCING');
  });

  it('when equity is observed then the watermarks are persisted and restored', () => {
    const { svc, store } = service();
    svc.onEquity(cash('1000000'), T0);
    svc.onEquity(cash('990000'), T0 + 10_000);
    const again = service(store, {}, T0 + 20_000).svc;
    expect(again.status().loss).toMatchObject({ dayStartEquityUnits: cash('1000000'), dailyLossUnits: cash('10000') });
  });
});
