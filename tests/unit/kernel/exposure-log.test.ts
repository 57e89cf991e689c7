import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExposureLog } from '../../../src/kernel/exposure-log.ts';

describe('ExposureLog', () => {
  it('when symbols change then each step moves the version and names its symbol once', () => {
    const log = new ExposureLog();
    expect(log.version).toBe(0);
    expect(log.changedSince(0)).toEqual([]);
    log.changed('BTC/USD');
    log.changed('ETH/USD');
    log.changed('BTC/USD');
    expect(log.version).toBe(3);
    expect(log.changedSince(0)).toEqual(['BTC/USD', 'ETH/USD']);
    expect(log.changedSince(2)).toEqual(['BTC/USD']);
    expect(log.changedSince(3)).toEqual([]);
  });

  it('when a step changed everything, or the reader is unknown or too far behind, then the answer is all', () => {
    const log = new ExposureLog();
    log.changed('BTC/USD');
    log.changedAll();
    log.changed('ETH/USD');
    expect(log.changedSince(0)).toBe('all');
    expect(log.changedSince(1)).toBe('all');
    expect(log.changedSince(2)).toEqual(['ETH/USD']);
    expect(log.changedSince(undefined)).toBe('all');
    expect(log.changedSince('2')).toBe('all');
    expect(log.changedSince(1.5)).toBe('all');
    expect(log.changedSince(4)).toBe('all');
    for (let i = 0; i < 64; i++) log.changed('ACME');
    expect(log.changedSince(2)).toBe('all');
    expect(log.changedSince(3)).toEqual(['ACME']);
  });

  it('when steps are random then changedSince names every symbol changed after the version and no other (or says all)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom('A', 'B', 'C', 'D'), { nil: null, freq: 8 }), { maxLength: 150 }), fc.nat(), (steps, pick) => {
        const log = new ExposureLog();
        for (const s of steps) {
          if (s === null) log.changedAll();
          else log.changed(s);
        }
        const since = steps.length === 0 ? 0 : pick % (steps.length + 1);
        const after = steps.slice(since);
        const got = log.changedSince(since);
        if (after.includes(null) || after.length > 64) expect(got).toBe('all');
        else expect(got).toEqual([...new Set(after)]);
      }),
      { numRuns: 300 },
    );
  });
});
