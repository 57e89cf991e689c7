import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strategyDef } from '../../src/backtest/strategies/index.ts';
import { runL3 } from '../../src/kernel/backtest-l3.ts';
import { parseTradesCsv } from '../../src/marketdata/csv.ts';

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const all = parseTradesCsv(readFileSync(TAPE, 'utf8'));
/** The first hour of the recording: sixty one-minute bars. */
const rows = all.filter((r) => r.timestampMs < all[0]!.timestampMs + 3_600_000);

describe('an L3 run tells its progress', () => {
  it('when an L3 run plays a tape then onBar is told each bar before it is played, in order, with the bars in all (the host turns it into percent and ETA)', async () => {
    const seen: [number, number][] = [];
    const run = await runL3(strategyDef('sma-cross').create({ fast: 5, slow: 20 }), { instrument: 'XRP/ETH', cash: '20', commission: '0.001', sizing: { kind: 'fixed', qty: '3000' } }, { rows, symbol: 'XRP/ETH', barMs: 60_000, seed: 7, onBar: (i, n) => void seen.push([i, n]) });
    const n = run.bars.time.length;
    expect(n).toBeGreaterThan(50);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => [i, n]));
  }, 120_000);
});
