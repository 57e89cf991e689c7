import type { Client, ReplaySpeed, ReplayStateDto } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import { requestResync } from './resync.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { settle, toast } from './toasts.ts';

/**
 * The replay loaded in the engine, if any: position, range, speed, playing. While one is loaded the
 * whole terminal shows the replay account; a new generation (load, stop, seek backwards) means the
 * engine's orders, fills and positions were rebuilt, so every snapshot is loaded again.
 */
export interface ReplaySlice {
  replay: ReplayStateDto | null;
}

export function replayInitial(): ReplaySlice {
  return { replay: null };
}

function apply(r: ReplayStateDto): void {
  const prev = get().replay;
  // The engine clock of a replay moves at its own speed: follow its position (shared/time.ts reads clockOffset).
  set(r.loaded ? { replay: r, clockOffset: Math.round(r.position - Date.now()) } : { replay: r });
  if (prev && prev.generation !== r.generation) requestResync();
}

async function load(c: Client, current: () => boolean): Promise<void> {
  const r = await settle(c.call('replay.status', {}), 'replay');
  if (!current() || !r) return;
  set(r.loaded ? { replay: r, clockOffset: Math.round(r.position - Date.now()) } : { replay: r });
}

async function control(p: Promise<ReplayStateDto>, what: string): Promise<void> {
  try {
    apply(await p);
  } catch (err) {
    toast('error', `Replay ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const replayPlay = (): Promise<void> => control(call('replay.play', {}), 'play');
export const replayPause = (): Promise<void> => control(call('replay.pause', {}), 'pause');
export const replayStep = (): Promise<void> => control(call('replay.step', { events: 1 }), 'step');
export const replaySpeed = (speed: ReplaySpeed): Promise<void> => control(call('replay.speed', { speed }), 'speed');
export const replaySeek = (time: number): Promise<void> => control(call('replay.seek', { time: Math.round(time) }), 'seek');
export const replayStop = (): Promise<void> => control(call('replay.stop', {}), 'stop');

export const replaySlice: SliceDef = {
  name: 'replay',
  events: { 'replay.state': apply },
  load,
};
