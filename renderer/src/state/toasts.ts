import { RpcError } from '../../../src/contract/index.ts';
import type { EngineAlertDto } from '../../../src/contract/index.ts';
import type { SliceDef } from './slice.ts';
import { set } from './store.ts';

/** At most this many toasts on screen: a burst never becomes a wall over the grids. */
export const TOASTS_MAX = 3;
/** Info and warning toasts go by themselves after these; errors stay until dismissed. */
export const INFO_TTL_MS = 4000;
export const WARN_TTL_MS = 8000;

export interface Toast {
  id: number;
  kind: 'error' | 'warn' | 'info';
  text: string;
}

export interface ToastsSlice {
  toasts: Toast[];
}

export function toastsInitial(): ToastsSlice {
  return { toasts: [] };
}

let toastSeq = 0;
const toastTimers = new Map<number, ReturnType<typeof setTimeout>>();

/**
 * Keeps the newest `TOASTS_MAX`, dropping the oldest info or warning first: an error the operator
 * has not read is not pushed out by chatter.
 */
export function capToasts(toasts: readonly Toast[], max = TOASTS_MAX): Toast[] {
  const out = [...toasts];
  while (out.length > max) {
    const k = out.findIndex((t) => t.kind !== 'error');
    out.splice(k >= 0 ? k : 0, 1);
  }
  return out;
}

/**
 * `ttlMs`: how long it stays; errors default to staying until dismissed (Infinity), info and
 * warnings go after a few seconds.
 */
export function toast(kind: Toast['kind'], text: string, ttlMs = kind === 'error' ? Number.POSITIVE_INFINITY : kind === 'warn' ? WARN_TTL_MS : INFO_TTL_MS): void {
  const id = ++toastSeq;
  set((s) => {
    const toasts = capToasts([...s.toasts, { id, kind, text }]);
    for (const t of s.toasts) if (!toasts.includes(t)) clearTimer(t.id);
    return { toasts };
  });
  if (Number.isFinite(ttlMs)) toastTimers.set(id, setTimeout(() => dismissToast(id), ttlMs));
}

function clearTimer(id: number): void {
  const t = toastTimers.get(id);
  if (t) clearTimeout(t);
  toastTimers.delete(id);
}

export function dismissToast(id: number): void {
  clearTimer(id);
  set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
}

export function errorText(err: unknown): { code: string; message: string } {
  if (err instanceof RpcError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'ERROR', message: err.message };
  return { code: 'ERROR', message: String(err) };
}

/** A snapshot request whose failure is toasted (unless we are simply offline) and read as null. */
export async function settle<T>(p: Promise<T>, what: string): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    const e = errorText(err);
    if (e.code !== 'NOT_CONNECTED') toast('error', `Loading ${what} failed: ${e.code} — ${e.message}`);
    return null;
  }
}

/** What the engine wants the operator to know now (watchdog, kill switch problems): an error stays until dismissed, a warning longer than most. */
function onEngineAlert(a: EngineAlertDto): void {
  if (a.severity === 'error') toast('error', `${a.code}: ${a.message}`);
  else toast('warn', `${a.code}: ${a.message}`, 10_000);
}

export const toastsSlice: SliceDef = {
  name: 'toasts',
  events: { 'engine.alert': onEngineAlert },
};
