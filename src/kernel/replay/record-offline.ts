import type { InstrumentDto, TradeDto } from '../../contract/dto.ts';
import { SimClock, SimClockDriver } from '../../core/clock.ts';
import { createEngine } from '../engine.ts';

/**
 * The demo market generated on a simulated clock, as fast as it goes, each printed trade handed to
 * a recorder: `strata record --offline`. A seed and a start time fix the recording.
 */
export async function recordDemoOffline(o: { seed: number; start: number; seconds: number; write: (instruments: InstrumentDto[], currency: string) => { onTrade(t: TradeDto): unknown; readonly trades: number } }): Promise<number> {
  const clock = new SimClock(o.start);
  const engine = createEngine({ mode: 'backtest', durability: 'memory', clock, seed: o.seed, idPrefix: 'REC', warmUpMinutes: 0, pms: { intervalMs: 300_000 }, log: () => undefined });
  await engine.start();
  try {
    const info = await engine.handlers['session.info']({});
    const rec = o.write(info.instruments, info.currency);
    const off = engine.feed.subscribe((type, payload) => {
      if (type === 'trade') rec.onTrade(payload as TradeDto);
    });
    new SimClockDriver(clock).runToEnd(o.start + o.seconds * 1000);
    off();
    return rec.trades;
  } finally {
    await engine.stop();
  }
}
