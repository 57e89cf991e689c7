import { afterEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../../../renderer/src/state/store.ts';
import type { Toast } from '../../../../renderer/src/state/toasts.ts';
import { capToasts, dismissToast, INFO_TTL_MS, TOASTS_MAX, toast, WARN_TTL_MS } from '../../../../renderer/src/state/toasts.ts';

const t = (id: number, kind: Toast['kind']): Toast => ({ id, kind, text: `#${id}` });

describe('toasts: a short stack that never pushes out an unread error', () => {
  it('keeps at most TOASTS_MAX, dropping the oldest info or warning first', () => {
    expect(TOASTS_MAX).toBe(3);
    const out = capToasts([t(1, 'error'), t(2, 'info'), t(3, 'warn'), t(4, 'info')]);
    expect(out.map((x) => x.id)).toEqual([1, 3, 4]);
  });
  it('when all are errors the oldest goes', () => {
    expect(capToasts([t(1, 'error'), t(2, 'error'), t(3, 'error'), t(4, 'error')]).map((x) => x.id)).toEqual([2, 3, 4]);
  });
});

describe('toasts: info and warnings go by themselves, errors stay until dismissed', () => {
  afterEach(() => {
    for (const x of useStore.getState().toasts) dismissToast(x.id);
    vi.useRealTimers();
  });
  it('info after INFO_TTL_MS, a warning after WARN_TTL_MS, an error only when dismissed', () => {
    vi.useFakeTimers();
    toast('info', 'saved');
    toast('warn', 'careful');
    toast('error', 'refused');
    const kinds = () => useStore.getState().toasts.map((x) => x.kind);
    expect(kinds()).toEqual(['info', 'warn', 'error']);
    vi.advanceTimersByTime(INFO_TTL_MS + 1);
    expect(kinds()).toEqual(['warn', 'error']);
    vi.advanceTimersByTime(WARN_TTL_MS);
    expect(kinds()).toEqual(['error']);
    vi.advanceTimersByTime(10 * 60_000);
    expect(kinds()).toEqual(['error']);
    dismissToast(useStore.getState().toasts[0]!.id);
    expect(kinds()).toEqual([]);
  });
});
