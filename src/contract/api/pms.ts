import { z } from 'zod';
import type { RiskFlagDto, RiskMetricsDto, StressDto } from '../risk-dto.ts';
import { empty, symbol } from './common.ts';

/**
 * The PMS's read side: flags, metrics (VaR/ES, exposure, NAV) and stress. The methods keep their
 * `risk.` names (clients call them so); the domain is the PMS, beside the order path.
 */
export const pmsSchemas = {
  'risk.flags': empty,
  'risk.metrics': empty,
  'risk.stress': z.strictObject({
    /** Reverse stress targets: losses as fractions of NAV (default 5%, 10%, 20%). */
    lossFractions: z.array(z.number().positive().max(1)).min(1).max(10).optional(),
    /** Extra hypothetical shocks; `all` moves every instrument, `shocks` named ones (fractions, ≥ −1). */
    scenarios: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(64),
          all: z.number().min(-1).max(10).optional(),
          shocks: z
            .record(symbol, z.number().min(-1).max(10))
            .refine((r) => Object.keys(r).length <= 100, 'at most 100 shocked symbols')
            .optional(),
        }),
      )
      .max(20)
      .optional(),
  }),
} as const;

export interface PmsResults {
  'risk.flags': RiskFlagDto[];
  'risk.metrics': RiskMetricsDto;
  'risk.stress': StressDto;
}

export interface PmsEvents {
  /** The current set of PMS flags, whenever it changes. */
  'risk.flags': RiskFlagDto[];
  /** One PMS cycle's metrics (navHistory left empty; ask risk.metrics for it). */
  'risk.metrics': RiskMetricsDto;
}
