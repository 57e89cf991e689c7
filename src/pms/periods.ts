/**
 * Calendar buckets for the PMS analytics: day, ISO week (Monday start) and month, on epoch-ms times.
 *
 * A bucket is computed in UTC shifted by `utcOffsetMs` (e.g. +8 h for a session that rolls at 16:00
 * UTC, or a venue's local time): the returned start is a real instant (epoch ms), the start of the
 * bucket in that shifted clock. Pure arithmetic, no time-zone database.
 */

export const MS_PER_DAY = 86_400_000;

export type Period = 'day' | 'week' | 'month';

/** Start (epoch ms) of the day containing `time`, days rolling at 00:00 of UTC+offset. */
export function dayStart(time: number, utcOffsetMs = 0): number {
  return Math.floor((time + utcOffsetMs) / MS_PER_DAY) * MS_PER_DAY - utcOffsetMs;
}

/** Start (epoch ms) of the ISO week (Monday 00:00 of UTC+offset) containing `time`. */
export function weekStart(time: number, utcOffsetMs = 0): number {
  const day = dayStart(time, utcOffsetMs);
  const weekday = new Date(day + utcOffsetMs).getUTCDay(); // 0 = Sunday
  const sinceMonday = (weekday + 6) % 7;
  return day - sinceMonday * MS_PER_DAY;
}

/** Start (epoch ms) of the calendar month (the 1st, 00:00 of UTC+offset) containing `time`. */
export function monthStart(time: number, utcOffsetMs = 0): number {
  const shifted = new Date(time + utcOffsetMs);
  return Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), 1) - utcOffsetMs;
}

/** Start of the `period` bucket containing `time`. */
export function periodStart(period: Period, time: number, utcOffsetMs = 0): number {
  switch (period) {
    case 'day':
      return dayStart(time, utcOffsetMs);
    case 'week':
      return weekStart(time, utcOffsetMs);
    case 'month':
      return monthStart(time, utcOffsetMs);
  }
}

/** `YYYY-MM-DD` of the day containing `time` in UTC+offset (labels for reports and messages). */
export function isoDate(time: number, utcOffsetMs = 0): string {
  return new Date(dayStart(time, utcOffsetMs) + utcOffsetMs).toISOString().slice(0, 10);
}
