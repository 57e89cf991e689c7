import type { AlphaDto, Client, ParamsIn, SignalCycleDto, SignalDto } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import type { SliceDef } from './slice.ts';
import { set } from './store.ts';

/**
 * L2 alphas and their signals: which alphas run, with what parameters and conviction weight, the
 * last signals (newest first) and the last signal cycle. A cycle arrives as `signal.generated`;
 * enabling, disabling and setting a parameter answer with the alpha as the engine now has it.
 */

export const RECENT_SIGNALS_CAP = 300;

export interface SignalsSlice {
  alphas: AlphaDto[];
  /** Newest first, at most RECENT_SIGNALS_CAP. */
  recentSignals: SignalDto[];
  lastCycle: SignalCycleDto | null;
  /** Engine ms between signal cycles (0 until known). */
  cycleEveryMs: number;
  /** Alphas with an enable / disable / set in flight. */
  alphaBusy: Record<string, true>;
}

export function signalsInitial(): SignalsSlice {
  return { alphas: [], recentSignals: [], lastCycle: null, cycleEveryMs: 0, alphaBusy: {} };
}

/** Newest first by time, ids unique (a signal in a snapshot and in an event is one row). */
export function mergeSignals(have: readonly SignalDto[], incoming: readonly SignalDto[]): SignalDto[] {
  const seen = new Set<string>();
  const all = [...incoming, ...have].filter((s) => typeof s?.id === 'string' && !seen.has(s.id) && Boolean(seen.add(s.id)));
  return all.sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1)).slice(0, RECENT_SIGNALS_CAP);
}

function onSignalCycle(c: SignalCycleDto): void {
  const signals = Array.isArray(c.signals) ? c.signals : [];
  const ran = new Set(Array.isArray(c.ran) ? c.ran : []);
  set((s) => ({
    lastCycle: s.lastCycle && s.lastCycle.at > c.at ? s.lastCycle : c,
    recentSignals: mergeSignals(s.recentSignals, signals),
    // The cycle says which alphas ran: their "last run" moves without asking the engine again.
    alphas: s.alphas.map((a) => (ran.has(a.name) && (a.lastRunAt ?? 0) < c.at ? { ...a, lastRunAt: c.at } : a)),
  }));
}

/** Replaces one alpha with the engine's answer (after enable / disable / set). */
export function applyAlpha(a: AlphaDto): void {
  set((s) => {
    const i = s.alphas.findIndex((x) => x.name === a.name);
    const alphas = i >= 0 ? s.alphas.map((x, j) => (j === i ? a : x)) : [...s.alphas, a];
    return { alphas };
  });
}

async function load(c: Client, current: () => boolean): Promise<void> {
  // Quiet: a failure leaves the Signals view empty (it says so) instead of toasting at every connect.
  const res = await c.call('signals.list', { limit: RECENT_SIGNALS_CAP }).catch(() => null);
  if (!res || !current()) return;
  set((s) => ({
    alphas: Array.isArray(res.alphas) ? res.alphas : [],
    recentSignals: mergeSignals(s.recentSignals, Array.isArray(res.recent) ? res.recent : []),
    lastCycle: res.lastCycle ?? s.lastCycle,
    cycleEveryMs: typeof res.cycleEveryMs === 'number' ? res.cycleEveryMs : 0,
  }));
}

export const signalsSlice: SliceDef = {
  name: 'signals',
  events: { 'signal.generated': onSignalCycle },
  load,
  reset: () => set(signalsInitial()),
};

// ---------------------------------------------------------------------------------------------
// Actions: each throws the engine's refusal (UNKNOWN_ALPHA, UNKNOWN_PARAM, BAD_PARAM) for the view to show.

async function withBusy<T>(name: string, fn: () => Promise<T>): Promise<T> {
  set((s) => ({ alphaBusy: { ...s.alphaBusy, [name]: true } }));
  try {
    return await fn();
  } finally {
    set((s) => {
      const next = { ...s.alphaBusy };
      delete next[name];
      return { alphaBusy: next };
    });
  }
}

export function setAlphaEnabled(name: string, enabled: boolean): Promise<AlphaDto> {
  return withBusy(name, async () => {
    const a = await call(enabled ? 'signals.enable' : 'signals.disable', { name });
    applyAlpha(a);
    return a;
  });
}

export function setAlphaParam(name: string, key: string, value: ParamsIn<'signals.set'>['value']): Promise<AlphaDto> {
  return withBusy(name, async () => {
    const a = await call('signals.set', { name, key, value });
    applyAlpha(a);
    return a;
  });
}
