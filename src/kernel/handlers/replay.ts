import type { Handlers } from '../../contract/api.ts';
import type { ReplayStateDto } from '../../contract/api/replay.ts';
import { DomainError } from '../../core/errors.ts';
import type { KernelContext } from '../context.ts';

type ReplayMethods = 'replay.load' | 'replay.play' | 'replay.pause' | 'replay.step' | 'replay.speed' | 'replay.seek' | 'replay.status' | 'replay.stop';

/**
 * A kernel on its own has no replay loaded: the host that can load one (src/host/engine-switch.ts)
 * answers these methods itself. Here status says so, and every control is REPLAY_NOT_LOADED.
 */
export function replayHandlers(ctx: KernelContext): Pick<Handlers, ReplayMethods> {
  const status = (): ReplayStateDto => {
    const now = ctx.clock.now();
    return { loaded: false, file: null, format: null, symbols: [], position: now, start: now, end: now, speed: '1', playing: false, events: 0, played: 0, generation: 0, ended: false };
  };
  const none = (): never => {
    throw new DomainError('REPLAY_NOT_LOADED', 'no replay is loaded (strata replay load FILE, or strata serve --replay FILE)');
  };
  return {
    'replay.load': () => {
      throw new DomainError('REPLAY_NOT_LOADED', 'this engine cannot load a replay: its host has no replay support');
    },
    'replay.play': none,
    'replay.pause': none,
    'replay.step': none,
    'replay.speed': none,
    'replay.seek': none,
    'replay.status': status,
    'replay.stop': none,
  };
}
