import { z } from 'zod';
import { URGENCIES } from '../contract/dto.ts';
import type { Urgency } from '../contract/dto.ts';
import { SignalError } from './errors.ts';
import type { SignalErrorIssue } from './errors.ts';
import type { Signal } from './signal.ts';
import type { AlphaView } from './view.ts';

/**
 * An alpha turns a read-only view into signals: `generate(view) → Signal[]`. It never reads the
 * wall clock, never places orders and knows nothing of limits. Each alpha has parameters checked by
 * a zod schema, its own cadence (when it is due) and a conviction weight (its share of the book in
 * the aggregator). Parameters every alpha shares are in `alphaBaseSchema`.
 */

export const CALENDAR_CADENCES = ['bar', 'daily', 'weekly', 'monthly'] as const;
export const cadenceSchema = z.union([z.enum(CALENDAR_CADENCES), z.strictObject({ everyMs: z.number().int().positive() })]);
/** 'bar': every cycle; daily/weekly/monthly: once per UTC day, ISO week or month; everyMs: a fixed period. */
export type Cadence = z.infer<typeof cadenceSchema>;

export interface AlphaBaseParams {
  /** Conviction weight: the alpha's share of the book is weight / Σ weights of the enabled alphas. */
  weight: number;
  cadence: Cadence;
  urgency: Urgency;
}

/** The shared parameters with an alpha kind's own defaults; spread into each kind's strict schema. */
export function baseShape(d: AlphaBaseParams) {
  return {
    weight: z.number().min(0).max(1000).default(d.weight),
    cadence: cadenceSchema.default(d.cadence),
    urgency: z.enum(URGENCIES).default(d.urgency),
  };
}

/** Figures an alpha shows the operator (coefficients, fit window, hit rate...). */
export type AlphaDiagnostics = Readonly<Record<string, unknown>>;

export interface Alpha<P extends AlphaBaseParams = AlphaBaseParams> {
  readonly name: string;
  readonly kind: string;
  readonly params: Readonly<P>;
  generate(view: AlphaView): Signal[];
  /** Run now even if the cadence says not yet (a threshold-triggered rebalance). */
  triggered?(view: AlphaView): boolean;
  /**
   * True when `triggered` and `generate` read only the view's bars, symbols and weights, and the
   * engine time only to stamp each signal's `time`: on the same view contents at a later time they
   * give the same answer, restamped. A quiet cycle (nothing it reads changed) may then repeat the
   * alpha's last output instead of running it (SignalCycle.repeat). Absent: the alpha always runs.
   */
  readonly repeatable?: boolean;
  diagnostics?(): AlphaDiagnostics;
}

export type ParamCheck = { ok: true; params: AlphaBaseParams } | { ok: false; issues: SignalErrorIssue[] };

/** A kind of alpha: its parameter schema (with defaults) and how to build one. */
export interface AlphaDefinition {
  readonly kind: string;
  readonly description: string;
  /** Top-level parameter names, for UNKNOWN_PARAM. */
  readonly paramKeys: readonly string[];
  validate(raw: unknown): ParamCheck;
  create(name: string, params: AlphaBaseParams): Alpha;
}

export function zodIssues(error: z.ZodError): SignalErrorIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Builds a definition from a strict zod object schema; `create` re-parses, so params are always valid. */
export function defineAlpha<S extends z.ZodObject>(kind: string, description: string, schema: S, build: (name: string, params: z.output<S>) => Alpha): AlphaDefinition {
  return {
    kind,
    description,
    paramKeys: Object.keys(schema.shape),
    validate(raw) {
      const r = schema.safeParse(raw);
      return r.success ? { ok: true, params: r.data as AlphaBaseParams } : { ok: false, issues: zodIssues(r.error) };
    },
    create(name, params) {
      const r = schema.safeParse(params);
      if (!r.success) throw new SignalError('BAD_PARAM', `${kind} ${name}: ${zodIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`, zodIssues(r.error));
      return build(name, r.data);
    },
  };
}

export const DAY_MS = 86_400_000;

/** Calendar bucket of `t` for a cadence (UTC): equal buckets mean "already ran in this period". */
function bucket(cadence: 'daily' | 'weekly' | 'monthly', t: number): number {
  const day = Math.floor(t / DAY_MS);
  if (cadence === 'daily') return day;
  // 1970-01-01 was a Thursday; +3 makes weeks start on Monday (ISO).
  if (cadence === 'weekly') return Math.floor((day + 3) / 7);
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Is an alpha with this cadence, last run at `lastRunAt` (undefined: never), due at `now`? */
export function isDue(cadence: Cadence, lastRunAt: number | undefined, now: number): boolean {
  if (lastRunAt === undefined) return true;
  if (cadence === 'bar') return now > lastRunAt;
  if (typeof cadence === 'object') return now - lastRunAt >= cadence.everyMs;
  return bucket(cadence, now) !== bucket(cadence, lastRunAt);
}

/** A typical cadence period in ms (used for default horizons); 'bar' has none. */
export function cadencePeriodMs(cadence: Cadence): number | null {
  if (cadence === 'bar') return null;
  if (typeof cadence === 'object') return cadence.everyMs;
  return cadence === 'daily' ? DAY_MS : cadence === 'weekly' ? 7 * DAY_MS : 31 * DAY_MS;
}

/** Instruments an alpha works on: its universe if given, else every instrument of the view. */
export function universeOf(universe: readonly string[], view: AlphaView): readonly string[] {
  return universe.length > 0 ? universe : view.symbols();
}

export const universeSchema = z.array(z.string().min(1)).default([]);
