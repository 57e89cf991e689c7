import type { AlgoParamsDto, ExecutionStyle, Urgency } from '../contract/dto.ts';
import type { AlgoParams } from './algos/types.ts';

/**
 * Urgency → algorithm and horizon, in one place. The trader can override the algorithm and any
 * parameter; routing only fills in what is not given and explains what it chose.
 */
export interface RoutingRule {
  algo: ExecutionStyle;
  horizonSec: number;
}

export interface RoutingTable {
  byUrgency: Record<Urgency, RoutingRule>;
  /** Largest share of expected market volume a scheduled algo may take before routing reacts. */
  maxParticipation: number;
  /** How far routing may stretch the horizon of a large order before switching to POV. */
  maxHorizonMultiple: number;
  /** Seconds of child spacing for TWAP/VWAP/adaptive slices (within [4, 60] slices). */
  sliceSec: number;
}

export const DEFAULT_ROUTING: RoutingTable = {
  byUrgency: {
    immediate: { algo: 'market', horizonSec: 0 },
    high: { algo: 'twap', horizonSec: 120 },
    medium: { algo: 'twap', horizonSec: 600 },
    low: { algo: 'passive', horizonSec: 3600 },
  },
  maxParticipation: 0.1,
  maxHorizonMultiple: 4,
  sliceSec: 15,
};

export interface RouteRequest {
  urgency: Urgency;
  qtyUnits: bigint;
  limitGiven: boolean;
  override?: ExecutionStyle | undefined;
  params?: Pick<AlgoParamsDto, 'durationSec' | 'startAt' | 'endAt' | 'slices' | 'jitterPct' | 'participation' | 'displayJitterPct'> | undefined;
  /** Parsed from params by the caller (qty params need the instrument's precision). */
  minChildUnits?: bigint | undefined;
  maxChildUnits?: bigint | undefined;
  displayUnits?: bigint | undefined;
}

export interface RouteContext {
  now: number;
  /** Recent market volume in qty units per second, if known. */
  volumePerSec: number | undefined;
  seed: number;
  volumeProfile?: { profile: number[]; bucketMinutes: number } | undefined;
}

export interface RoutePlan {
  style: ExecutionStyle;
  params: AlgoParams;
  rationale: string;
  expectedParticipation: number | null;
}

export function route(req: RouteRequest, ctx: RouteContext, table: RoutingTable = DEFAULT_ROUTING): RoutePlan {
  const rule = table.byUrgency[req.urgency];
  let style: ExecutionStyle = req.override ?? (rule.algo === 'market' && req.limitGiven ? 'limit' : rule.algo);
  const first = req.override ? `${style} chosen by the trader` : `${req.urgency} urgency → ${style}`;
  // Further reasons only when routing changes its mind (a large order): a direct order builds no list.
  let why: string[] | undefined;
  const p = req.params ?? NO_PARAMS;
  let horizonSec = p.durationSec ?? (p.endAt !== undefined ? Math.max(1, (p.endAt - (p.startAt ?? ctx.now)) / 1000) : rule.horizonSec || DEFAULT_ROUTING.byUrgency.high.horizonSec);
  let expected = style === 'market' || style === 'limit' ? null : partOf(req.qtyUnits, ctx, horizonSec);

  // Large against recent volume: stretch the horizon, then hand it to POV (only when routing chose).
  if (!req.override && p.durationSec === undefined && p.endAt === undefined && expected !== null && expected > table.maxParticipation && (style === 'twap' || style === 'vwap' || style === 'adaptive')) {
    const needed = horizonSec * (expected / table.maxParticipation);
    const stretched = Math.min(needed, horizonSec * table.maxHorizonMultiple);
    why = [first, `large vs recent volume (${(expected * 100).toFixed(1)}% of it): horizon ${Math.round(horizonSec)}s → ${Math.round(stretched)}s`];
    horizonSec = stretched;
    expected = partOf(req.qtyUnits, ctx, horizonSec);
    if (expected !== null && expected > table.maxParticipation) {
      style = 'pov';
      horizonSec = needed * 1.5;
      expected = table.maxParticipation;
      why.push(`still above ${table.maxParticipation * 100}%: POV at ${table.maxParticipation * 100}%`);
    }
  }

  const startAt = p.startAt ?? ctx.now;
  const endAt = p.endAt ?? startAt + Math.round(horizonSec * 1000);
  const slices = p.slices ?? Math.min(60, Math.max(4, Math.round(horizonSec / table.sliceSec)));
  const params: AlgoParams = { startAt, endAt, seed: ctx.seed, slices };
  if (p.jitterPct !== undefined) params.jitterPct = p.jitterPct;
  if (style === 'pov') params.participation = p.participation ?? table.maxParticipation;
  if (req.minChildUnits !== undefined) params.minChildUnits = req.minChildUnits.toString();
  if (req.maxChildUnits !== undefined) params.maxChildUnits = req.maxChildUnits.toString();
  if (req.displayUnits !== undefined) params.displayUnits = req.displayUnits.toString();
  if (p.displayJitterPct !== undefined) params.displayJitterPct = p.displayJitterPct;
  if (style === 'vwap' && ctx.volumeProfile) {
    params.volumeProfile = ctx.volumeProfile.profile;
    params.profileBucketMinutes = ctx.volumeProfile.bucketMinutes;
  }
  // One reason is the usual case (every direct order): no join per order.
  return { style, params, rationale: why === undefined ? first : why.join('; '), expectedParticipation: expected };
}

/** A request without algo parameters reads this one (shared, never written). */
const NO_PARAMS: NonNullable<RouteRequest['params']> = Object.freeze({});

/** Share of the market's recent volume an order of `qtyUnits` takes over `sec`, if the volume is known. */
function partOf(qtyUnits: bigint, ctx: RouteContext, sec: number): number | null {
  const v = ctx.volumePerSec;
  return v && v > 0 ? Number(qtyUnits) / (v * sec) : null;
}
