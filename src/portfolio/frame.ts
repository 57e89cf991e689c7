import { badInput } from './errors.ts';

/**
 * A wide table of prices or returns: one row per date, one column per ticker. Values are kept
 * column-major (one Float64Array per ticker) because every estimator walks a column at a time.
 * NaN means "no observation" and is never filled: estimators use the complete observations of each
 * column or pair, as PyPortfolioOpt does (`pct_change` without fill). Leading NaN is an asset not yet
 * listed; a NaN inside a listed series is a gap: the returns into and out of it are missing (no
 * invented zero return, no return spanning the gap), every other observation is used.
 */
export interface Frame {
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  readonly columns: readonly Float64Array[];
}

export function frameRows(f: Frame): number {
  return f.dates.length;
}

/** Builds a frame from row-major numbers (null/undefined/NaN = missing). */
export function frameFromRows(tickers: readonly string[], rows: readonly (readonly (number | null)[])[], dates?: readonly string[]): Frame {
  const t = rows.length;
  const columns = tickers.map(() => new Float64Array(t));
  for (let i = 0; i < t; i++) {
    const row = rows[i]!;
    if (row.length !== tickers.length) throw badInput(`row ${i} has ${row.length} values for ${tickers.length} tickers`);
    for (let j = 0; j < tickers.length; j++) {
      const v = row[j];
      columns[j]![i] = v === null || v === undefined ? NaN : v;
    }
  }
  return { dates: dates ?? rows.map((_, i) => String(i)), tickers, columns };
}

/**
 * Parses a wide CSV of prices: first column the date, one column per ticker, empty cells missing.
 * A cell that is present but not a number is refused (a typo is not a missing price), and so is a
 * price at or below zero: no return can be computed from it (−5 → 5 would read as a −200% day).
 * `source` (the file name) ends every refusal about a cell so the operator knows where to look.
 */
export function parseWidePriceCsv(text: string, source?: string): Frame {
  const where = source === undefined ? '' : ` in ${source}`;
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length < 2) throw badInput('the price file needs a header and at least one row');
  const header = lines[0]!.split(',').map((s) => s.trim());
  const tickers = header.slice(1);
  if (tickers.length === 0) throw badInput('the price file has no ticker columns (first column is the date, then one column per ticker)');
  const seen = new Set<string>();
  for (const tk of tickers) {
    if (tk.length === 0) throw badInput('the price file header has an empty ticker name');
    if (seen.has(tk)) throw badInput(`ticker ${tk} appears twice in the header`);
    seen.add(tk);
  }
  const t = lines.length - 1;
  const dates: string[] = [];
  const columns = tickers.map(() => new Float64Array(t));
  for (let i = 0; i < t; i++) {
    const cells = lines[i + 1]!.split(',');
    if (cells.length !== header.length) throw badInput(`line ${i + 2} has ${cells.length} cells, the header has ${header.length}`);
    dates.push(cells[0]!.trim());
    for (let j = 0; j < tickers.length; j++) {
      const c = cells[j + 1]!.trim();
      if (c === '' || c === 'NaN' || c === 'nan') {
        columns[j]![i] = NaN;
        continue;
      }
      const v = Number(c);
      if (!Number.isFinite(v)) throw badInput(`line ${i + 2}, ${tickers[j]}: "${c}" is not a price${where}`);
      if (v <= 0) throw badInput(`line ${i + 2} (${cells[0]!.trim()}), ${tickers[j]}: price ${c} is not positive${where}; a return cannot be computed from it`);
      columns[j]![i] = v;
    }
  }
  return { dates, tickers, columns };
}

/** Keeps the listed tickers, in that order. */
export function selectTickers(f: Frame, tickers: readonly string[]): Frame {
  const cols = tickers.map((tk) => {
    const j = f.tickers.indexOf(tk);
    if (j < 0) throw badInput(`ticker ${tk} is not in the price table`);
    return f.columns[j]!;
  });
  return { dates: f.dates, tickers, columns: cols };
}

/**
 * Simple (or log) returns from prices: r_t = p_t / p_{t-1} − 1 with no forward fill, then rows
 * where every ticker is missing are dropped (the first row always is). Matches
 * `prices.pct_change().dropna(how="all")`.
 */
export function returnsFromPrices(prices: Frame, log = false): Frame {
  const t = prices.dates.length;
  const n = prices.tickers.length;
  const raw = prices.columns.map((p) => {
    const r = new Float64Array(Math.max(t - 1, 0));
    for (let i = 1; i < t; i++) {
      const v = p[i]! / p[i - 1]! - 1;
      r[i - 1] = log ? Math.log1p(v) : v;
    }
    return r;
  });
  const keep: number[] = [];
  for (let i = 0; i < t - 1; i++) {
    for (let j = 0; j < n; j++) {
      if (!Number.isNaN(raw[j]![i]!)) {
        keep.push(i);
        break;
      }
    }
  }
  if (keep.length === t - 1) return { dates: prices.dates.slice(1), tickers: prices.tickers, columns: raw };
  const columns = raw.map((r) => {
    const c = new Float64Array(keep.length);
    for (let k = 0; k < keep.length; k++) c[k] = r[keep[k]!]!;
    return c;
  });
  return { dates: keep.map((i) => prices.dates[i + 1]!), tickers: prices.tickers, columns };
}

/** Last row of prices per ticker (the latest price, NaN if the last row is missing). */
export function latestPrices(prices: Frame): Record<string, number> {
  const out: Record<string, number> = {};
  const last = prices.dates.length - 1;
  prices.tickers.forEach((tk, j) => {
    out[tk] = prices.columns[j]![last]!;
  });
  return out;
}

/** Refuses prices a return can't be computed from: infinite, zero or negative, or a frame too short. */
export function checkPrices(prices: Frame, minRows = 2): void {
  if (prices.tickers.length === 0) throw badInput('no tickers');
  if (prices.dates.length < minRows) throw badInput(`${prices.dates.length} price rows; at least ${minRows} are needed`);
  prices.columns.forEach((c, j) => {
    let valid = 0;
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v) || v <= 0) throw badInput(`${prices.tickers[j]} has price ${v} on ${prices.dates[i]} (row ${i + 1}): a return cannot be computed from a price that is not positive`);
      valid++;
    }
    if (valid < 2) throw badInput(`${prices.tickers[j]} has ${valid} price(s): at least 2 are needed for a return`);
  });
}

/** Rows of a returns frame in which every ticker has a return (a complete scenario). */
export function completeRows(returns: Frame): number {
  let k = 0;
  for (let i = 0; i < returns.dates.length; i++) {
    if (returns.columns.every((c) => Number.isFinite(c[i]!))) k++;
  }
  return k;
}

/**
 * Refuses an estimate from too little history. N assets need at least N + 1 return rows in which
 * every asset has a return: T returns give a sample covariance of rank at most T − 1, so with
 * fewer the risk model is singular (or, shrunk, mostly the shrinkage target) and the scenarios a
 * CVaR programme fits can be hedged exactly; weights from it would be an artefact of the sample.
 * PyPortfolioOpt computes anyway; here it is BAD_INPUT with the counts.
 */
export function requireHistory(returns: Frame, what: string): void {
  const n = returns.tickers.length;
  const k = completeRows(returns);
  if (k < n + 1) {
    throw badInput(`${what} on ${n} assets needs at least ${n + 1} return rows in which every asset has a return; the prices give ${k}${k < returns.dates.length ? ` (of ${returns.dates.length} rows with any return)` : ''}`);
  }
}
