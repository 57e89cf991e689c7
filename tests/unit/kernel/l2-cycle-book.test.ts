import { describe, expect, it } from 'vitest';
import type { EngineCore } from '../../../src/kernel/context.ts';
import { accountOf, bookOf, dropCycleBook, holdCycleBook } from '../../../src/kernel/l2-portfolio.ts';

/** A valuation whose equity the test moves, counting the account DTOs it builds. */
function fakeCore() {
  let equity = 1000;
  let built = 0;
  const ctx = {
    valuation: {
      account: () => {
        built++;
        return { equity, cash: equity - 250, reservedCash: 0 };
      },
      positions: () => [{ symbol: 'SPY', qty: 2, marketValue: 250 }],
    },
  } as unknown as EngineCore;
  return { ctx, built: () => built, move: (e: number) => void (equity = e) };
}

describe('the signal cycle holds one book', () => {
  it('when a cycle holds the book then its reads share one account and book, and after it drops them every read is fresh again', () => {
    const f = fakeCore();
    expect(bookOf(f.ctx).weights).toEqual({ SPY: 0.25 });
    expect(f.built()).toBe(1);
    holdCycleBook(f.ctx);
    const b = bookOf(f.ctx);
    expect(bookOf(f.ctx)).toBe(b);
    expect(accountOf(f.ctx)).toBe(accountOf(f.ctx));
    expect(f.built()).toBe(2);
    dropCycleBook(f.ctx);
    f.move(500);
    expect(bookOf(f.ctx).weights).toEqual({ SPY: 0.5 });
    expect(accountOf(f.ctx).equity).toBe(500);
    expect(f.built()).toBe(4);
  });
});
