import { describe, expect, it } from 'vitest';
import { dayStart, isoDate, monthStart, periodStart, weekStart } from '../../../src/pms/periods.ts';
import { utc } from './data.ts';

describe('calendar buckets', () => {
  it('when a time is mid-day then the day, ISO week and month start at UTC midnight', () => {
    // 2024-03-06 is a Wednesday.
    const t = utc('2024-03-06T15:30:00Z');
    expect(dayStart(t)).toBe(utc('2024-03-06'));
    expect(weekStart(t)).toBe(utc('2024-03-04'));
    expect(monthStart(t)).toBe(utc('2024-03-01'));
    expect(periodStart('week', t)).toBe(utc('2024-03-04'));
    expect(isoDate(t)).toBe('2024-03-06');
  });

  it('when the time is a Sunday then its ISO week started the Monday before', () => {
    expect(weekStart(utc('2024-03-10T23:59:59Z'))).toBe(utc('2024-03-04'));
    expect(weekStart(utc('2024-03-11T00:00:00Z'))).toBe(utc('2024-03-11'));
  });

  it('when an offset of +8 h is given then days roll at 16:00 UTC', () => {
    const eightHours = 8 * 3_600_000;
    expect(dayStart(utc('2024-03-06T15:59:59Z'), eightHours)).toBe(utc('2024-03-05T16:00:00Z'));
    expect(dayStart(utc('2024-03-06T16:00:00Z'), eightHours)).toBe(utc('2024-03-06T16:00:00Z'));
    expect(monthStart(utc('2024-02-29T17:00:00Z'), eightHours)).toBe(utc('2024-02-29T16:00:00Z'));
    expect(isoDate(utc('2024-02-29T17:00:00Z'), eightHours)).toBe('2024-03-01');
  });

  it('when the time is before 1970 then the buckets still floor (not truncate)', () => {
    expect(dayStart(utc('1969-12-31T12:00:00Z'))).toBe(utc('1969-12-31'));
  });
});
