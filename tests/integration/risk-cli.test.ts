import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDto } from '../../src/contract/dto.ts';
import type { BreakerEventDto, BreakerStatusDto, LimitAuditDto, LimitsDto, RiskFlagDto, RiskMetricsDto, RiskStatusDto, StressDto, TradingStateDto, WhatIfDto } from '../../src/contract/risk-dto.ts';
import type { ServeProcess } from './harness.ts';
import { clientFor, killHard, spawnServe, strataCli, tempDataDir, waitFor } from './harness.ts';

/**
 * `strata risk …` and the risk side of `strata orders place`, run as the real command against a
 * real engine process on a real SQLite file, as an operator would.
 */

describe('strata risk CLI', () => {
  let dir: string;
  let p: ServeProcess;

  const { cli, json } = strataCli(() => dir);
  const limitRow = (l: LimitsDto, name: string, scope: string) => l.limits.find((r) => r.name === name && r.scope === scope);
  const spyPrice = async (): Promise<number> => {
    const c = await clientFor(p);
    try {
      const s = await c.call('market.snapshot', { symbol: 'SPY' });
      return s.book.asks[0]!.price;
    } finally {
      c.close();
    }
  };
  /** Back to ACTIVE whatever the state, through the same resume an operator runs. */
  const resume = async () => {
    const st = await json<RiskStatusDto>('risk', 'state');
    if (st.state.mode === 'ACTIVE') return;
    const r = await cli('risk', 'state', 'active', '--confirm', st.state.resumeToken!);
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    dir = tempDataDir('risk-cli');
    p = await spawnServe(dir);
  });
  afterAll(async () => {
    await killHard(p);
  });

  it('when limits are set, unset and listed then the audit records each change and all of it survives an engine restart', async () => {
    const set = await cli('risk', 'limits', 'set', 'max_order_notional', '200000', '--soft', '50000', '--reason', 'cli round trip');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/max_order_notional\s+global\s+ccy\s+50000\s+200000/);
    expect((await cli('risk', 'limits', 'set', 'max_order_qty', '3', '--symbol', 'BTC/USDT')).code).toBe(0);
    expect((await cli('risk', 'limits', 'set', 'max_position_pct_nav', '--soft', 'none')).code).toBe(0);
    const unset = await cli('risk', 'limits', 'unset', 'max_order_qty', '--symbol', 'SPY', '--reason', 'no SPY override');
    expect(unset.code, unset.stderr).toBe(0);

    const check = (l: LimitsDto) => {
      expect(limitRow(l, 'max_order_notional', 'global')).toMatchObject({ hard: '200000', soft: '50000', unit: 'money' });
      expect(limitRow(l, 'max_order_qty', 'symbol:BTC/USDT')).toMatchObject({ hard: '3' });
      expect(limitRow(l, 'max_position_pct_nav', 'global')?.soft).toBeNull();
      expect(limitRow(l, 'max_order_qty', 'symbol:SPY')).toBeUndefined();
      expect(l.groups['crypto']).toEqual(['BTC/USDT', 'ETH/USDT']);
    };
    check(await json<LimitsDto>('risk', 'limits'));
    const human = await cli('risk', 'limits');
    expect(human.stdout).toMatch(/^NAME\s+SCOPE\s+UNIT\s+SOFT\s+HARD\s+USED\s+USAGE/);
    expect(human.stdout).toMatch(/max_order_qty\s+symbol:BTC\/USDT\s+qty\s+2\s+3/);
    expect(human.stdout).toMatch(/groups:\n\s+crypto\s+BTC\/USDT, ETH\/USDT/);

    const auditCheck = (audit: LimitAuditDto[]) => {
      const notional = audit.find((a) => a.name === 'max_order_notional' && a.reason === 'cli round trip');
      expect(notional?.scope).toBe('global');
      expect(notional?.before).toContain('250000');
      expect(notional?.after).toContain('200000');
      const removed = audit.find((a) => a.name === 'max_order_qty' && a.scope === 'symbol:SPY' && a.reason === 'no SPY override');
      expect(removed?.after).toBeNull();
      // Newest first: the unset was the last change.
      expect(audit[0]).toBe(removed);
    };
    auditCheck(await json<LimitAuditDto[]>('risk', 'limits', 'audit', '--limit', '10'));
    expect((await json<LimitAuditDto[]>('risk', 'limits', 'audit', '--limit', '2')).length).toBe(2);
    expect((await cli('risk', 'limits', 'audit')).stdout).toMatch(/max_order_notional\s+global\s+.*cli round trip/);

    await killHard(p);
    p = await spawnServe(dir);
    check(await json<LimitsDto>('risk', 'limits'));
    auditCheck(await json<LimitAuditDto[]>('risk', 'limits', 'audit', '--limit', '10'));
  });

  it('when a limit change is refused then the refusal code is printed, the exit code is 1 and nothing changes', async () => {
    const before = await json<LimitsDto>('risk', 'limits');
    const soft = await cli('risk', 'limits', 'set', 'max_order_notional', '200000', '--soft', '500000');
    expect(soft.code).toBe(1);
    expect(soft.stderr).toContain('LIMIT_REJECTED SOFT_ABOVE_HARD:');
    const scope = await cli('risk', 'limits', 'set', 'max_leverage', '2', '--group', 'crypto');
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain('LIMIT_REJECTED BAD_SCOPE:');
    const unknown = await cli('risk', 'limits', 'set', 'max_nonsense', '1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('LIMIT_REJECTED UNKNOWN_LIMIT:');
    const value = await cli('risk', 'limits', 'set', 'max_order_notional', 'lots');
    expect(value.code).toBe(1);
    expect(value.stderr).toContain('LIMIT_REJECTED BAD_VALUE:');
    // Usage errors are caught before the engine is asked.
    expect((await cli('risk', 'limits', 'set', 'max_order_notional')).code).toBe(2);
    expect((await cli('risk', 'limits', 'set', 'max_order_qty', '3', '--symbol', 'SPY', '--group', 'crypto')).code).toBe(2);
    expect((await json<LimitsDto>('risk', 'limits')).limits.map((r) => [r.name, r.scope, r.hard, r.soft])).toEqual(before.limits.map((r) => [r.name, r.scope, r.hard, r.soft]));
  });

  it('when a manual order breaches a soft limit then it needs --confirm (exit 3 with each breach), and a hard breach is denied with its code', async () => {
    const price = await spyPrice();
    const ordersBefore = (await json<OrderDto[]>('orders', 'list')).length;
    expect((await cli('risk', 'limits', 'set', 'max_order_notional', '5000', '--soft', '1000')).code).toBe(0);
    const softQty = String(Math.ceil(2000 / price));
    const held = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', softQty, '--source', 'manual');
    expect(held.code).toBe(3);
    expect(held.stderr).toContain('RISK_CONFIRM_REQUIRED');
    expect(held.stderr).toMatch(/\n\s+MAX_ORDER_NOTIONAL\s+.*soft/);
    expect(held.stderr).toContain(`orders place --symbol SPY --side buy --qty ${softQty} --source manual --confirm`);
    // Held back before the journal: no order exists for it.
    expect((await json<OrderDto[]>('orders', 'list')).length).toBe(ordersBefore);

    // An api order cannot be confirmed: the soft breach is a denial.
    const api = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', softQty);
    expect(api.code).toBe(3);
    expect(api.stderr).toMatch(/DENIED: MAX_ORDER_NOTIONAL/);
    expect((await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', softQty, '--source', 'api', '--confirm')).code).toBe(2);

    const confirmed = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', softQty, '--source', 'manual', '--confirm', '--json');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const order = JSON.parse(confirmed.stdout) as OrderDto;
    expect(order.source).toBe('manual');
    expect(order.status).not.toBe('DENIED');

    const hard = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', String(Math.ceil(10000 / price)), '--confirm');
    expect(hard.code).toBe(3);
    expect(hard.stdout).toMatch(/DENIED\s+MAX_ORDER_NOTIONAL/);
    expect(hard.stderr).toContain('MAX_ORDER_NOTIONAL');

    const whatIf = await json<WhatIfDto>('risk', 'whatif', 'SPY', 'buy', String(Math.ceil(10000 / price)));
    expect(whatIf.check.verdict).toBe('deny');
    expect(whatIf.check.breaches.some((b) => b.code === 'MAX_ORDER_NOTIONAL' && b.level === 'hard')).toBe(true);
    expect(whatIf.after.positionQty).toBeGreaterThan(whatIf.before.positionQty);
    expect((await cli('risk', 'whatif', 'SPY', 'buy', softQty)).stdout).toMatch(/verdict: SOFT_BREACH MAX_ORDER_NOTIONAL/);

    expect((await cli('risk', 'limits', 'set', 'max_order_notional', '250000', '--soft', '100000')).code).toBe(0);
  });

  it('when trading is halted then orders are denied with TRADING_HALTED, and a resume needs the token it prints', async () => {
    const halt = await cli('risk', 'state', 'halted', '--reason', 'cli halt test');
    expect(halt.code, halt.stderr).toBe(0);
    expect(halt.stdout).toMatch(/mode\s+HALTED/);
    const status = await json<RiskStatusDto>('risk', 'state');
    expect(status.state).toMatchObject({ mode: 'HALTED', cause: { message: 'cli halt test' } });
    const token = status.state.resumeToken!;
    expect(token).toBeTruthy();
    const shown = await cli('risk', 'state');
    expect(shown.stdout).toMatch(/mode\s+HALTED/);
    expect(shown.stdout).toContain(token);
    expect(shown.stdout).toMatch(/BREAKER\s+ENABLED\s+TRIPPED/);

    const denied = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', '1');
    expect(denied.code).toBe(3);
    expect(denied.stdout).toMatch(/DENIED\s+TRADING_HALTED/);
    expect(denied.stderr).toContain('TRADING_HALTED');

    const bare = await cli('risk', 'state', 'active');
    expect(bare.code).toBe(3);
    expect(bare.stderr).toContain('STATE_REJECTED CONFIRM_REQUIRED');
    expect(bare.stdout).toContain(`resume token: ${token}`);
    expect(bare.stdout).toContain(`risk state active --confirm ${token}`);
    const wrong = await cli('risk', 'state', 'active', '--confirm', 'RESUME-NOT-IT');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('STATE_REJECTED BAD_CONFIRMATION');
    expect((await json<RiskStatusDto>('risk', 'state')).state.mode).toBe('HALTED');

    // The printed command is the one to run.
    const command = /to resume, run:\n\s+strata (.+)\n/.exec(bare.stdout)![1]!.split(' ');
    expect(command.slice(0, 2)).toEqual(['--data-dir', dir]);
    const resumed = await cli(...command.slice(2));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/mode\s+ACTIVE/);
    expect((await json<TradingStateDto>('risk', 'state', 'active')).mode).toBe('ACTIVE');

    expect((await cli('risk', 'state', 'reducing', '--reason', 'wind down')).code).toBe(0);
    const adding = await cli('orders', 'place', '--symbol', 'ETH/USDT', '--side', 'buy', '--qty', '0.1');
    expect(adding.code).toBe(3);
    expect(adding.stderr).toContain('REDUCING_ONLY');
    expect((await cli('risk', 'state', 'bogus')).code).toBe(2);
    await resume();

    const log = await json<{ from: string; to: string; killSwitch: boolean }[]>('risk', 'state', '--log');
    expect(log.slice(0, 4).map((t) => `${t.from}>${t.to}`)).toEqual(['REDUCING>ACTIVE', 'ACTIVE>REDUCING', 'HALTED>ACTIVE', 'ACTIVE>HALTED']);
  });

  it('when the kill switch is pulled then a working limit order is cancelled and trading is halted', async () => {
    const price = await spyPrice();
    const placed = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', '1', '--type', 'limit', '--price', String(Math.floor(price * 0.9)), '--json');
    expect(placed.code, placed.stderr).toBe(0);
    const order = JSON.parse(placed.stdout) as OrderDto;
    await waitFor(async () => (await json<OrderDto[]>('orders', 'list', '--open')).some((o) => o.id === order.id) || undefined, 10_000, 'resting order');

    const kill = await json<{ state: TradingStateDto; cancelled: string[] }>('risk', 'kill', '--reason', 'cli kill test');
    expect(kill.state.mode).toBe('HALTED');
    expect(kill.cancelled).toContain(order.id);
    // The CLI waits for the engine's verification of every cancel (issue 8, D1).
    expect(kill.state.killSwitchCheck).toMatchObject({ status: 'confirmed', pending: [] });
    const status = await waitFor(async () => {
      const o = (await json<OrderDto[]>('orders', 'list')).find((x) => x.id === order.id);
      return o && o.status === 'CANCELLED' ? o.status : undefined;
    }, 10_000, 'order cancelled');
    expect(status).toBe('CANCELLED');

    const again = await cli('risk', 'kill');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('kill switch: trading HALTED');
    expect(again.stdout).toContain('no working orders to cancel');
    expect(again.stdout).toContain('cancels: all confirmed final by the venue');
    expect(again.stdout).toMatch(/to resume: strata --data-dir \S+ risk state active --confirm RESUME-\S+/);
    const log = await json<{ killSwitch: boolean; cause: { message: string } }[]>('risk', 'state', '--log', '--limit', '1');
    expect(log[0]).toMatchObject({ killSwitch: true, cause: { message: 'cli kill test' } });
    await resume();
  });

  it('when flags, metrics, stress, breakers and what-if are asked for then --json gives the documented fields and the tables print', async () => {
    // A position so the analytics have something to measure.
    const buy = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', '2');
    expect(buy.code, buy.stderr).toBe(0);

    const flags = await json<RiskFlagDto[]>('risk', 'flags');
    expect(Array.isArray(flags)).toBe(true);
    for (const f of flags) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['code', 'severity', 'subject', 'symbol', 'value', 'threshold', 'action', 'message', 'since']));
    }
    expect((await cli('risk', 'flags')).code).toBe(0);

    const m = await waitFor(async () => {
      const x = await json<RiskMetricsDto>('risk', 'metrics');
      return x.exposures.some((e) => e.symbol === 'SPY') ? x : undefined;
    }, 15_000, 'SPY in the metrics');
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining(['ts', 'nav', 'cash', 'grossExposure', 'netExposure', 'leverage', 'realizedPnl', 'unrealizedPnl', 'dailyPnl', 'drawdown', 'exposures', 'var', 'varBasis', 'correlation', 'regime']),
    );
    expect(m.nav).toBeGreaterThan(0);
    expect(m.grossExposure).toBeGreaterThan(0);
    expect(m.drawdown).toMatchObject({ current: expect.any(Number), max: expect.any(Number) });
    for (const v of m.var) {
      expect(['historical', 'parametric']).toContain(v.method);
      expect([0.95, 0.99]).toContain(v.confidence);
    }
    const human = await cli('risk', 'metrics');
    for (const label of ['NAV', 'unrealized P&L', 'gross exposure', 'net exposure', 'leverage', 'drawdown']) expect(human.stdout).toMatch(new RegExp(`^${label}\\s`, 'm'));
    expect(human.stdout).toMatch(/VaR/);
    expect(human.stdout).toMatch(/^SPY\s+\d+\s/m);

    const s = await json<StressDto>('risk', 'stress', '--loss', '5', '15', '--move', '-10');
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['ts', 'nav', 'historical', 'scenarios', 'reverse', 'missingHistory']));
    expect(s.reverse.map((r) => r.lossFraction)).toEqual([0.05, 0.15]);
    const scenario = s.scenarios.find((c) => c.name === 'all -10%');
    expect(scenario?.pnl).toBeLessThan(0);
    const stressHuman = await cli('risk', 'stress');
    expect(stressHuman.code).toBe(0);
    expect(stressHuman.stdout).toMatch(/reverse stress/);
    expect((await cli('risk', 'stress', '--loss', '150')).code).toBe(2);

    const b = await json<{ breakers: BreakerStatusDto[]; blocked: unknown[]; log: BreakerEventDto[] }>('risk', 'breakers');
    expect(b.breakers.map((x) => x.breaker).sort()).toEqual(['daily_drawdown', 'instrument_move', 'order_rate', 'venue_disconnect']);
    expect(Array.isArray(b.log)).toBe(true);
    expect((await cli('risk', 'breakers')).stdout).toMatch(/^BREAKER\s+ENABLED\s+TRIPPED/);

    const w = await json<WhatIfDto>('risk', 'whatif', 'SPY', 'sell', '1');
    expect(w.check.verdict).toBe('pass');
    expect(w.check.reducing).toBe(true);
    expect(w.after.positionQty).toBe(w.before.positionQty - 1);
    expect((await cli('risk', 'whatif', 'SPY', 'hold', '1')).code).toBe(2);
  });
});
