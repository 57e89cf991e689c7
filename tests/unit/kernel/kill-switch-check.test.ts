import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import type { Order } from '../../../src/core/order.ts';
import { KillSwitchCheck } from '../../../src/kernel/kill-switch-check.ts';

function order(id: string, algo: Order['algo'] = null): Order {
  return { id, algo, trigger: null } as Order;
}

function setup(open: Order[]) {
  const clock = new SimClock(1_000_000);
  const calls: string[] = [];
  const alerts: string[] = [];
  let published = 0;
  const check = new KillSwitchCheck(
    {
      clock,
      openOrders: () => [...open],
      cancelAgain: (id) => calls.push(`cancel ${id}`),
      settle: async (id) => {
        calls.push(`settle ${id}`);
      },
      publish: () => {
        published++;
      },
      log: () => {},
      alert: (code, msg) => alerts.push(`${code} ${msg}`),
    },
    { intervalMs: 2_000, rounds: 3 },
  );
  return { clock, calls, alerts, check, published: () => published };
}

describe('KillSwitchCheck (issue 8, D1)', () => {
  it('when every cancel is confirmed before the first check then the check says confirmed and re-sends nothing', () => {
    const open = [order('A'), order('B')];
    const s = setup(open);
    s.check.begin();
    expect(s.check.dto()).toMatchObject({ status: 'verifying', pending: ['A', 'B'], rounds: 0 });
    open.length = 0;
    s.clock.advanceBy(2_000);
    expect(s.check.dto()).toMatchObject({ status: 'confirmed', pending: [], rounds: 1 });
    expect(s.calls).toEqual([]);
    expect(s.alerts).toEqual([]);
  });

  it('when an order stays open then its cancel is re-sent and the venue asked each round (parents skipped), and it is confirmed once it closes', () => {
    const open = [order('P', 'twap'), order('P-C1')];
    const s = setup(open);
    s.check.begin();
    s.clock.advanceBy(2_000);
    expect(s.calls).toEqual(['cancel P-C1', 'settle P-C1']);
    expect(s.check.dto()?.status).toBe('verifying');
    open.length = 0;
    s.clock.advanceBy(2_000);
    expect(s.check.dto()).toMatchObject({ status: 'confirmed', rounds: 2 });
  });

  it('when orders are still open after the last round then the check is unconfirmed, names them and escalates', () => {
    const s = setup([order('X')]);
    s.check.begin();
    s.clock.advanceBy(10_000);
    expect(s.check.dto()).toMatchObject({ status: 'unconfirmed', pending: ['X'], rounds: 3 });
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]).toMatch(/^KILL_SWITCH_UNCONFIRMED .*X/);
    s.clock.advanceBy(60_000);
    expect(s.check.dto()?.rounds).toBe(3);
    expect(s.published()).toBeGreaterThanOrEqual(3);
  });
});
