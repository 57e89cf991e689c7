import { describe, expect, it } from 'vitest';
import { TradingGuard, flagLink, instrumentBlockLink, tradingStateLink } from '../../../src/risk/trading-guard.ts';
import type { GuardFlag, GuardedOrder } from '../../../src/risk/trading-guard.ts';
import type { TradingMode } from '../../../src/risk/trading-state.ts';

const order = (id: string, symbol: string, side: 'buy' | 'sell', paused = false): GuardedOrder => ({ id, symbol, side, paused });

function chain(opts: { mode?: TradingMode; blocked?: Record<string, string>; flags?: GuardFlag[]; reducing?: Set<string>; working?: GuardedOrder[] }) {
  let mode: TradingMode = opts.mode ?? 'ACTIVE';
  let flags: GuardFlag[] = opts.flags ?? [];
  const reducesAsked: string[] = [];
  const paused: { id: string; reason: string }[] = [];
  const guard = new TradingGuard({
    links: [tradingStateLink(() => mode, () => 'KILL_SWITCH'), instrumentBlockLink((s) => opts.blocked?.[s]), flagLink(() => flags, () => null)],
    reduces: (o) => {
      reducesAsked.push(o.id);
      return opts.reducing?.has(o.id) ?? false;
    },
    working: () => opts.working ?? [],
    pause: (id, reason) => paused.push({ id, reason }),
  });
  return {
    guard,
    reducesAsked,
    paused,
    setMode: (m: TradingMode) => (mode = m),
    setFlags: (f: GuardFlag[]) => (flags = f),
  };
}

const halt = (symbol: string | null): GuardFlag => ({ code: 'concentration', severity: 'critical', symbol, action: 'halt', message: 'too much' });

describe('TradingGuard', () => {
  it('when nothing objects then the algo may go on and reducing is never computed', () => {
    const c = chain({});
    expect(c.guard.check(order('P1', 'BTC/USDT', 'buy'))).toEqual({ ok: true });
    expect(c.reducesAsked).toEqual([]);
  });

  it('when trading is HALTED then every algo pauses, with the cause in the reason', () => {
    const c = chain({ mode: 'HALTED', reducing: new Set(['P1']) });
    expect(c.guard.check(order('P1', 'BTC/USDT', 'sell'))).toEqual({ ok: false, action: 'pause', reason: 'trading is HALTED (KILL_SWITCH): algo paused' });
  });

  it('when trading is REDUCING then only algos adding exposure pause, and reducing is asked once per check', () => {
    const c = chain({ mode: 'REDUCING', reducing: new Set(['P2']), flags: [halt('BTC/USDT')] });
    expect(c.guard.check(order('P1', 'BTC/USDT', 'buy'))).toMatchObject({ ok: false, action: 'pause' });
    expect(c.guard.check(order('P2', 'BTC/USDT', 'sell'))).toEqual({ ok: true });
    expect(c.reducesAsked).toEqual(['P1', 'P2']);
  });

  it('when a breaker blocks an instrument then algos adding to it pause and others go on', () => {
    const c = chain({ blocked: { 'ETH/USDT': 'price moved 8% in 5 min' } });
    expect(c.guard.check(order('P1', 'ETH/USDT', 'buy'))).toMatchObject({ ok: false, action: 'pause', reason: expect.stringContaining('price moved') });
    expect(c.guard.check(order('P2', 'BTC/USDT', 'buy'))).toEqual({ ok: true });
  });

  it('when a halt flag names one instrument then only algos adding to that instrument pause; a book flag pauses all that add', () => {
    const c = chain({ flags: [halt('ETH/USDT')], reducing: new Set(['P3']) });
    expect(c.guard.check(order('P1', 'ETH/USDT', 'buy'))).toMatchObject({ ok: false, action: 'pause', reason: expect.stringContaining('PMS flag concentration') });
    expect(c.guard.check(order('P2', 'BTC/USDT', 'buy'))).toEqual({ ok: true });
    expect(c.guard.check(order('P3', 'ETH/USDT', 'sell'))).toEqual({ ok: true });
    c.setFlags([halt(null)]);
    expect(c.guard.check(order('P2', 'BTC/USDT', 'buy'))).toMatchObject({ ok: false, action: 'pause' });
  });

  it('when an input changes then enforce pauses at once exactly the working algos the chain now forbids', () => {
    const working = [order('P1', 'ETH/USDT', 'buy'), order('P2', 'BTC/USDT', 'buy'), order('P3', 'ETH/USDT', 'buy', true)];
    const c = chain({ working });
    expect(c.guard.enforce()).toEqual([]);
    c.setFlags([halt('ETH/USDT')]);
    expect(c.guard.enforce()).toEqual(['P1']);
    expect(c.paused).toEqual([{ id: 'P1', reason: expect.stringContaining('PMS flag concentration') }]);
  });

  it('when a flag only asks to slow then enforce leaves the algo to its next decision', () => {
    const slow: GuardFlag = { code: 'var_breach', severity: 'warning', symbol: null, action: 'alert', message: 'VaR high' };
    const guard = new TradingGuard({
      links: [flagLink(() => [slow], () => 'warning')],
      reduces: () => false,
      working: () => [order('P1', 'ETH/USDT', 'buy')],
      pause: () => {
        throw new Error('must not pause');
      },
    });
    expect(guard.check(order('P1', 'ETH/USDT', 'buy'))).toMatchObject({ ok: false, action: 'slow' });
    expect(guard.enforce()).toEqual([]);
  });
});
