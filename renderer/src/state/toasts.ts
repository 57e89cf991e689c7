import { RpcError } from '../../../src/contract/index.ts';
import type { EngineAlertDto } from '../../../src/contract/index.ts';
import type { SliceDef } from './slice.ts';
import { set } from './store.ts';

export const TOASTS_MAX = 5;

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

export function toast(kind: Toast['kind'], text: string, ttlMs = kind === 'error' ? 8000 : 5000): void {
  const id = ++toastSeq;
  set((s) => ({ toasts: [...s.toasts, { id, kind, text }].slice(-TOASTS_MAX) }));
  toastTimers.set(
    id,
    setTimeout(() => dismissToast(id), ttlMs),
  );
}

export function dismissToast(id: number): void {
  const t = toastTimers.get(id);
  if (t) clearTimeout(t);
  toastTimers.delete(id);
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

/** What the engine wants the operator to know now (watchdog, kill switch problems): a toast that stays longer. */
function onEngineAlert(a: EngineAlertDto): void {
  toast(a.severity === 'error' ? 'error' : 'warn', `${a.code}: ${a.message}`, a.severity === 'error' ? 30_000 : 10_000);
}

export const toastsSlice: SliceDef = {
  name: 'toasts',
  events: { 'engine.alert': onEngineAlert },
};
