import { describe, expect, it } from 'vitest';
import type { OrderDto } from '../../../src/contract/dto.ts';
import type { RiskFlagDto } from '../../../src/contract/risk-dto.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

const T0 = Date.UTC(2026, 0, 5, 14, 30);
const SYMBOL = 'ETH/USDT';
const DONE: readonly string[] = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'];

/**
 * Only the concentration flag is on: 5% of NAV in one instrument raises it, critical, and the
 * escalation matrix makes it a halt. A flag about one instrument never moves the book's trading
 * state: only the guard chain can stop an algo over it.
 */
function engine() {
  const clock = new SimClock(T0);
  const driver = new SimClockDriver(clock);
  const e = createEngine({
    mode: 'backtest',
    durability: 'memory',
    clock,
    seed: 11,
    warmUpMinutes: 5,
    log: () => undefined,
    pms: { intervalMs: 2_000, config: { thresholds: { concentration: { critical: 0.05 } }, escalation: { concentration: { critical: 'halt' } } } },
  });
  return { clock, driver, e };
}

describe('the TradingGuard chain acts on working algos at once', () => {
  it('when an instrument-level halt flag is raised while a passive child rests then the child is cancelled and the algo paused within one engine tick', async () => {
    const { clock, driver, e } = engine();
    await e.start();
    // Every pushed event in order: what happened between the flag and the pause matters, not only when.
    const events: { type: string; at: number; symbol?: string }[] = [];
    const flagsAt: { seq: number; at: number; flags: RiskFlagDto[] }[] = [];
    const updates: { seq: number; at: number; o: OrderDto }[] = [];
    e.feed.subscribe((type, payload) => {
      const seq = events.length;
      events.push({ type, at: clock.now(), symbol: (payload as { symbol?: string }).symbol });
      if (type === 'risk.flags') flagsAt.push({ seq, at: clock.now(), flags: payload as RiskFlagDto[] });
      if (type === 'order.updated') updates.push({ seq, at: clock.now(), o: payload as OrderDto });
    });
    driver.runToEnd(clock.now() + 2_000);

    // A small passive buy capped 3% under the bid: its one child rests at the cap for as long as the
    // market stays above it (a passive algo wakes on market moves, but the cap keeps its price).
    const bid = (await e.handlers['market.snapshot']({ symbol: SYMBOL })).book.bids[0]!.price;
    const cap = Number((bid * 0.97).toFixed(2));
    const parent = await e.handlers['orders.place']({ symbol: SYMBOL, side: 'buy', qty: 0.05, type: 'limit', tif: 'gtc', price: cap, source: 'api', urgency: 'low', algo: 'passive' });
    driver.runToEnd(clock.now() + 3_000);
    const resting = (await e.handlers['orders.children']({ orderId: parent.id })).filter((c) => !DONE.includes(c.status));
    expect(resting.length).toBeGreaterThan(0);
    expect(flagsAt.at(-1)?.flags.some((f) => f.code === 'concentration') ?? false).toBe(false);

    // A direct buy of ~10% of NAV: the next PMS cycle raises concentration on ETH with action halt.
    const mark = (await e.handlers['market.snapshot']({ symbol: SYMBOL })).book.asks[0]!.price;
    const nav = (await e.handlers['account.get']({})).equity;
    const qty = Number(((nav * 0.1) / mark).toFixed(2));
    const big = await e.handlers['orders.place']({ symbol: SYMBOL, side: 'buy', qty, type: 'market', tif: 'ioc', source: 'manual', confirm: true, urgency: 'immediate', algo: 'market' });
    driver.runToEnd(clock.now() + 4_000);
    expect((await e.handlers['orders.get']({ orderId: big.id })).status).toBe('FILLED');

    const raised = flagsAt.find((x) => x.flags.some((f) => f.code === 'concentration' && f.symbol === SYMBOL && f.action === 'halt'));
    expect(raised).toBeDefined();
    const flagAt = raised!.at;

    // The parent is paused by the guard at the flag's instant, naming the flag.
    const paused = updates.find((u) => u.o.id === parent.id && u.o.execution?.paused === true);
    expect(paused).toBeDefined();
    expect(paused!.at).toBe(flagAt);
    expect(paused!.o.reason?.code).toBe('GUARD_PAUSED');
    expect(paused!.o.reason?.message).toMatch(/PMS flag concentration/);
    // At once: no market update reached the (market-driven) passive algo between the flag and the
    // pause, so it was not its own next wake that stopped it.
    const between = events.slice(raised!.seq + 1, paused!.seq);
    expect(between.filter((x) => x.type === 'book' && x.symbol === SYMBOL)).toEqual([]);
    // Its resting child is pulled then (cancel requested), and cancelled within one engine tick.
    for (const c of resting) {
      const cancelled = updates.find((u) => u.o.id === c.id && u.o.status === 'CANCELLED');
      expect(cancelled, `child ${c.id} cancelled`).toBeDefined();
      expect(cancelled!.at - flagAt).toBeLessThanOrEqual(1_000);
      const pulled = updates.find((u) => u.o.id === c.id && (u.o.cancelRequested || u.o.status === 'CANCELLED'));
      expect(pulled!.at).toBe(flagAt);
    }
    // The book's trading state is untouched: the flag is about one instrument.
    expect((await e.handlers['risk.status']({})).state.mode).toBe('ACTIVE');
    await e.stop();
  });
});
