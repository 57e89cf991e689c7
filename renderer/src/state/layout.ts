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
  /** Column choices per grid id ('trading.orders', …), as the operator left them (loaded on first use). */
  gridPrefs: Record<string, GridPrefs>;
  /** Active tab per tab set ('trading.blotter', …), kept per operator. */
  tabs: Record<string, string>;
}

/** What the operator chose for one grid's columns; anything unset follows the grid's defaults. */
export interface GridPrefs {
  /** Column keys in the operator's order (keys the grid no longer has are ignored, new ones appended). */
  order: string[];
  hidden: string[];
  /** Pixel widths the operator dragged or keyed; other columns size themselves. */
  widths: Record<string, number>;
}

export const EMPTY_GRID_PREFS: GridPrefs = { order: [], hidden: [], widths: {} };

export function layoutInitial(): LayoutSlice {
  // Literal only: this runs while store.ts is created, possibly before this module's constants exist.
  return { screen: 'trading', sideTab: 'positions', helpOpen: false, layoutRev: {}, gridPrefs: {}, tabs: {} };
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
    const mine = `strata.layout.${operatorId()}.${screen}.`;
    const own = `${PANELS_PREFIX}${mine}`;
    const drop: string[] = [];
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i);
      // Panel sizes (the library's prefix), grid columns and tabs (ours); the pre-screen keys belong
      // to the trading screen and a reset must not bring them back.
      if (k && (k.startsWith(own) || k.startsWith(mine) || (screen === 'trading' && /^react-resizable-panels:strata\.layout\.[\w-]+$/.test(k)))) drop.push(k);
    }
    for (const k of drop) s.removeItem(k);
  }
  const prefix = `${screen}.`;
  const keep = <T,>(rec: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(rec).filter(([k]) => !k.startsWith(prefix)));
  set((st) => ({
    layoutRev: { ...st.layoutRev, [screen]: (st.layoutRev[screen] ?? 0) + 1 },
    gridPrefs: keep(st.gridPrefs),
    tabs: keep(st.tabs),
    sideTab: screen === 'trading' ? 'positions' : st.sideTab,
  }));
}

export function setSideTab(tab: SideTab): void {
  set({ sideTab: tab });
  saveItem(`strata.layout.${operatorId()}.trading.side-tab`, tab);
}

/** The side tab the operator left (Positions unless they chose another), read once at start. */
export function restoreSideTab(): void {
  const t = readItem(`strata.layout.${operatorId()}.trading.side-tab`);
  if (t === 'positions' || t === 'detail' || t === 'risk') set({ sideTab: t });
}

function readItem(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function saveItem(key: string, value: string | null): void {
  try {
    const s = storage();
    if (!s) return;
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    // Full or locked storage: the choice lasts until reload.
  }
}

// ---------------------------------------------------------------------------------------------
// Grid columns and tabs, per operator. Ids are '<screen>.<name>' so a screen's reset drops them.

function gridKey(id: string): string {
  return `strata.layout.${operatorId()}.${id}.columns`;
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}

/** Saved prefs, tolerating anything storage may hold (a hand-edited or older value reads as defaults). */
function readGridPrefs(id: string): GridPrefs {
  const raw = readItem(gridKey(id));
  if (raw === null) return EMPTY_GRID_PREFS;
  try {
    const v = JSON.parse(raw) as Partial<Record<keyof GridPrefs, unknown>>;
    const widths: Record<string, number> = {};
    if (typeof v.widths === 'object' && v.widths !== null) {
      for (const [k, w] of Object.entries(v.widths)) if (typeof w === 'number' && Number.isFinite(w) && w >= 16 && w <= 2000) widths[k] = Math.round(w);
    }
    return { order: isStringArray(v.order) ? v.order : [], hidden: isStringArray(v.hidden) ? v.hidden : [], widths };
  } catch {
    return EMPTY_GRID_PREFS;
  }
}

/** The column prefs of a grid (read from storage the first time it is asked for). */
export function gridPrefs(id: string): GridPrefs {
  const have = get().gridPrefs[id];
  if (have) return have;
  const p = readGridPrefs(id);
  // Cached without notifying: this may run during a render.
  get().gridPrefs[id] = p;
  return p;
}

export function setGridPrefs(id: string, update: (p: GridPrefs) => GridPrefs): void {
  const next = update(gridPrefs(id));
  set((s) => ({ gridPrefs: { ...s.gridPrefs, [id]: next } }));
  saveItem(gridKey(id), JSON.stringify(next));
}

/** Back to the grid's default columns (order, visibility, widths). */
export function resetGridPrefs(id: string): void {
  set((s) => ({ gridPrefs: { ...s.gridPrefs, [id]: EMPTY_GRID_PREFS } }));
  saveItem(gridKey(id), null);
}

/** The active tab of a tab set, as the operator left it. */
export function savedTab<T extends string>(id: string, allowed: readonly T[], fallback: T): T {
  const have = get().tabs[id] ?? readItem(`strata.layout.${operatorId()}.${id}.tab`);
  return allowed.find((t) => t === have) ?? fallback;
}

export function setSavedTab(id: string, tab: string): void {
  set((s) => ({ tabs: { ...s.tabs, [id]: tab } }));
  saveItem(`strata.layout.${operatorId()}.${id}.tab`, tab);
}

export function setHelp(open: boolean): void {
  set({ helpOpen: open });
}
