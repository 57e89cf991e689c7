import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { REPLAY_SPEEDS } from '../../../src/contract/api.ts';
import { speedArg } from '../../../src/host/cli-replay.ts';

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
