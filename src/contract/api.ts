import type { z } from 'zod';
import type { BacktestEvents, BacktestResults } from './api/backtest.ts';
import { backtestSchemas } from './api/backtest.ts';
import { empty } from './api/common.ts';
import type { MarketEvents, MarketResults } from './api/market.ts';
import { marketSchemas } from './api/market.ts';
import type { ExecResults } from './api/exec.ts';
import { execSchemas } from './api/exec.ts';
import type { OrdersEvents, OrdersResults } from './api/orders.ts';
import { ordersSchemas } from './api/orders.ts';
import type { PmsEvents, PmsResults } from './api/pms.ts';
import { pmsSchemas } from './api/pms.ts';
import type { ReplayEvents, ReplayResults } from './api/replay.ts';
import { replaySchemas } from './api/replay.ts';
import type { RiskEvents, RiskResults } from './api/risk.ts';
import { riskSchemas } from './api/risk.ts';
import type { ApprovalsEvents, ApprovalsResults } from './api/approvals.ts';
import { approvalsSchemas } from './api/approvals.ts';
import type { PortfolioEvents, PortfolioResults } from './api/portfolio.ts';
import { portfolioSchemas } from './api/portfolio.ts';
import type { SignalsEvents, SignalsResults } from './api/signals.ts';
import { signalsSchemas } from './api/signals.ts';
import type { SessionEvents, SessionResults } from './api/session.ts';
import { sessionSchemas } from './api/session.ts';
import type { VenueEvents, VenueResults } from './api/venue.ts';
import { venueSchemas } from './api/venue.ts';

export type { ClockDto, SessionInfoDto } from './api/session.ts';
export { BACKTEST_FIDELITIES, BACKTEST_RUN_FIDELITIES, MAX_SWEEP_POINTS } from './api/backtest.ts';
export type { BacktestAssumptionsDto, BacktestAttributionDto, BacktestCostsDto, BacktestL3StatsDto, BacktestDataDto, BacktestFidelitiesDto, BacktestFidelityDto, BacktestImportDto, BacktestLevel, FidelityNotRun, BacktestProgressDto, BacktestRunDto, BacktestRunSummaryDto, BacktestSeriesDto, BacktestStrategyDto, BacktestSweepDto, BacktestSweepRowDto, BacktestTradeDto } from './api/backtest.ts';
export { REPLAY_SPEEDS } from './api/replay.ts';
export type { ReplaySpeed, ReplayStateDto } from './api/replay.ts';
export { MAX_DECIMAL_VALUE, MAX_FRACTION_DIGITS, MAX_INT_DIGITS, ORDERS_PAGE_DEFAULT, ORDERS_PAGE_MAX } from './api/common.ts';

/**
 * The whole contract: every method with its params schema, and every pushed event, one module per
 * domain under ./api/ intersected here. Hosts (Electron IPC, WebSocket, in-memory) only move
 * frames; this is what they move. A new domain is one file in ./api/ and one line in each list.
 */
export const paramsSchemas = {
  ...sessionSchemas,
  ...marketSchemas,
  ...ordersSchemas,
  ...execSchemas,
  ...riskSchemas,
  ...pmsSchemas,
  ...venueSchemas,
  ...signalsSchemas,
  ...portfolioSchemas,
  ...approvalsSchemas,
  ...replaySchemas,
  ...backtestSchemas,
} as const;

export type MethodName = keyof typeof paramsSchemas;

/** What a caller may send (defaults optional). */
export type ParamsIn<M extends MethodName> = z.input<(typeof paramsSchemas)[M]>;
/** What a handler receives (defaults applied, validated). */
export type Params<M extends MethodName> = z.output<(typeof paramsSchemas)[M]>;

/** Each method's result. */
export interface Results extends SessionResults, MarketResults, OrdersResults, ExecResults, RiskResults, PmsResults, SignalsResults, PortfolioResults, ApprovalsResults, VenueResults, ReplayResults, BacktestResults {}

export type Result<M extends MethodName> = Results[M];

/** Pushed events. Names are past tense or nouns of state, payloads plain JSON. */
export interface Events extends SessionEvents, MarketEvents, OrdersEvents, RiskEvents, PmsEvents, SignalsEvents, PortfolioEvents, ApprovalsEvents, VenueEvents, ReplayEvents, BacktestEvents {}

export type EventName = keyof Events;

/**
 * Every pushed event, keyed so the type makes the list exhaustive: an event added to a domain's
 * map and not here fails to compile (engine.alert was missing from the old array, so a WebSocket
 * client could not ask for it by name in `?events=`).
 */
const EVENT_TABLE: Record<EventName, true> = {
  clock: true,
  'order.updated': true,
  'order.denied': true,
  fill: true,
  'position.updated': true,
  'account.updated': true,
  quote: true,
  book: true,
  trade: true,
  candle: true,
  tca: true,
  'risk.state': true,
  'risk.breaker': true,
  'risk.flags': true,
  'risk.metrics': true,
  'risk.limits': true,
  'risk.usage': true,
  'engine.alert': true,
  'signal.generated': true,
  'portfolio.configured': true,
  'proposal.created': true,
  'proposal.updated': true,
  'venue.reconciled': true,
  'venue.info': true,
  'replay.state': true,
  'backtest.progress': true,
};

export const EVENT_NAMES: readonly EventName[] = Object.keys(EVENT_TABLE) as EventName[];

/** The engine side of the contract: one handler per method. */
export type Handlers = { [M in MethodName]: (params: Params<M>) => Result<M> | Promise<Result<M>> };

/**
 * Whether a method takes parameters. Only a method without any may omit `params` (or send null):
 * for the others, null or a missing object is a BAD_REQUEST, never "all defaults" (a null
 * `orders.cancelAll` would otherwise cancel everything, a null `risk.killSwitch` halt trading).
 */
export function takesParams(m: MethodName): boolean {
  return paramsSchemas[m] !== empty;
}

export function isMethodName(x: string): x is MethodName {
  return Object.prototype.hasOwnProperty.call(paramsSchemas, x);
}
