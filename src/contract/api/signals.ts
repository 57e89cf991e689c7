import { z } from 'zod';
import type { AlphaDto, SignalCycleDto, SignalsDto } from '../l2-dto.ts';

/** L2 alphas: list them with their last signals, switch them on or off, set a parameter. */

export const alphaName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be letters, digits, '.', '_' or '-'");

/** A parameter key, or a dotted path into a record parameter (targets.SPY). */
const paramKey = z
  .string()
  .min(1)
  .max(96)
  .regex(/^[A-Za-z0-9_/-]+(\.[A-Za-z0-9_/-]+)*$/, 'must be a parameter name or a dotted path like targets.SPY');

const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean(), z.null()]);

/**
 * A parameter value: text as the CLI types it (JSON if it parses, "0.5", "[\"SPY\"]"), or a JSON
 * value. Bounded so that a request cannot grow an alpha's saved configuration without limit.
 */
const paramValue = z.union([
  z.string().max(4000),
  z.number().finite(),
  z.boolean(),
  z.null(),
  z.array(scalar).max(500),
  z.record(z.string().min(1).max(64), scalar).refine((r) => Object.keys(r).length <= 500, 'at most 500 entries'),
]);

export const signalsSchemas = {
  'signals.list': z.strictObject({ limit: z.number().int().min(1).max(1000).default(100) }),
  'signals.enable': z.strictObject({ name: alphaName }),
  'signals.disable': z.strictObject({ name: alphaName }),
  'signals.set': z.strictObject({ name: alphaName, key: paramKey, value: paramValue }),
} as const;

export interface SignalsResults {
  'signals.list': SignalsDto;
  'signals.enable': AlphaDto;
  'signals.disable': AlphaDto;
  'signals.set': AlphaDto;
}

export interface SignalsEvents {
  /** A signal cycle ran and generated these signals (sent only when it generated any). */
  'signal.generated': SignalCycleDto;
}
