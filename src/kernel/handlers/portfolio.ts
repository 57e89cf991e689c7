import type { Handlers } from '../../contract/api.ts';
import { DomainError } from '../../core/errors.ts';
import type { KernelContext } from '../context.ts';

type PortfolioMethods = 'portfolio.target' | 'portfolio.rebalance' | 'portfolio.frontier';

const todo = (): never => {
  throw new DomainError('INTERNAL', 'NOT_IMPLEMENTED: the L2 engine wiring lands in the next commit');
};

export function portfolioHandlers(_ctx: KernelContext): Pick<Handlers, PortfolioMethods> {
  return { 'portfolio.target': todo, 'portfolio.rebalance': todo, 'portfolio.frontier': todo };
}
