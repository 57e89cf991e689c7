/** Calendar keys (UTC) for the day / week / month / year breakdowns. */

export type Breakdown = 'day' | 'week' | 'month' | 'year';

const DAY = 86_400_000;

/** ISO 8601 week: `2006-W01`; the week belongs to the year of its Thursday. */
function isoWeek(ms: number): string {
  const d = new Date(ms);
  const wd = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = Math.floor(ms / DAY) * DAY - wd * DAY + 3 * DAY;
  const y = new Date(thursday).getUTCFullYear();
  const jan4 = Date.UTC(y, 0, 4);
  const jan4wd = (new Date(jan4).getUTCDay() + 6) % 7;
  const week1Thursday = jan4 - jan4wd * DAY + 3 * DAY;
  const w = Math.round((thursday - week1Thursday) / (7 * DAY)) + 1;
  return `${y}-W${String(w).padStart(2, '0')}`;
}

export function periodKey(period: Breakdown, ms: number): string {
  const iso = new Date(ms).toISOString();
  switch (period) {
    case 'day':
      return iso.slice(0, 10);
    case 'month':
      return iso.slice(0, 7);
    case 'year':
      return iso.slice(0, 4);
    case 'week':
      return isoWeek(ms);
  }
}

/** [start, end) in epoch ms of the period holding `ms`. */
export function periodBounds(period: Breakdown, ms: number): [number, number] {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (period) {
    case 'day': {
      const s = Math.floor(ms / DAY) * DAY;
      return [s, s + DAY];
    }
    case 'week': {
      const s = Math.floor(ms / DAY) * DAY - ((d.getUTCDay() + 6) % 7) * DAY;
      return [s, s + 7 * DAY];
    }
    case 'month':
      return [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)];
    case 'year':
      return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
  }
}
