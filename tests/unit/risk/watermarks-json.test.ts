import { describe, expect, it } from 'vitest';
import { watermarksFromJson, watermarksToJson } from '../../../src/risk/drawdown.ts';
import type { WatermarkSnapshot } from '../../../src/risk/drawdown.ts';

/** The text the store held before watermarksToJson was written out by hand: JSON.stringify of this shape. */
function viaStringify(s: WatermarkSnapshot): string {
  const marks: Record<string, { start: number; startEquity: string; peakEquity: string }> = {};
  for (const p of ['daily', 'weekly', 'monthly'] as const) marks[p] = { start: s.marks[p].start, startEquity: s.marks[p].startEquityUnits.toString(), peakEquity: s.marks[p].peakEquityUnits.toString() };
  return JSON.stringify({ marks, lastEquity: s.lastEquityUnits.toString(), at: s.at });
}

const mark = (start: number, equity: bigint) => ({ start, startEquityUnits: equity, peakEquityUnits: equity + 12_345n });

describe('watermark JSON', () => {
  it('when snapshots with ordinary, zero, negative, huge and non-finite values are written then the text equals JSON.stringify of the same shape, and a snapshot reads back', () => {
    const cases: [number, bigint, number][] = [
      [1_700_000_000_000, 10_000_012_345_678n, 1_700_000_050_000],
      [0, 0n, -0],
      [-1, -5n, 123.456],
      [1.5, -123_456_789_012_345_678_901_234_567_890n, 1e21],
      [Number.NaN, 1n, Number.POSITIVE_INFINITY],
    ];
    for (const [start, equity, at] of cases) {
      const s: WatermarkSnapshot = { marks: { daily: mark(start, equity), weekly: mark(start + 1, equity - 7n), monthly: mark(start * 2, equity * 3n) }, lastEquityUnits: equity + 1n, at };
      expect(watermarksToJson(s)).toBe(viaStringify(s));
    }
    const s: WatermarkSnapshot = { marks: { daily: mark(1, 2n), weekly: mark(0, 3n), monthly: mark(-4, -5n) }, lastEquityUnits: 6n, at: 7 };
    expect(watermarksFromJson(watermarksToJson(s))).toEqual(s);
  });
});
