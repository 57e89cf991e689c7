import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { REPLAY_SPEEDS } from '../../../src/contract/api.ts';
import { speedArg, timeWithin } from '../../../src/host/cli-replay.ts';

describe('strata replay speed argument', () => {
  it('takes every replay speed as written, a number with an x suffix, and max (which once lost its x and was refused)', () => {
    for (const s of REPLAY_SPEEDS) expect(speedArg(s)).toBe(s);
    expect(speedArg('10x')).toBe('10');
    expect(speedArg(' 60X ')).toBe('60');
    expect(speedArg('max')).toBe('max');
    expect(speedArg('MAX')).toBe('max');
  });

  it('refuses anything else, naming the speeds', () => {
    for (const bad of ['ma', 'maxx', '3', 'x', '10xx', '']) expect(() => speedArg(bad)).toThrow(InvalidArgumentError);
    expect(() => speedArg('3')).toThrow(/speed must be one of 1, 2, 5, 10, 60, max/);
  });
});

describe('strata replay seek time', () => {
  const start = Date.parse('2019-10-11T00:00:00Z');
  const at = Date.parse('2019-10-11T06:00:00Z');
  it('reads +N from the recording start and now±N from where the replay is (a trader at 06:00 typing +1h went back to 01:00)', () => {
    expect(timeWithin('+1h', start, at)).toBe(Date.parse('2019-10-11T01:00:00Z'));
    expect(timeWithin('now+1h', start, at)).toBe(Date.parse('2019-10-11T07:00:00Z'));
    expect(timeWithin('now-5m', start, at)).toBe(Date.parse('2019-10-11T05:55:00Z'));
    expect(timeWithin('now', start, at)).toBe(at);
    expect(timeWithin('2019-10-11T03:00:00Z', start, at)).toBe(Date.parse('2019-10-11T03:00:00Z'));
  });

  it('refuses now±N where there is no position (load --from) and an unreadable time, saying what it takes', () => {
    expect(() => timeWithin('now-5m', start)).toThrow(/now±N is for seek/);
    expect(() => timeWithin('yesterday', start, at)).toThrow(/now-5m from where the replay is/);
  });
});
