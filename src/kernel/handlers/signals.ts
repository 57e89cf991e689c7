import type { Handlers } from '../../contract/api.ts';
import type { KernelContext } from '../context.ts';

type SignalsMethods = 'signals.list' | 'signals.enable' | 'signals.disable' | 'signals.set';

/** L2 alphas over the contract: list with recent signals, switch on or off, set a parameter (saved). */
export function signalsHandlers(ctx: KernelContext): Pick<Handlers, SignalsMethods> {
  const { l2 } = ctx;
  return {
    'signals.list': ({ limit }) => l2.signals(limit),
    'signals.enable': ({ name }) => l2.enable(name),
    'signals.disable': ({ name }) => l2.disable(name),
    'signals.set': ({ name, key, value }) => l2.set(name, key, value),
  };
}
