import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/contract/dto.ts';
import { SimClock, SimClockDriver } from '../../src/core/clock.ts';
import type { TradeRow } from '../../src/marketdata/csv.ts';
import { parseTradesCsv } from '../../src/marketdata/csv.ts';
import { inferTapeInstrument } from '../../src/marketdata/tape-instrument.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import type { Engine } from '../../src/kernel/engine.ts';
import { EMPTY_LIMIT_BOOK } from '../../src/risk/limits.ts';

/**
 * A replayed crash through the live engine: the real XRP/ETH tape (tests/fixtures/data/crypto)
 * with a 15% decline laid over 45 minutes of it (3,000 bps smaller than any 5-minute move that
 * would trip the instrument breaker first). A long book plus a working TWAP buy is hit; the daily
 * drawdown breaker must halt the book and the TWAP must stop placing children.
 */

const TAPE = join(import.meta.dirname, '../fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv');
const MIN = 60_000;

function crashTape(rows: readonly TradeRow[], from: number, minutes: number, depth: number): TradeRow[] {
  return rows.map((r) => {
    const t = Math.min(1, Math.max(0, (r.timestampMs - from) / (minutes * MIN)));
    if (t === 0) return r;
    const price = r.price * (1 - depth * t);
    // Keep the tape's 8 decimals: the instrument's tick is inferred from them.
    const priceText = price.toFixed(8);
    return { ...r, price: Number(priceText), priceText };
  });
}

let dir: string | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('replayed crash', () => {
  it('when a crash takes the daily drawdown past the breaker then the book halts, working algos stop and new orders are denied', { timeout: 60_000 }, async () => {
    const raw = parseTradesCsv(readFileSync(TAPE, 'utf8'));
    const start = raw[0]!.timestampMs + 2 * 60 * MIN;
    const crashFrom = start + 10 * MIN;
    const rows = crashTape(raw, crashFrom, 45, 0.15);
    const instrument = inferTapeInstrument('XRP/ETH', rows);
    dir = mkdtempSync(join(tmpdir(), 'strata-crash-'));
    const clock = new SimClock(start - 30 * MIN);
    const driver = new SimClockDriver(clock);
    engine = createEngine({
      dataDir: dir,
      clock,
      seed: 7,
      idPrefix: 'CR',
      warmUpMinutes: 0,
      market: { kind: 'tape', instrument, trades: rows },
      initialCash: '10',
      // Only the breakers and the trading state act here: no limit stands in the way of the long book.
      risk: { limits: EMPTY_LIMIT_BOOK },
      // The PMS would rightly force REDUCING on an 80%-of-NAV position; here only the breaker is under test.
      pms: { escalate: false },
      log: () => undefined,
    });
    await engine.start();
    const h = engine.handlers;
    driver.runToEnd(start);

    // ~80% of equity long XRP, then a TWAP adding more through the crash.
    const buy = await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '5500', type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate' });
    driver.runToEnd(start + 2 * MIN);
    expect((await h['orders.get']({ orderId: buy.id })).status).toBe('FILLED');
    const twap = await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '1000', type: 'market', tif: 'gtc', source: 'api', urgency: 'low', algo: 'twap', algoParams: { durationSec: 3 * 3600, slices: 60 } });
    expect(twap.reason).toBeNull();
    expect(twap.status).not.toBe('DENIED');
    expect((await h['risk.status']({})).state.mode).toBe('ACTIVE');

    driver.runToEnd(crashFrom + 50 * MIN);

    const status = await h['risk.status']({});
    expect(status.state.mode).toBe('HALTED');
    expect(status.state.cause?.code).toBe('BREAKER_DAILY_DRAWDOWN');
    expect(status.loss!.drawdownPct.daily).toBeGreaterThan(5);
    const trips = (await h['risk.breakers.log']({ limit: 50 })).filter((e) => e.type === 'trip');
    expect(trips.map((e) => e.code)).toContain('BREAKER_DAILY_DRAWDOWN');
    expect(trips.map((e) => e.code)).not.toContain('BREAKER_INSTRUMENT_MOVE');

    // The algo stopped: paused by risk, nothing working, and no child placed after the halt.
    const parent = await h['orders.get']({ orderId: twap.id });
    expect(parent.execution?.paused).toBe(true);
    // Paused by the PMS drawdown flag (read before each child) or by the halt itself, whichever came first.
    expect(['GUARD_PAUSED', 'RISK_PAUSED']).toContain(parent.reason?.code);
    const children = await h['orders.children']({ orderId: twap.id });
    expect(children.filter((c) => !isTerminal(c.status))).toEqual([]);
    const haltedAt = status.state.since!;
    expect(children.filter((c) => c.createdAt > haltedAt)).toEqual([]);
    driver.runToEnd(crashFrom + 80 * MIN);
    expect((await h['orders.children']({ orderId: twap.id })).length).toBe(children.length);

    const denied = await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '100', type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate' });
    expect(denied.status).toBe('DENIED');
    expect(denied.reason?.code).toBe('TRADING_HALTED');
    // Cancels still pass in HALTED.
    const cancelled = await h['orders.cancel']({ orderId: twap.id });
    expect(cancelled.status).toBe('CANCELLED');
  });
});
