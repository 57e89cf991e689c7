import type { Client, ReplaySpeed, ReplayStateDto } from '../../../src/contract/index.ts';
import { quoteOf, symbolFromFileName } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import { applyClock } from './clock.ts';
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

/**
 * The engine clock of a replay moves at its own speed: the views' engine time (state/clock.ts)
 * follows its position, speed and pause, whether or not the replay's kernel has pushed a clock yet.
 */
function followClock(r: ReplayStateDto): void {
  set({ replay: r });
  if (r.loaded) applyClock({ serverTime: r.position, mode: 'replay', speed: r.speed === 'max' ? null : Number(r.speed), paused: !r.playing });
}

function apply(r: ReplayStateDto): void {
  const prev = get().replay;
  followClock(r);
  if (prev && prev.generation !== r.generation) requestResync();
}

async function load(c: Client, current: () => boolean): Promise<void> {
  const r = await settle(c.call('replay.status', {}), 'replay');
  if (!current() || !r) return;
  followClock(r);
}

/** Applies the engine's answer; true once applied, false (with a toast) if the engine refused or did not answer. */
async function control(p: Promise<ReplayStateDto>, what: string): Promise<boolean> {
  try {
    apply(await p);
    return true;
  } catch (err) {
    toast('error', `Replay ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

export const replayPlay = (): Promise<boolean> => control(call('replay.play', {}), 'play');
export const replayPause = (): Promise<boolean> => control(call('replay.pause', {}), 'pause');
export const replayStep = (): Promise<boolean> => control(call('replay.step', { events: 1 }), 'step');
export const replaySpeed = (speed: ReplaySpeed): Promise<boolean> => control(call('replay.speed', { speed }), 'speed');
export const replaySeek = (time: number): Promise<boolean> => control(call('replay.seek', { time: Math.round(time) }), 'seek');
export const replayStop = (): Promise<boolean> => control(call('replay.stop', {}), 'stop');

/**
 * Loads a recording (a trade tape or a Strata recording, a path on the engine's machine) into the
 * running engine: the terminal switches to the replay account. Throws the engine's error (the form
 * shows it beside the field, with its code).
 */
export async function replayLoad(p: { path: string; speed: ReplaySpeed; from?: number; cash?: string }): Promise<ReplayStateDto> {
  const r = await call('replay.load', { path: p.path, speed: p.speed, ...(p.from !== undefined ? { from: p.from } : {}), ...(p.cash !== undefined ? { cash: p.cash } : {}) });
  apply(r);
  return r;
}

/** The demo trade tape this engine's host ships, if any (offered as the default recording). */
export async function demoTapePath(): Promise<string | undefined> {
  const d = await call('backtest.data', {});
  return d.demoTape;
}

/**
 * The currency of a replay account's cash: the recording's quote. Once the file is loaded it is the
 * loaded instruments' quote; before, the file name's (binance_XRPETH_… → ETH, as the engine reads it);
 * a name that says none gets null, and the form says it will be the quote named once loaded.
 */
export function replayCashCurrency(path: string, loaded: Pick<ReplayStateDto, 'loaded' | 'file' | 'symbols'> | null): { currency: string | null; from: string } {
  const name = path.trim();
  if (loaded?.loaded && loaded.file !== null && (name === '' || name === loaded.file)) {
    const quotes = [...new Set(loaded.symbols.map(quoteOf).filter((q): q is string => q !== undefined))];
    if (quotes.length > 0) return { currency: quotes.join(', '), from: `the quote of ${loaded.symbols.join(', ')}` };
  }
  const symbol = name === '' ? undefined : symbolFromFileName(name);
  const quote = symbol === undefined ? undefined : quoteOf(symbol);
  if (symbol !== undefined && quote !== undefined) return { currency: quote, from: `the quote of ${symbol}, read from the file name` };
  return { currency: null, from: 'the recording’s quote currency, named once it is loaded' };
}

export const replaySlice: SliceDef = {
  name: 'replay',
  events: { 'replay.state': apply },
  load,
};
