import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Daily closes the PMS replays for historical stress (worst day and week per instrument). Each
 * file `<dir>/<SYMBOL>.csv` has a header `date,<column>` and one `YYYY-MM-DD,close` row per day;
 * a `/` in a symbol is written `-` in the file name (BTC-USDT.csv). Missing directory: no history,
 * and the stress report lists the instruments without it.
 */

export const DEFAULT_HISTORY_DIR = fileURLToPath(new URL('../../assets/demo/history', import.meta.url));

export type DailyHistory = Record<string, { series: { time: number; close: number }[]; source: string }>;

export function loadDailyHistory(dir: string = DEFAULT_HISTORY_DIR): DailyHistory {
  const out: DailyHistory = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.csv')) continue;
    const symbol = name.slice(0, -4).replace(/-/g, '/');
    const series: { time: number; close: number }[] = [];
    const lines = readFileSync(join(dir, name), 'utf8').split(/\r?\n/);
    for (const line of lines.slice(1)) {
      const [date, close] = line.split(',');
      if (!date || close === undefined) continue;
      const time = Date.parse(`${date}T00:00:00Z`);
      const c = Number(close);
      if (Number.isFinite(time) && Number.isFinite(c) && c > 0) series.push({ time, close: c });
    }
    if (series.length > 1) out[symbol] = { series, source: `${name} (${lines[1]?.split(',')[0] ?? '?'} .. ${new Date(series.at(-1)!.time).toISOString().slice(0, 10)})` };
  }
  return out;
}
