import { z } from 'zod';
import { empty } from './common.ts';
import type { FrontierDto, PortfolioTargetDto, RebalanceDto } from '../l2-dto.ts';

/**
 * How the live book is built from the aggregator's combined targets. `signal-weighted` takes the
 * combined targets as they are (the behaviour before settings existed); every other method keeps
 * the instruments and the invested total the signals ask for and lets an optimiser, on L2's daily
 * bars, decide how that total is split between them.
 */
export const CONSTRUCTION_METHODS = ['signal-weighted', 'equal', 'inverse-vol', 'risk-parity', 'hrp', 'min-volatility', 'max-sharpe'] as const;
export type ConstructionMethod = (typeof CONSTRUCTION_METHODS)[number];
/** `dynamic`: seed 001's dynamic sizing of every risk-adding trade; `none`: the constructed targets as they are. */
export const SIZING_CHOICES = ['dynamic', 'none'] as const;
export const REBALANCE_CADENCES = ['daily', 'weekly', 'monthly', 'on-drift'] as const;

const weight = z.number().finite().min(0).max(1);
const groupName = z.string().min(1).max(64);
const symbolName = z.string().min(1).max(64);

export interface PortfolioSettingsDto {
  method: ConstructionMethod;
  /** Daily bars the optimisers estimate on (the last N common dates). */
  lookbackDays: number;
  /** Risk-free rate for max-sharpe (annual). */
  riskFreeRate: number;
  constraints: {
    /** Lower bound of each targeted instrument's weight (fraction of NAV). */
    minWeight: number;
    /** Upper bound of any one instrument's weight (fraction of NAV); null: none. */
    maxWeight: number | null;
    /** Fraction of NAV always kept in cash. */
    cashBuffer: number;
    /** Instrument → group, and group → max total weight (fraction of NAV). */
    groups: Record<string, string>;
    groupCaps: Record<string, number>;
    /** Turnover penalty k·Σ|w − current| in the optimiser (min-volatility only); 0: off. */
    stayClose: number;
  };
  sizing: (typeof SIZING_CHOICES)[number];
  rebalance: {
    /** Orders worth less than this are not proposed; null: the instruments' largest minimum notional. */
    minTradeValue: number | null;
    driftThreshold: number;
    /** Max two-sided turnover per rebalance, fraction of NAV; null: none. */
    turnoverCap: number | null;
    /** Largest trade per instrument per rebalance (tranches), fraction of NAV. */
    maxTradeWeight: number;
    cadence: (typeof REBALANCE_CADENCES)[number];
  };
}

/** What `portfolio.configure` takes: any subset of the settings; the rest is kept. */
export const portfolioConfigureSchema = z.strictObject({
  method: z.enum(CONSTRUCTION_METHODS).optional(),
  lookbackDays: z.number().int().min(22).max(5000).optional(),
  riskFreeRate: z.number().finite().min(-1).max(1).optional(),
  constraints: z
    .strictObject({
      minWeight: weight.optional(),
      maxWeight: z.number().finite().gt(0).max(1).nullable().optional(),
      cashBuffer: z.number().finite().min(0).lt(1).optional(),
      groups: z.record(symbolName, groupName).refine((r) => Object.keys(r).length <= 500, 'at most 500 entries').optional(),
      groupCaps: z.record(groupName, weight).refine((r) => Object.keys(r).length <= 100, 'at most 100 entries').optional(),
      stayClose: z.number().finite().min(0).max(10).optional(),
    })
    .optional(),
  sizing: z.enum(SIZING_CHOICES).optional(),
  rebalance: z
    .strictObject({
      minTradeValue: z.number().finite().min(0).nullable().optional(),
      driftThreshold: z.number().finite().min(0).max(1).optional(),
      turnoverCap: z.number().finite().gt(0).max(2).nullable().optional(),
      maxTradeWeight: z.number().finite().gt(0).max(1).optional(),
      cadence: z.enum(REBALANCE_CADENCES).optional(),
    })
    .optional(),
});
export type PortfolioConfigureInput = z.infer<typeof portfolioConfigureSchema>;

/** L2 portfolio: the combined target with each alpha's share, the rebalance into proposals, the frontier, the construction settings. */
export const portfolioSchemas = {
  'portfolio.target': empty,
  /** Turns the current target into proposals; a dry run shows them without queueing any. */
  'portfolio.rebalance': z.strictObject({ dryRun: z.boolean().default(false) }),
  /** The efficient frontier over the instruments' bar history, with the current and target books. */
  'portfolio.frontier': z.strictObject({
    points: z.number().int().min(2).max(100).default(30),
    riskFreeRate: z.number().min(-1).max(1).default(0),
  }),
  /** The live book's construction settings (method, constraints, sizing, rebalancer). */
  'portfolio.settings': empty,
  /** Changes them (journaled; kept across restarts). Refused with BAD_PARAM or INFEASIBLE and a sentence. */
  'portfolio.configure': portfolioConfigureSchema,
} as const;

/**
 * Pushed to every subscriber when the settings change, so another window (or a CLI watching) shows
 * the construction the next cycle uses without asking portfolio.settings again.
 */
export interface PortfolioEvents {
  'portfolio.configured': PortfolioSettingsDto;
}

export interface PortfolioResults {
  'portfolio.target': PortfolioTargetDto;
  'portfolio.rebalance': RebalanceDto;
  'portfolio.frontier': FrontierDto;
  'portfolio.settings': PortfolioSettingsDto;
  'portfolio.configure': PortfolioSettingsDto;
}
