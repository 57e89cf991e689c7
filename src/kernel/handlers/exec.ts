import type { Handlers } from '../../contract/api.ts';
import { requireInstrument } from '../context.ts';
import type { KernelContext } from '../context.ts';

/** Execution as a whole rather than one order: the routing table and execution quality over time. */
export function execHandlers(ctx: KernelContext): Pick<Handlers, 'exec.routing' | 'exec.quality'> {
  const { exec } = ctx;
  return {
    'exec.routing': () => exec.routing,
    'exec.quality': ({ algo, symbol, limit }) => {
      if (symbol !== undefined) requireInstrument(ctx, symbol);
      return ctx.quality.query({ algo, symbol, limit });
    },
  };
}
