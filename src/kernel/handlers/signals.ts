import type { Handlers } from '../../contract/api.ts';
import { DomainError } from '../../core/errors.ts';
import type { KernelContext } from '../context.ts';

type SignalsMethods = 'signals.list' | 'signals.enable' | 'signals.disable' | 'signals.set';

const todo = (): never => {
  throw new DomainError('INTERNAL', 'NOT_IMPLEMENTED: the L2 engine wiring lands in the next commit');
};

export function signalsHandlers(_ctx: KernelContext): Pick<Handlers, SignalsMethods> {
  return { 'signals.list': todo, 'signals.enable': todo, 'signals.disable': todo, 'signals.set': todo };
}
