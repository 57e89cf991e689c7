import type { PortfolioSettingsDto } from '../contract/api/portfolio.ts';
import type { VenueInfoDto } from '../contract/api/venue.ts';
import type { QualityTracker } from '../execution/exec-quality.ts';
import type { ClockDto } from '../contract/api/session.ts';
import type { Clock } from '../core/clock.ts';
import type { EngineMode } from '../core/enums.ts';
import { DomainError } from '../core/errors.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import type { AlgoRunner, RunnerMarket } from '../execution/algo-runner.ts';
import type { OrderIntake } from '../execution/intake.ts';
import type { Oms } from '../execution/oms.ts';
import type { MarketDataHub } from '../marketdata/market-data-hub.ts';
import type { GateDecision, GateOrder } from '../risk/pre-trade-gate.ts';
import type { ExecutionService } from './execution-service.ts';
import type { L2Service } from './l2-service.ts';
import type { PmsLoop } from '../pms/loop.ts';
import type { VenueAdmin } from './parts.ts';
import type { VenueReconciler } from './venue-reconciler.ts';
import type { RiskControl } from './risk-control.ts';
import type { PortfolioValuation } from './valuation.ts';

/** The venue beyond its port: info for the UI, reconciliation (live exchanges), the host's config and keys. */
export interface VenueContext {
  info(): VenueInfoDto;
  reconciler: VenueReconciler | undefined;
  admin: VenueAdmin | undefined;
}

/**
 * What the per-domain handler modules (src/kernel/handlers/*) see of a built kernel. Handler
 * modules read this and the domain modules; they never import each other.
 */
export interface EngineCore {
  mode: EngineMode;
  clock: Clock;
  /** The engine's clock as pushed in `clock` (time, speed, pause). */
  clockDto(): ClockDto;
  venueName: string;
  currency: string;
  startedAt: number;
  instruments: InstrumentRegistry;
  hub: MarketDataHub;
  market: RunnerMarket;
  oms: Oms;
  runner: AlgoRunner;
  exec: ExecutionService;
  /**
   * The one way an order enters (manual ticket, API/CLI, approved signal proposals):
   * `intake.submit({ order, origin: 'manual' | 'api' | 'signal', approvedBy?, proposalId?, confirmSoft })`
   * returns `{ kind: 'admitted' | 'denied', order }` or `{ kind: 'held', code, message, breaches }`
   * (soft breaches to confirm, nothing journaled). The approval queue calls it with
   * `{ order, origin: 'signal', approvedBy: 'operator', proposalId, confirmSoft: false }`; origin,
   * approver and proposal are journaled as the order's columns and shown on its OrderDto.
   */
  intake: OrderIntake;
  risk: RiskControl;
  pms: PmsLoop;
  valuation: PortfolioValuation;
  venue: VenueContext;
  /** Finished parents' shortfall over time and the deterioration band (exec.quality). */
  quality: QualityTracker;
  /** Lot, tick, minimum notional, cash and no-short checks (a child may use its parent's share). */
  structuralCheck(order: GateOrder, i: Instrument, parentId: string | null): GateDecision;
}

/** The core plus L2 (signal cycle, portfolio target, rebalance, approval queue), which is built on the core. */
export interface KernelContext extends EngineCore {
  l2: L2Service;
  /** Pushes `portfolio.configured` (the settings a change left): every window shows them at once. */
  portfolioConfigured(settings: PortfolioSettingsDto): void;
}

/** Who changes limits and the trading state over the contract: one operator per terminal. */
export const OPERATOR = 'operator';

export function requireInstrument(ctx: Pick<EngineCore, 'instruments'>, symbol: string): Instrument {
  const i = ctx.instruments.get(symbol);
  if (!i) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${symbol}"`);
  return i;
}

/** The price an order on `side` would take liquidity at: the best ask for a buy, the best bid for a sell. */
export function farTouch(ctx: EngineCore, symbol: string, side: 'buy' | 'sell'): bigint | undefined {
  return side === 'buy' ? ctx.market.bestAsk(symbol) : ctx.market.bestBid(symbol);
}
