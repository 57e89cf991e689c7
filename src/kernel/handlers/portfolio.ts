import type { Handlers } from '../../contract/api.ts';
import type { KernelContext } from '../context.ts';

type PortfolioMethods = 'portfolio.target' | 'portfolio.rebalance' | 'portfolio.frontier' | 'portfolio.settings' | 'portfolio.configure';

/** L2 portfolio over the contract: the sized combined target, the rebalance into proposals, the frontier, the construction settings (a change is pushed). */
export function portfolioHandlers(ctx: KernelContext): Pick<Handlers, PortfolioMethods> {
  const { l2 } = ctx;
  return {
    'portfolio.target': () => l2.target(),
    'portfolio.rebalance': ({ dryRun }) => l2.rebalance(dryRun),
    'portfolio.frontier': ({ points, riskFreeRate }) => l2.frontier(points, riskFreeRate),
    'portfolio.settings': () => l2.settings(),
    'portfolio.configure': (change) => {
      // A refused change throws before this: only a journaled change is pushed.
      const settings = l2.configure(change);
      ctx.portfolioConfigured(settings);
      return settings;
    },
  };
}
