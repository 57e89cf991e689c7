/** Elements that global keyboard shortcuts can focus (the grids and the ticket register here). */

export type FocusTarget = 'ticket' | 'orders' | 'fills' | 'positions' | 'watchlist' | 'detail' | 'risk' | 'proposals' | 'signals' | 'portfolio';

const targets = new Map<FocusTarget, HTMLElement>();
const beforeFocus = new Map<FocusTarget, () => void>();

export function registerFocus(name: FocusTarget, el: HTMLElement | null): void {
  if (el) targets.set(name, el);
  else targets.delete(name);
}

/** Something to run before focusing (e.g. switch the blotter tab so the grid is visible). */
export function onBeforeFocus(name: FocusTarget, fn: () => void): () => void {
  beforeFocus.set(name, fn);
  return () => {
    if (beforeFocus.get(name) === fn) beforeFocus.delete(name);
  };
}

export function focusTarget(name: FocusTarget): void {
  // beforeFocus hooks render synchronously (flushSync), so the element is visible by now.
  beforeFocus.get(name)?.();
  targets.get(name)?.focus();
}
