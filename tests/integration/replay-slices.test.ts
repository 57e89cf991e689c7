import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplaySession } from '../../src/kernel/replay/session.ts';
import { loadMarketFile } from '../../src/marketdata/recording.ts';

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const market = loadMarketFile(readFileSync(TAPE, 'utf8'), TAPE);
const HOUR = 3_600_000;

/** The next turn of the event loop after pending I/O: where a request from a client is served. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Full-speed runs (max-speed play, seeks) go in slices of a few ms of work and let the event loop
 * serve requests between them (D3, D9). The wall clock is a counter (one ms per reading), so the
 * slices are counted, not timed.
 */
describe('replay at full speed in slices', () => {
  it('when playing at max speed then a pause sent meanwhile is answered and takes effect within two slices, and nothing runs after it', async () => {
    let wall = 0;
    const s = await ReplaySession.open({ market, file: TAPE, speed: 'max', wallNow: () => (wall += 1) });
    try {
      s.play();
      const before = s.slices;
      await turn();
      await turn();
      const st = s.pause();
      expect(st.playing).toBe(false);
      expect(s.slices - before).toBeLessThanOrEqual(2);
      // It played, but not to the end: the pause came between slices.
      expect(st.position).toBeGreaterThan(market.start);
      expect(st.position).toBeLessThan(market.end);
      const at = s.now();
      const slices = s.slices;
      await turn();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(s.now()).toBe(at);
      expect(s.slices).toBe(slices);
    } finally {
      await s.close();
    }
  });

  it('when seeking hours ahead then a status is served between slices, a step is refused until the seek ends, and the seek ends at its target', async () => {
    let wall = 0;
    const s = await ReplaySession.open({ market, file: TAPE, wallNow: () => (wall += 1) });
    try {
      const target = market.start + 6 * HOUR;
      const seek = s.seek(target);
      await turn();
      const mid = s.state();
      expect(mid.position).toBeLessThan(target);
      expect(() => s.step(1)).toThrow(/seek is under way/);
      // A pause during the seek: the seek still ends at its target, and stays paused.
      s.pause();
      const done = await seek;
      expect(done.position).toBe(target);
      expect(done.playing).toBe(false);
      expect(s.slices).toBeGreaterThan(2);
    } finally {
      await s.close();
    }
  });
});
