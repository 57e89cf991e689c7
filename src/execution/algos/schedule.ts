/**
 * Schedules shared by the scheduled algorithms: slice times and cumulative targets.
 * Targets are cumulative (how much should be done by slice k), so being behind after a slice is
 * caught up by the next one and a restart simply recomputes where the schedule is.
 */

/** The schedule of a scheduled algorithm: when each slice starts and how much is due by its end. */
export interface AlgoSchedule {
  /** Slice start times, epoch ms, non-decreasing. */
  times: number[];
  /** Cumulative share of the quantity due by the end of each slice; the last is 1. */
  fractions: number[];
}

/** What a schedule is computed from (a subset of AlgoParams). */
export interface ScheduleParams {
  startAt: number;
  endAt: number;
  slices?: number;
  jitterPct?: number;
  volumeProfile?: number[];
  profileBucketMinutes?: number;
}

/** Equal slices over [start, end] with optional jitter of the slice times (TWAP, adaptive). */
export function evenSchedule(p: ScheduleParams, random: (k: number) => number): AlgoSchedule {
  const n = p.slices ?? 10;
  const times = sliceTimes(p.startAt, p.endAt, n, p.jitterPct ?? 0, random);
  return { times, fractions: times.map((_, k) => twapFraction(k, n)) };
}

/**
 * What the schedule asks to be done at `now`, in units rounded down to the lot: 0 before the
 * first slice. The runner's progress marker, the preview and the algorithms read the same figure.
 */
export function scheduledAt(s: AlgoSchedule, now: number, qtyUnits: bigint, lotUnits: bigint): { slice: number; dueUnits: bigint } {
  const k = currentSlice(s.times, now);
  return { slice: k, dueUnits: k < 0 ? 0n : targetUnits(qtyUnits, s.fractions[k] ?? 1, lotUnits) };
}

/** Slice start times: start + k·interval, each moved by up to ±jitter·interval (never past end). */
export function sliceTimes(startAt: number, endAt: number, slices: number, jitterPct: number, random: (k: number) => number): number[] {
  const n = Math.max(1, Math.floor(slices));
  const interval = (endAt - startAt) / n;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const j = k === 0 || jitterPct <= 0 ? 0 : (random(k) * 2 - 1) * jitterPct * interval;
    out.push(Math.round(Math.min(endAt - 1, Math.max(startAt, startAt + k * interval + j))));
  }
  // Jitter must not reorder slices.
  for (let k = 1; k < n; k++) if (out[k]! < out[k - 1]!) out[k] = out[k - 1]!;
  return out;
}

/** Index of the slice in force at `now` (-1 before the first). */
export function currentSlice(times: readonly number[], now: number): number {
  let k = -1;
  for (let i = 0; i < times.length; i++) if (times[i]! <= now) k = i;
  return k;
}

/** Cumulative share of the quantity due by the end of slice k, equal slices (TWAP). */
export function twapFraction(k: number, slices: number): number {
  return Math.min(1, (k + 1) / slices);
}

/**
 * Cumulative share due by the end of each slice when volume follows an intraday profile (VWAP):
 * the profile is integrated over each slice's time span (UTC buckets of `bucketMinutes`).
 */
export function profileFractions(startAt: number, endAt: number, slices: number, profile: readonly number[], bucketMinutes: number): number[] {
  const n = Math.max(1, Math.floor(slices));
  const bucketMs = bucketMinutes * 60_000;
  const dayMs = 86_400_000;
  const weightAt = (t: number): number => {
    if (profile.length === 0) return 1;
    const idx = Math.floor(((t % dayMs) + dayMs) % dayMs / bucketMs) % profile.length;
    return Math.max(profile[idx] ?? 0, 1e-9);
  };
  const interval = (endAt - startAt) / n;
  const weights: number[] = [];
  for (let k = 0; k < n; k++) {
    // Integrate with a few samples per slice: buckets are long compared with slices.
    const samples = 8;
    let w = 0;
    for (let s = 0; s < samples; s++) w += weightAt(startAt + k * interval + ((s + 0.5) / samples) * interval);
    weights.push(w / samples);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    out.push(Math.min(1, acc));
  }
  out[n - 1] = 1;
  return out;
}

/**
 * qty × fraction rounded down to the lot (the last slice always asks for everything). Cumulative
 * fractions are sums of floats (0.9 may come out as 0.8999999999999999): a tolerance far below one
 * unit keeps such a target from losing a unit.
 */
export function targetUnits(qtyUnits: bigint, fraction: number, lotUnits: bigint): bigint {
  if (fraction >= 1) return qtyUnits;
  if (!(fraction > 0)) return 0n;
  const raw = BigInt(Math.floor(Number(qtyUnits) * fraction + 1e-6));
  const t = raw - (raw % lotUnits);
  return t > qtyUnits ? qtyUnits : t;
}
