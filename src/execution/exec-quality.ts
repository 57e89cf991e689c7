import type { ExecQualityConfigDto, ExecQualityGroupDto, ExecQualityPointDto, TcaDto } from '../contract/dto.ts';
import type { EngineAlertDto } from '../contract/risk-dto.ts';

/**
 * Execution quality over time: finished parents' implementation shortfall grouped per algorithm
 * and per instrument, the recent window against the earlier baseline, and a deterioration check
 * that raises once when the recent mean leaves the band and clears when it is back inside.
 * Pure functions plus one small stateful tracker; the kernel feeds it final TCAs.
 */

export const DEFAULT_EXEC_QUALITY: ExecQualityConfigDto = { bandBps: 10, minCount: 6, window: 5 };

export type QualityDimension = 'algo' | 'symbol';

/** A final TCA as a point of the trend (shortfall and the pre-trade estimate, both bps). */
export function qualityPoint(t: TcaDto): ExecQualityPointDto {
  return {
    orderId: t.orderId,
    algo: t.algo,
    symbol: t.symbol,
    side: t.side,
    endTs: t.endTs,
    shortfallBps: t.shortfallBps,
    estimatedBps: t.estimatedBps ?? null,
    qty: t.filledQty,
    // Rounded to 1e-8: avg × qty in floats carries noise (158.25175000000002).
    notional: t.avgFillPrice !== null ? Math.round(t.avgFillPrice * t.filledQty * 1e8) / 1e8 : 0,
  };
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, x) => a + x, 0) / xs.length);
const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100 || 0);

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * One group's summary; `points` in end-time order. The recent window is the last `window` parents,
 * the baseline every parent before it. The status needs `minCount` parents in all and a non-empty
 * baseline, so a handful of early parents cannot fire it.
 */
export function summarise(key: string, points: readonly ExecQualityPointDto[], cfg: ExecQualityConfigDto): ExecQualityGroupDto {
  const sf = points.map((p) => p.shortfallBps);
  const est = points.flatMap((p) => (p.estimatedBps === null ? [] : [p.estimatedBps]));
  const cut = Math.max(0, points.length - cfg.window);
  const recent = sf.slice(cut);
  const baseline = sf.slice(0, cut);
  const recentMean = mean(recent);
  const baselineMean = mean(baseline);
  let status: ExecQualityGroupDto['status'] = 'insufficient';
  if (points.length >= cfg.minCount && recentMean !== null && baselineMean !== null) {
    status = recentMean - baselineMean > cfg.bandBps ? 'deteriorated' : 'ok';
  }
  return {
    key,
    parents: points.length,
    meanShortfallBps: round2(mean(sf)),
    medianShortfallBps: round2(median(sf)),
    meanEstimatedBps: round2(mean(est)),
    recentMeanBps: round2(recentMean),
    recentMedianBps: round2(median(recent)),
    baselineMeanBps: round2(baselineMean),
    status,
  };
}

/** Groups points (any order) by algorithm or instrument, each group in end-time order. */
export function groupBy(points: readonly ExecQualityPointDto[], dim: QualityDimension, cfg: ExecQualityConfigDto): ExecQualityGroupDto[] {
  const by = new Map<string, ExecQualityPointDto[]>();
  for (const p of [...points].sort(byEnd)) {
    const k = dim === 'algo' ? p.algo : p.symbol;
    const g = by.get(k);
    if (g) g.push(p);
    else by.set(k, [p]);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => summarise(k, g, cfg));
}

export function byEnd(a: ExecQualityPointDto, b: ExecQualityPointDto): number {
  return a.endTs - b.endTs || a.orderId.localeCompare(b.orderId);
}

export interface QualityTransition {
  kind: 'raised' | 'cleared';
  dimension: QualityDimension;
  key: string;
  group: ExecQualityGroupDto;
}

/**
 * Holds every final point and which groups are outside the band. `add` returns the transitions
 * the new point causes: a group raises once when it becomes `deteriorated` and clears once when
 * it is back inside; `load` takes history (e.g. at start) without reporting transitions for it.
 */
export class QualityTracker {
  private readonly points = new Map<string, ExecQualityPointDto>();
  private readonly outside = new Set<string>();

  readonly config: ExecQualityConfigDto;

  constructor(config: ExecQualityConfigDto = DEFAULT_EXEC_QUALITY) {
    if (!(config.bandBps >= 0) || !Number.isInteger(config.minCount) || config.minCount < 2 || !Number.isInteger(config.window) || config.window < 1) {
      throw new RangeError(`exec quality config: bandBps ≥ 0, minCount ≥ 2 and window ≥ 1 integers (got ${JSON.stringify(config)})`);
    }
    this.config = config;
  }

  load(points: readonly ExecQualityPointDto[]): void {
    for (const p of points) this.points.set(p.orderId, p);
    for (const dim of ['algo', 'symbol'] as const) {
      for (const g of groupBy([...this.points.values()], dim, this.config)) if (g.status === 'deteriorated') this.outside.add(`${dim}:${g.key}`);
    }
  }

  add(p: ExecQualityPointDto): QualityTransition[] {
    this.points.set(p.orderId, p);
    const out: QualityTransition[] = [];
    for (const dim of ['algo', 'symbol'] as const) {
      const key = dim === 'algo' ? p.algo : p.symbol;
      const group = summarise(key, this.all().filter((q) => (dim === 'algo' ? q.algo : q.symbol) === key), this.config);
      const id = `${dim}:${key}`;
      const was = this.outside.has(id);
      if (group.status === 'deteriorated' && !was) {
        this.outside.add(id);
        out.push({ kind: 'raised', dimension: dim, key, group });
      } else if (group.status !== 'deteriorated' && was) {
        this.outside.delete(id);
        out.push({ kind: 'cleared', dimension: dim, key, group });
      }
    }
    return out;
  }

  /** Every point in end-time order. */
  all(): ExecQualityPointDto[] {
    return [...this.points.values()].sort(byEnd);
  }

  /** The query: optional filters; `limit` keeps the newest points per reply (groups use all that match). */
  query(f: { algo?: string | undefined; symbol?: string | undefined; limit?: number | undefined }): { points: ExecQualityPointDto[]; byAlgo: ExecQualityGroupDto[]; bySymbol: ExecQualityGroupDto[]; config: ExecQualityConfigDto } {
    const pts = this.all().filter((p) => (f.algo === undefined || p.algo === f.algo) && (f.symbol === undefined || p.symbol === f.symbol));
    return {
      points: f.limit !== undefined ? pts.slice(Math.max(0, pts.length - f.limit)) : pts,
      byAlgo: groupBy(pts, 'algo', this.config),
      bySymbol: groupBy(pts, 'symbol', this.config),
      config: this.config,
    };
  }
}

export function transitionMessage(t: QualityTransition, cfg: ExecQualityConfigDto): string {
  const what = `${t.dimension === 'algo' ? 'algorithm' : 'instrument'} ${t.key}`;
  const g = t.group;
  return t.kind === 'raised'
    ? `execution quality of ${what} deteriorated: mean shortfall of the last ${Math.min(cfg.window, g.parents)} parents ${g.recentMeanBps} bps vs baseline ${g.baselineMeanBps} bps (band ${cfg.bandBps} bps)`
    : `execution quality of ${what} back inside the band: recent ${g.recentMeanBps ?? '-'} bps vs baseline ${g.baselineMeanBps ?? '-'} bps`;
}

/**
 * What a TCA does to the trend: a non-final TCA (a live one) nothing; a final one joins the trend
 * and each group that leaves or re-enters the band becomes one engine alert (the path the toasts
 * and the CLI's alert list already show).
 */
export function qualityAlerts(tracker: QualityTracker, t: TcaDto, at: number): EngineAlertDto[] {
  if (!t.final) return [];
  return tracker.add(qualityPoint(t)).map((tr) => ({
    code: tr.kind === 'raised' ? 'EXEC_QUALITY_DETERIORATED' : 'EXEC_QUALITY_RECOVERED',
    severity: 'warn',
    message: transitionMessage(tr, tracker.config),
    orderId: t.orderId,
    at,
  }));
}
