import { z } from 'zod';
import { empty } from './common.ts';
import type { FrontierDto, PortfolioTargetDto, RebalanceDto } from '../l2-dto.ts';

/** L2 portfolio: the combined target with each alpha's share, the rebalance into proposals, the frontier. */
export const portfolioSchemas = {
  'portfolio.target': empty,
  /** Turns the current target into proposals; a dry run shows them without queueing any. */
  'portfolio.rebalance': z.strictObject({ dryRun: z.boolean().default(false) }),
  /** The efficient frontier over the instruments' bar history, with the current and target books. */
  'portfolio.frontier': z.strictObject({
    points: z.number().int().min(2).max(100).default(30),
    riskFreeRate: z.number().min(-1).max(1).default(0),
  }),
} as const;

export interface PortfolioResults {
  'portfolio.target': PortfolioTargetDto;
  'portfolio.rebalance': RebalanceDto;
  'portfolio.frontier': FrontierDto;
}
