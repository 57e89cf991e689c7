import { PCT_ONE_HUNDRED } from './limits.ts';

/**
 * Equity watermarks for the loss limits and the drawdown circuit breaker: for the current day,
 * week (from Monday) and month, the equity at the period's start and its peak since. Periods are
 * UTC, shifted by `dayOffsetMs` (e.g. -5 h for a New York trading day). Pure and clock-fed; the
 * snapshot is what to persist so a restart keeps today's start and peak.
 */

export const DAY_MS = 86_400_000;

export type Period = 'daily' | 'weekly' | 'monthly';
export const PERIODS: readonly Period[] = ['daily', 'weekly', 'monthly'];

export interface PeriodMark {
  /** Start of the period, epoch ms. */
  start: number;
  startEquityUnits: bigint;
  peakEquityUnits: bigint;
}

export interface WatermarkSnapshot {
  marks: Record<Period, PeriodMark>;
  lastEquityUnits: bigint;
  at: number;
}

/** What the gate's loss checks and the drawdown breaker read. Drawdowns in pct units (1e-4 %), rounded up. */
export interface LossView {
  equityUnits: bigint;
  dayStartEquityUnits: bigint;
  /** Equity now minus the day's start, cash units. */
  dayPnlUnits: bigint;
  /** max(0, -dayPnl). */
  dailyLossUnits: bigint;
  drawdownPct: Record<Period, bigint>;
}

/** No loss at all: for callers with nothing observed yet. */
export const NO_LOSS: LossView = { equityUnits: 0n, dayStartEquityUnits: 0n, dayPnlUnits: 0n, dailyLossUnits: 0n, drawdownPct: { daily: 0n, weekly: 0n, monthly: 0n } };

export function periodStart(period: Period, now: number, dayOffsetMs = 0): number {
  const t = now - dayOffsetMs;
  const days = Math.floor(t / DAY_MS);
  if (period === 'daily') return days * DAY_MS + dayOffsetMs;
  if (period === 'weekly') {
    // 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) mod 7.
    const dow = (((days + 3) % 7) + 7) % 7;
    return (days - dow) * DAY_MS + dayOffsetMs;
  }
  const d = new Date(days * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) + dayOffsetMs;
}

/** Drawdown from peak in pct units, rounded up so that any loss beyond a level counts. */
export function drawdownPct(peakUnits: bigint, equityUnits: bigint): bigint {
  if (equityUnits >= peakUnits) return 0n;
  // Below a peak that was itself nothing: everything is lost.
  if (peakUnits <= 0n) return PCT_ONE_HUNDRED;
  const n = (peakUnits - equityUnits) * PCT_ONE_HUNDRED;
  return (n + peakUnits - 1n) / peakUnits;
}

export class EquityWatermarks {
  private snap: WatermarkSnapshot | undefined;
  private readonly dayOffsetMs: number;
  /** view() of the current snapshot: the gate reads it on every order, equity moves once a second. */
  private viewOfSnap: LossView | undefined;

  constructor(opts: { snapshot?: WatermarkSnapshot; dayOffsetMs?: number } = {}) {
    this.snap = opts.snapshot;
    this.dayOffsetMs = opts.dayOffsetMs ?? 0;
  }

  /**
   * Counts observations that changed the marks or the last equity (not the bare time): the owner
   * persists the snapshot only when this moved, so an unchanged equity costs no write.
   */
  private changes = 0;

  get changeCount(): number {
    return this.changes;
  }

  /** Feeds the current equity (cash + positions at mark); rolls periods over at their boundary. */
  observe(equityUnits: bigint, now: number): LossView {
    const prev = this.snap;
    // Within the day of the last observation no period can roll over (weeks and months start at a
    // day's start, in the same shifted time), so the three period starts need not be recomputed:
    // the replay and backtest clocks call this once a simulated second.
    if (prev && now >= prev.marks.daily.start && now < prev.marks.daily.start + DAY_MS && now >= prev.at) {
      if (equityUnits === prev.lastEquityUnits) {
        // Same equity, same periods: peaks and view stand; only the time moves.
        this.snap = { marks: prev.marks, lastEquityUnits: equityUnits, at: now };
        return this.view()!;
      }
      const pm = prev.marks;
      const up = (m: PeriodMark): PeriodMark => (equityUnits > m.peakEquityUnits ? { start: m.start, startEquityUnits: m.startEquityUnits, peakEquityUnits: equityUnits } : m);
      this.snap = { marks: { daily: up(pm.daily), weekly: up(pm.weekly), monthly: up(pm.monthly) }, lastEquityUnits: equityUnits, at: now };
      this.viewOfSnap = undefined;
      this.changes++;
      return this.view()!;
    }
    const marks = {} as Record<Period, PeriodMark>;
    for (const p of PERIODS) {
      const start = periodStart(p, now, this.dayOffsetMs);
      const m = prev?.marks[p];
      if (m && m.start === start) {
        marks[p] = { start, startEquityUnits: m.startEquityUnits, peakEquityUnits: equityUnits > m.peakEquityUnits ? equityUnits : m.peakEquityUnits };
      } else {
        // A new period starts from the last equity seen before it (or this one on the first call).
        const base = prev && m && m.start < start ? prev.lastEquityUnits : equityUnits;
        marks[p] = { start, startEquityUnits: base, peakEquityUnits: equityUnits > base ? equityUnits : base };
      }
    }
    this.snap = { marks, lastEquityUnits: equityUnits, at: now };
    this.viewOfSnap = undefined;
    this.changes++;
    return this.view()!;
  }

  /** The view as of the last observation; undefined before the first. */
  view(): LossView | undefined {
    const s = this.snap;
    if (!s) return undefined;
    if (this.viewOfSnap) return this.viewOfSnap;
    const day = s.marks.daily;
    const pnl = s.lastEquityUnits - day.startEquityUnits;
    return (this.viewOfSnap = {
      equityUnits: s.lastEquityUnits,
      dayStartEquityUnits: day.startEquityUnits,
      dayPnlUnits: pnl,
      dailyLossUnits: pnl < 0n ? -pnl : 0n,
      drawdownPct: {
        daily: drawdownPct(s.marks.daily.peakEquityUnits, s.lastEquityUnits),
        weekly: drawdownPct(s.marks.weekly.peakEquityUnits, s.lastEquityUnits),
        monthly: drawdownPct(s.marks.monthly.peakEquityUnits, s.lastEquityUnits),
      },
    });
  }

  snapshot(): WatermarkSnapshot | undefined {
    return this.snap;
  }
}

/** JSON text of a snapshot (bigints as decimal strings), for the store's meta table. */
export function watermarksToJson(s: WatermarkSnapshot): string {
  // Written out, not JSON.stringify of objects built for it: the engine persists this at each new
  // day, which in a daily-bar backtest is every order (the top self time of such a run). The same
  // text: keys in the same order, numbers as JSON writes them, bigints as decimal digit strings.
  const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');
  let marks = '';
  for (const p of PERIODS) {
    const m = s.marks[p];
    marks += `${marks === '' ? '' : ','}"${p}":{"start":${num(m.start)},"startEquity":"${m.startEquityUnits}","peakEquity":"${m.peakEquityUnits}"}`;
  }
  return `{"marks":{${marks}},"lastEquity":"${s.lastEquityUnits}","at":${num(s.at)}}`;
}

export function watermarksFromJson(text: string): WatermarkSnapshot | undefined {
  try {
    const j = JSON.parse(text) as { marks: Record<string, { start: number; startEquity: string; peakEquity: string }>; lastEquity: string; at: number };
    const marks = {} as Record<Period, PeriodMark>;
    for (const p of PERIODS) {
      const m = j.marks[p];
      if (!m || typeof m.start !== 'number') return undefined;
      marks[p] = { start: m.start, startEquityUnits: BigInt(m.startEquity), peakEquityUnits: BigInt(m.peakEquity) };
    }
    if (typeof j.at !== 'number') return undefined;
    return { marks, lastEquityUnits: BigInt(j.lastEquity), at: j.at };
  } catch {
    return undefined;
  }
}
