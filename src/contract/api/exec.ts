import { z } from 'zod';
import type { ExecQualityDto, RoutingDto } from '../dto.ts';
import { ALGO_KINDS } from '../dto.ts';
import { empty, symbol } from './common.ts';

/** Execution (L3) as a whole rather than one order: the routing table and execution quality over time. */
export const execSchemas = {
  'exec.routing': empty,
  /** Finished parents' shortfall over time, per algorithm and instrument; `limit`: newest points kept. */
  'exec.quality': z.strictObject({
    algo: z.enum(ALGO_KINDS).optional(),
    symbol: symbol.optional(),
    limit: z.number().int().min(1).max(10000).optional(),
  }),
} as const;

export interface ExecResults {
  'exec.routing': RoutingDto;
  'exec.quality': ExecQualityDto;
}
