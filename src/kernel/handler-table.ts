import type { Handlers } from '../contract/api.ts';
import type { KernelContext } from './context.ts';
import { approvalsHandlers } from './handlers/approvals.ts';
import { backtestHandlers } from './handlers/backtest.ts';
import { execHandlers } from './handlers/exec.ts';
import { marketHandlers } from './handlers/market.ts';
import { orderHandlers } from './handlers/orders.ts';
import { pmsHandlers } from './handlers/pms.ts';
import { portfolioHandlers } from './handlers/portfolio.ts';
import { replayHandlers } from './handlers/replay.ts';
import { riskHandlers } from './handlers/risk.ts';
import { sessionHandlers } from './handlers/session.ts';
import { signalsHandlers } from './handlers/signals.ts';
import { venueHandlers } from './handlers/venue.ts';

/**
 * Every method of the contract, one module per domain under ./handlers/ (which never import each
 * other), joined here. A new domain is one module and one line; the type says none is missing.
 */
export function domainHandlers(ctx: KernelContext): Handlers {
  return {
    ...sessionHandlers(ctx),
    ...marketHandlers(ctx),
    ...orderHandlers(ctx),
    ...execHandlers(ctx),
    ...riskHandlers(ctx),
    ...pmsHandlers(ctx),
    ...venueHandlers(ctx),
    ...signalsHandlers(ctx),
    ...portfolioHandlers(ctx),
    ...approvalsHandlers(ctx),
    ...replayHandlers(ctx),
    ...backtestHandlers(ctx),
  };
}
