import { describe, expect, it } from 'vitest';
import { crossOver, ema, momentum, roc, sma, smaLast, stddev, stddevLast } from '../../../src/signals/indicators.ts';
import { backtraderDaily, backtraderReference } from '../../fixtures/signals/bars.ts';

const closes = backtraderDaily().map((b) => b.close);
const ref = backtraderReference();

/** backtrader prints values with '%f' and compares strings. */
const f6 = (x: number): string => x.toFixed(6);

function expectAt(series: number[], name: string, line = 0): void {
  const r = ref.indicators[name]!;
  r.checkpoints.forEach((idx, k) => expect(f6(series[idx]!), `${name} at bar ${idx}`).toBe(r.values[line]![k]));
}

describe('indicators against backtrader 1.9.78 test values on 2006-day-001 (close)', () => {
  it('when SMA(30) is computed then last, first valid and middle match and index 28 is not yet valid', () => {
    const s = sma(closes, 30);
    expectAt(s, 'SMA');
    expect(s[28]).toBeNaN();
    expect(smaLast(closes, 30)).toBeCloseTo(s[254]!, 9);
  });

  it('when EMA(30) is computed then it is seeded with SMA(30) and matches backtrader', () => {
    const e = ema(closes, 30);
    expectAt(e, 'EMA');
    expect(e[29]).toBe(sma(closes, 30)[29]);
  });

  it('when StdDev(20) is computed then BBands(20, 2) rebuilt from it matches top and bottom', () => {
    const mid = sma(closes, 20);
    const sd = stddev(closes, 20);
    const top = mid.map((m, i) => m + 2 * sd[i]!);
    const bot = mid.map((m, i) => m - 2 * sd[i]!);
    expectAt(mid, 'BBands', 0);
    expectAt(top, 'BBands', 1);
    expectAt(bot, 'BBands', 2);
    expect(stddevLast(closes, 20)).toBeCloseTo(sd[254]!, 9);
  });

  it('when Momentum(12) and ROC(12) are computed then they match and start at index 12', () => {
    expectAt(momentum(closes, 12), 'Momentum');
    expectAt(roc(closes, 12), 'ROC');
    expect(momentum(closes, 12)[11]).toBeNaN();
  });

  it('when CrossOver(close, SMA15) drives backtrader test strategy then buy and sell closes are the published ones', () => {
    // The strategy buys on an up-cross when flat and closes on a down-cross when long.
    const cross = crossOver(closes, sma(closes, 15));
    const buys: string[] = [];
    const sells: string[] = [];
    let long = false;
    cross.forEach((c, i) => {
      if (!long && c > 0) {
        buys.push(closes[i]!.toFixed(2));
        long = true;
      } else if (long && c < 0) {
        sells.push(closes[i]!.toFixed(2));
        long = false;
      }
    });
    expect(buys).toEqual(ref.crossover_strategy.buy_signal_closes);
    expect(sells).toEqual(ref.crossover_strategy.sell_signal_closes);
    expect(cross[14]).toBeNaN();
    expect(cross[15]).not.toBeNaN();
  });
});

describe('crossOver edge cases (backtrader rule)', () => {
  it('when a touches b and moves back then there is no cross', () => {
    expect(crossOver([1, 2, 1], [2, 2, 2])).toEqual([Number.NaN, 0, 0]);
  });
  it('when a touches b and then goes through then the cross is on the bar that goes through', () => {
    expect(crossOver([1, 2, 3, 3], [2, 2, 2, 2])).toEqual([Number.NaN, 0, 1, 0]);
    expect(crossOver([3, 2, 1], [2, 2, 2])).toEqual([Number.NaN, 0, -1]);
  });
  it('when the seed difference is zero then the first move away is no cross', () => {
    expect(crossOver([2, 3, 1, 3], [2, 2, 2, 2])).toEqual([Number.NaN, 0, -1, 1]);
  });
  it('when periods are invalid or lengths differ then it throws', () => {
    expect(() => sma([1, 2], 0)).toThrow(RangeError);
    expect(() => crossOver([1], [1, 2])).toThrow(RangeError);
  });
});
