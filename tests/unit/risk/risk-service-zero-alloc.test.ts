import { describe, expect, it } from 'vitest';
import { allocationPerCheck, preTradeFixture } from '../../../bench/risk.ts';
import type { CheckMode } from '../../../bench/risk.ts';
import type { RiskOrder } from '../../../src/risk/risk-gate.ts';

/**
 * The L1 check in the steady state leaves no garbage (issue 9: allocation and GC were the check's
 * tail): with the book unchanged, with one quote moved before every check, and with every passing
 * order admitted to the book, 100k clean passes allocate no more than the measuring loop does on
 * its own (its clock, a double beyond the small-integer range, is boxed when handed to a call).
 * The bench (bench/risk.ts) reports the same figures, and the GCs seen, outside the test runner.
 */
class NoCheck {
  seen = 0;
  check(o: RiskOrder, now: number): number {
    this.seen += o.qtyUnits > 0n ? now & 1 : 0;
    return this.seen;
  }
}

describe('RiskService.check allocates nothing in the steady state', () => {
  it.each(['cached', 'quote', 'admit'] as CheckMode[])('when 100k orders pass cleanly (%s) then the checks allocate less than a boxed number each beyond the loop itself', (mode) => {
    const { service, orders, t0, before, after } = preTradeFixture(mode);
    let now = t0;
    // Warm-up: the JIT optimises the fast path; 20 s between checks keeps every rate limit quiet.
    const step = (i: number): void => {
      const o = orders[i & 1023]!;
      now += 20_000;
      before(i);
      after(o, service.check(o, now).verdict === 'pass');
    };
    for (let i = 0; i < 60_000; i++) step(i);
    const checked = allocationPerCheck(step);
    const probe = new NoCheck();
    let t = t0;
    const loop = allocationPerCheck((i) => {
      t += 20_000;
      probe.check(orders[i & 1023]!, t);
    });
    expect(service.checkStats.fast).toBeGreaterThan(150_000);
    // A heap number is 12-16 bytes: less than that per check is no allocation per check (the test
    // runner's own work lands in some batches). The previous check allocated 1.1 to 5.6 KB.
    expect(checked.bytesPerCheck - loop.bytesPerCheck).toBeLessThan(12);
  });
});
