import type { LayoutStorage } from 'react-resizable-panels';
import { get, set } from './store.ts';

/**
 * Which screen is shown, the trading screen's side tab, the help overlay, and the panel layout of
 * each screen. Layouts (and the last screen) are saved per operator in localStorage under
 * `strata.layout.<operator>.<screen>.<group>`; resetting a screen drops its keys and remounts it.
 */

/** What the bottom-right panel of the trading screen shows. */
export type SideTab = 'positions' | 'detail' | 'risk';

export interface LayoutSlice {
  /** The screen shown (an id of the app's screen registry). */
  screen: string;
  sideTab: SideTab;
  helpOpen: boolean;
  /** Bumped per screen when its layout is reset: the screen remounts with its default sizes. */
  layoutRev: Record<string, number>;
}

export function layoutInitial(): LayoutSlice {
  // Literal only: this runs while store.ts is created, possibly before this module's constants exist.
  return { screen: 'trading', sideTab: 'positions', helpOpen: false, layoutRev: {} };
}

const OPERATOR_KEY = 'strata.operator';
/** What react-resizable-panels prefixes its keys with. */
const PANELS_PREFIX = 'react-resizable-panels:';

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    // Storage can throw in locked-down contexts: layouts then simply are not kept.
    return null;
  }
}

/**
 * Who the layouts belong to. The contract has no operator identity yet, so it is a name kept in this
 * profile's storage ('default' unless set); when the session names its operator, this is where it goes.
 */
export function operatorId(): string {
  const name = storage()?.getItem(OPERATOR_KEY)?.trim();
  return name && /^[\w.-]{1,64}$/.test(name) ? name : 'default';
}

/** The storage id of one panel group of a screen (what useDefaultLayout takes as `id`). */
export function layoutId(screen: string, group: string): string {
  return `strata.layout.${operatorId()}.${screen}.${group}`;
}

function screenKey(): string {
  return `strata.screen.${operatorId()}`;
}

/** Shows the screen the operator had last, if the app still has it. */
export function restoreScreen(known: readonly string[]): void {
  let saved: string | null = null;
  try {
    saved = storage()?.getItem(screenKey()) ?? null;
  } catch {
    // As below.
  }
  if (saved !== null && known.includes(saved)) set({ screen: saved });
}

/**
 * localStorage for panel layouts, reading a layout saved before screens existed (`strata.layout.<group>`,
 * the trading screen's groups) when the operator has none of their own yet.
 */
export const layoutStorage: LayoutStorage = {
  getItem(key) {
    const s = storage();
    if (!s) return null;
    const own = s.getItem(key);
    if (own !== null) return own;
    const legacy = new RegExp(`^${PANELS_PREFIX}strata\\.layout\\.[\\w.-]+\\.trading\\.([\\w-]+)$`).exec(key);
    return legacy ? s.getItem(`${PANELS_PREFIX}strata.layout.${legacy[1]}`) : null;
  },
  setItem(key, value) {
    try {
      storage()?.setItem(key, value);
    } catch {
      // Full or locked storage: the layout lasts until reload.
    }
  },
};

export function setScreen(screen: string): void {
  if (get().screen === screen) return;
  set({ screen, helpOpen: false });
  try {
    storage()?.setItem(screenKey(), screen);
  } catch {
    // As above.
  }
}

/** Back to the screen's default panel sizes: its saved layouts are dropped and it remounts. */
export function resetLayout(screen: string): void {
  const s = storage();
  if (s) {
    const own = `${PANELS_PREFIX}strata.layout.${operatorId()}.${screen}.`;
    const drop: string[] = [];
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i);
      // The pre-screen keys belong to the trading screen; a reset must not bring them back.
      if (k && (k.startsWith(own) || (screen === 'trading' && /^react-resizable-panels:strata\.layout\.[\w-]+$/.test(k)))) drop.push(k);
    }
    for (const k of drop) s.removeItem(k);
  }
  set((st) => ({ layoutRev: { ...st.layoutRev, [screen]: (st.layoutRev[screen] ?? 0) + 1 } }));
}

export function setSideTab(tab: SideTab): void {
  set({ sideTab: tab });
}

export function setHelp(open: boolean): void {
  set({ helpOpen: open });
}
