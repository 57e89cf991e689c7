/**
 * The L2 side of the contract: alphas and their signals, the combined portfolio target, the
 * efficient frontier, and the operator's approval queue of proposals. Plain JSON, epoch ms;
 * weights are fractions of NAV, quantities decimal strings exactly as the order will carry them.
 */
import type { ExecutionStyle, Side, Urgency } from '../core/enums.ts';
import type { ImpactDto, RiskCheckDto } from './risk-dto.ts';

// ── Signals ─────────────────────────────────────────────────────────────────────────────────

/** 'bar' | 'daily' | 'weekly' | 'monthly', or a fixed period. */
export type CadenceDto = 'bar' | 'daily' | 'weekly' | 'monthly' | { everyMs: number };

export interface AlphaDto {
  name: string;
  kind: string;
  description: string;
  enabled: boolean;
  /** Conviction weight: its share of the book is weight / Σ weights of the enabled alphas. */
  weight: number;
  cadence: CadenceDto;
  /** Every parameter, defaults applied (the shape depends on the kind). */
  params: Record<string, unknown>;
  /** Figures the alpha shows (coefficients, fit window, hit rate...), null if it has none. */
  diagnostics: Record<string, unknown> | null;
  /** Engine time the alpha last ran, null if not since the engine started. */
  lastRunAt: number | null;
}

export type SignalInputDto = number | string | boolean | null | number[];

export interface SignalDto {
  id: string;
  cycleId: string;
  instrument: string;
  kind: 'target' | 'delta';
  value: number;
  urgency: Urgency;
  horizonMs: number | null;
  alpha: string;
  conviction: number;
  expectedReturn: number | null;
  time: number;
  /** The figures the alpha looked at. */
  inputs: Record<string, SignalInputDto>;
}

export interface AlphaFailureDto {
  alpha: string;
  code: string;
  message: string;
}

/** One signal cycle: which alphas ran or failed and the signals they generated. */
export interface SignalCycleDto {
  id: string;
  at: number;
  ran: string[];
  failed: AlphaFailureDto[];
  signals: SignalDto[];
}

export interface SignalsDto {
  alphas: AlphaDto[];
  /** Newest first. */
  recent: SignalDto[];
  lastCycle: SignalCycleDto | null;
  /** Engine ms between cycles. */
  cycleEveryMs: number;
}

// ── Portfolio ───────────────────────────────────────────────────────────────────────────────

/** One alpha's term in a combined target: share × conviction × value. */
export interface ContributionDto {
  alpha: string;
  kind: 'target' | 'delta';
  value: number;
  conviction: number;
  alphaWeight: number;
  share: number;
  contribution: number;
  expectedReturn: number | null;
  urgency: Urgency;
  time: number;
}

/** One input of the dynamic sizing and what it did to the size. */
export interface SizingFactorDto {
  name: 'confidence' | 'volatility' | 'drawdown' | 'correlation' | 'capacity' | 'gate';
  input: number | string;
  effect: number;
  note: string;
}

/** Seed 001 "gate, not filter": L1 would refuse this instrument now, so it is not sized. */
export interface GateDto {
  refused: boolean;
  codes: string[];
  message: string | null;
}

export interface TargetRowDto {
  symbol: string;
  currentWeight: number;
  /** The aggregator's combined target before sizing (null: deltas only). */
  combinedTarget: number | null;
  /** The weight the rebalancer aims at after sizing and the gate. */
  targetWeight: number;
  /** Σ share × conviction of the contributing alphas. */
  support: number;
  expectedReturn: number | null;
  urgency: Urgency;
  contributions: ContributionDto[];
  sizing: SizingFactorDto[];
  gate: GateDto;
}

/** One instrument's part of a book's volatility (Euler): contributions sum to the book's volatility. */
export interface RiskContributionRowDto {
  symbol: string;
  weight: number;
  /** Its own annualised volatility. */
  volatility: number;
  /** w_i (Σw)_i / σ_p, annualised; Σ over the rows = the book's volatility. */
  contribution: number;
  /** contribution / σ_p; Σ = 1 (negative for a hedge). */
  share: number;
}

export interface BookRiskDto {
  /** √(w'Σw), annualised. */
  volatility: number;
  rows: RiskContributionRowDto[];
}

/**
 * Risk contributions of the current and target books, computed by the engine from the daily
 * history (sample covariance of daily log returns on common dates, annualised by the calendar).
 */
export interface RiskContributionsDto {
  symbols: string[];
  /** Daily returns used, their interval and the annualisation factor applied. */
  observations: number;
  barMs: number;
  periodsPerYear: number;
  current: BookRiskDto | null;
  target: BookRiskDto | null;
  /** Weighted instruments left out for want of history. */
  missing: string[];
  /** Why nothing could be computed (too little history), else null. */
  unavailable: string | null;
}

export interface PortfolioTargetDto {
  at: number;
  nav: number;
  currency: string;
  /** Weight the target leaves in cash. */
  cash: number;
  currentCash: number;
  rows: TargetRowDto[];
  /** The signal cycle the target comes from, null if none has run. */
  cycleId: string | null;
  /** Risk contributions of the current and target books (the renderer only displays them). */
  risk: RiskContributionsDto;
  /**
   * Present only when the configured construction method could not build the book (infeasible
   * constraints, too little history): the targets then keep the current weights and nothing is proposed.
   */
  constructionError?: { code: 'INFEASIBLE' | 'BAD_INPUT'; message: string };
}

export interface FrontierPointDto {
  expectedReturn: number;
  volatility: number;
  /** Null where it is undefined: a book with no volatility (JSON has no NaN). */
  sharpe: number | null;
  weights: Record<string, number>;
}

/** The efficient frontier over the instruments with enough history, with the current and target books on it. */
export interface FrontierDto {
  symbols: string[];
  /** Bars of history used, and their interval. */
  observations: number;
  barMs: number;
  riskFreeRate: number;
  points: FrontierPointDto[];
  current: FrontierPointDto | null;
  target: FrontierPointDto | null;
  /** Why there is no frontier (too little history...), null when points are given. */
  unavailable: string | null;
}

// ── Approvals ───────────────────────────────────────────────────────────────────────────────

export const PROPOSAL_STATUSES = ['PROPOSED', 'MODIFIED', 'APPROVED', 'REJECTED', 'EXPIRED'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
/** Still waiting for the operator. */
export const PENDING_STATUSES: readonly ProposalStatus[] = ['PROPOSED', 'MODIFIED'];

/** Expected execution cost from the square-root impact model plus half the spread and fees. */
export interface ExpectedCostDto {
  /** Total, basis points of the order's notional. */
  bps: number;
  /** Total, account currency. */
  amount: number;
  impactBps: number;
  spreadBps: number;
  feeBps: number;
  /** Share of the volume expected over the algo's horizon, null if unknown. */
  participation: number | null;
}

export interface ProposalAuditDto {
  at: number;
  by: string;
  /** `recovered`: settled at start after an approval the process stopped in the middle of (linked to its order, or waiting again). */
  action: 'created' | 'modified' | 'approved' | 'rejected' | 'expired' | 'refused' | 'auto-approved' | 'recovered';
  /** What the operator was shown when acting: quantity, verdict, price. */
  shown: { qty: string; urgency: Urgency; algo: ExecutionStyle; verdict: RiskCheckDto['verdict']; codes: string[]; price: number | null };
  note: string | null;
}

export interface ProposalDto {
  id: string;
  /** The rebalance that produced it: approve a whole batch by this id. */
  batchId: string;
  status: ProposalStatus;
  createdAt: number;
  updatedAt: number;
  /** Engine time after which it expires unapproved. */
  expiresAt: number;
  symbol: string;
  side: Side;
  qty: string;
  urgency: Urgency;
  /** The algorithm the router would pick (or the operator chose). */
  algo: ExecutionStyle;
  algoChosen: boolean;
  routing: string;
  currentWeight: number;
  targetWeight: number;
  /** Σ share × conviction behind it. */
  conviction: number;
  contributions: ContributionDto[];
  sizing: SizingFactorDto[];
  /** Mid (or last) price when it was proposed; the band is measured from it. */
  decisionPrice: number;
  /** Fraction: a move beyond it from the decision price expires the proposal. */
  priceBand: number;
  /**
   * The symbol's position (signed quantity) when it was proposed: its quantity was sized from it,
   * and a change expires the proposal (POSITION_CHANGED). Absent on proposals saved before it was kept.
   */
  basisQty?: number | null;
  estimatedValue: number;
  /** L1's verdict as of `checkedAt`. */
  verdict: RiskCheckDto;
  checkedAt: number;
  before: ImpactDto;
  after: ImpactDto;
  expectedCost: ExpectedCostDto | null;
  /** The order sent on approval. */
  orderId: string | null;
  /** Why it was rejected, expired or refused. */
  reason: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  autoApproved: boolean;
  audit: ProposalAuditDto[];
}

export interface AutoApprovePolicyDto {
  alpha: string;
  enabled: boolean;
  /** Proposals of at most this notional go through without the operator (still through L1). */
  maxNotional: number;
}

export interface ApprovalQueueDto {
  /** The kill switch or HALTED freezes the queue: nothing is approved while frozen. */
  frozen: boolean;
  frozenReason: string | null;
  pending: number;
  proposals: ProposalDto[];
  autoApprove: AutoApprovePolicyDto[];
}

export interface ApprovalOutcomeDto {
  id: string;
  ok: boolean;
  status: ProposalStatus | null;
  orderId: string | null;
  /** Why not (QUEUE_FROZEN, PROPOSAL_EXPIRED, the L1 code...); ALREADY_APPROVED (ok, nothing sent again); the order's status if it was denied at once; null when sent. */
  code: string | null;
  message: string;
}

export interface ApprovalResultDto {
  results: ApprovalOutcomeDto[];
  sent: number;
  refused: number;
}

export interface RebalanceDto {
  dryRun: boolean;
  /** null for a dry run or when nothing is due. */
  batchId: string | null;
  due: boolean;
  nav: number;
  turnover: number;
  notes: string[];
  warnings: string[];
  /** The proposals made (for a dry run: what would be proposed, not queued). */
  proposals: ProposalDto[];
  /** Present only when portfolio construction failed: the batch proposes nothing. */
  constructionError?: { code: 'INFEASIBLE' | 'BAD_INPUT'; message: string };
}
