import { dayStart, periodStart } from './periods.ts';
import type { Period } from './periods.ts';
import { drawdownReport, startOfDayNav } from './portfolio-metrics.ts';
import type { Drawdown, DrawdownReport, MaxDrawdown } from './portfolio-metrics.ts';
import type { Observation } from './returns.ts';

/**
 * `drawdownReport` and `startOfDayNav` of the PMS's NAV path, kept incrementally. The pure functions
 * walk the whole path; the PMS ran both every cycle (every 2 s of engine time) over a path that
 * grows by a point or two a minute, so a long replay spent most of its time re-walking history.
 *
 * The path is a stable prefix (points that never change again) and a short tail (the open bucket's
 * first / max / min / last, rewritten by every snapshot). The tracker folds each prefix point once,
 * with exactly the arithmetic of the pure functions in the same order, and finishes each call over
 * the tail on copies of that state, so the figures are the same to the bit. The prefix is folded
 * again from the start only when it changes shape (the path was seeded or trimmed: a new `epoch`)
 * or a period rolls over (a new day, week or month start); the per-period peaks depend on it.
 * A path that breaks the functions' preconditions is handed to them, so the errors are theirs.
 */

/** The view of a NAV path the tracker needs (NavHistory provides it). */
export interface NavPath {
  readonly points: readonly Observation[];
  /** Points at the front that will never change again (until the epoch moves). */
  readonly stableCount: number;
  /** Moves whenever points of the stable prefix are removed or inserted (trim, seed). */
  readonly epoch: number;
}

interface PeriodState {
  start: number;
  /** The last point at or before the period's start (the NAV it opened with). */
  opening: Observation | undefined;
  /** The first point after the start. */
  first: Observation | undefined;
  /** The highest point after the start, earliest on ties. */
  best: Observation | undefined;
}

interface InceptionState {
  hwm: Observation;
  max: MaxDrawdown;
}

export class DrawdownTracker {
  private readonly utcOffsetMs: number;
  private epoch = Number.NaN;
  /** Points of the prefix folded into `inception`. */
  private folded = 0;
  private inception: InceptionState | undefined;
  private readonly periods = new Map<Period, PeriodState & { folded: number }>();
  /** Time of the last folded prefix point (strictly increasing check). */
  private lastTime = Number.NEGATIVE_INFINITY;
  private valid = true;
  private starts: Record<Period, number> | undefined;

  constructor(utcOffsetMs = 0) {
    this.utcOffsetMs = utcOffsetMs;
  }

  /** As `drawdownReport(path.points, utcOffsetMs)`. */
  report(path: NavPath): DrawdownReport {
    const pts = path.points;
    const last = pts[pts.length - 1];
    if (last === undefined || !this.sync(path)) return drawdownReport(pts, this.utcOffsetMs);
    let { hwm, max } = this.inception ?? { hwm: pts[0]!, max: openingMax(pts[0]!) };
    for (let i = this.folded; i < pts.length; i++) ({ hwm, max } = foldInception(hwm, max, pts[i]!));
    const starts = this.periodStarts(last.time);
    const period = (p: Period): Drawdown => {
      const st = this.period(p, path, starts[p]);
      let { opening, best } = st;
      for (let i = st.folded; i < pts.length; i++) ({ opening, best } = foldPeriod(st.start, opening, best, pts[i]!));
      return drawdownFrom(peakOf(opening, best)!, last);
    };
    return { sinceInception: drawdownFrom(hwm, last), day: period('day'), week: period('week'), month: period('month'), max };
  }

  /** As `startOfDayNav(path.points, now, utcOffsetMs)`. */
  startOfDay(path: NavPath, now: number): number | null {
    const pts = path.points;
    const last = pts[pts.length - 1];
    // The shortcut assumes the whole path is at or before `now` (the cycle records `now` first).
    if (last === undefined || last.time > now || !Number.isFinite(now) || !this.sync(path)) return startOfDayNav(pts, now, this.utcOffsetMs);
    const st = this.period('day', path, dayStart(now, this.utcOffsetMs));
    let { opening, first } = st;
    for (let i = st.folded; i < pts.length; i++) {
      const o = pts[i]!;
      if (o.time <= st.start) opening = o;
      else if (first === undefined) first = o;
    }
    return (opening ?? first)?.value ?? null;
  }

  /** Day, week and month starts of `time`; the week's and month's are computed once a day. */
  private periodStarts(time: number): Record<Period, number> {
    const day = dayStart(time, this.utcOffsetMs);
    if (this.starts === undefined || this.starts.day !== day) {
      this.starts = { day, week: periodStart('week', time, this.utcOffsetMs), month: periodStart('month', time, this.utcOffsetMs) };
    }
    return this.starts;
  }

  /** Folds new stable points; false when the path breaks the preconditions (then the pure functions answer). */
  private sync(path: NavPath): boolean {
    if (path.epoch !== this.epoch) {
      this.epoch = path.epoch;
      this.folded = 0;
      this.inception = undefined;
      this.periods.clear();
      this.lastTime = Number.NEGATIVE_INFINITY;
      this.valid = true;
    }
    const pts = path.points;
    const stable = Math.min(path.stableCount, pts.length);
    for (let i = this.folded; i < stable && this.valid; i++) {
      const o = pts[i]!;
      if (!Number.isFinite(o.value) || !(o.time > this.lastTime)) {
        this.valid = false;
        break;
      }
      this.lastTime = o.time;
      this.inception = this.inception === undefined ? foldInception(o, openingMax(o), o) : foldInception(this.inception.hwm, this.inception.max, o);
      this.folded = i + 1;
    }
    if (!this.valid) return false;
    // The tail is checked on every call: it changes with every snapshot.
    let t = this.lastTime;
    for (let i = this.folded; i < pts.length; i++) {
      const o = pts[i]!;
      if (!Number.isFinite(o.value) || !(o.time > t)) return false;
      t = o.time;
    }
    return true;
  }

  /** The prefix state of a period starting at `start`, folded up to the tracker's prefix. */
  private period(p: Period, path: NavPath, start: number): PeriodState & { folded: number } {
    let st = this.periods.get(p);
    if (st === undefined || st.start !== start) {
      st = { start, opening: undefined, first: undefined, best: undefined, folded: 0 };
      this.periods.set(p, st);
    }
    const pts = path.points;
    for (let i = st.folded; i < this.folded; i++) {
      const o = pts[i]!;
      ({ opening: st.opening, best: st.best } = foldPeriod(start, st.opening, st.best, o));
      if (o.time > start && st.first === undefined) st.first = o;
    }
    st.folded = this.folded;
    return st;
  }
}

function openingMax(o: Observation): MaxDrawdown {
  return { peak: o.value, peakTime: o.time, trough: o.value, troughTime: o.time, amount: 0, fraction: o.value > 0 ? 0 : null };
}

/** One step of drawdownReport's forward pass (high-water mark and deepest fall). */
function foldInception(hwm: Observation, max: MaxDrawdown, o: Observation): InceptionState {
  if (o.value > hwm.value) hwm = o;
  const amount = hwm.value - o.value;
  const fraction = hwm.value > 0 ? amount / hwm.value : null;
  const deeper = fraction !== null ? max.fraction === null || fraction > max.fraction : max.fraction === null && amount > max.amount;
  if (deeper) max = { peak: hwm.value, peakTime: hwm.time, trough: o.value, troughTime: o.time, amount, fraction };
  return { hwm, max };
}

/**
 * The period peak of drawdownReport, forwards: its backward walk takes every point after the start
 * and the last one at or before it, and keeps the highest, the earliest on ties.
 */
function foldPeriod(start: number, opening: Observation | undefined, best: Observation | undefined, o: Observation): { opening: Observation | undefined; best: Observation | undefined } {
  if (o.time <= start) return { opening: o, best };
  return { opening, best: best === undefined || o.value > best.value ? o : best };
}

function peakOf(opening: Observation | undefined, best: Observation | undefined): Observation | undefined {
  if (opening === undefined) return best;
  if (best === undefined) return opening;
  return opening.value >= best.value ? opening : best;
}

function drawdownFrom(peak: Observation, last: Observation): Drawdown {
  const amount = Math.max(0, peak.value - last.value);
  return { peak: peak.value, peakTime: peak.time, nav: last.value, time: last.time, amount, fraction: peak.value > 0 ? amount / peak.value : null };
}
