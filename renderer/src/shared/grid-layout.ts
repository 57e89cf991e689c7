import type { GridPrefs } from '../state/index.ts';

/**
 * How a grid's columns share its width. Pure, so it is tested without a DOM.
 *
 * Each column has a minimum: the operator's dragged width, else the larger of its declared minimum and
 * what its content was measured to need (so numbers are never cut). When the minimums do not fit the
 * width available, the least important columns (highest `priority`) are left out first; priority 1
 * columns always stay (then the grid scrolls sideways). Space left over goes to the `fr` columns.
 */

export interface ColumnSpec {
  key: string;
  /** A CSS track as declared: '90px' or 'minmax(120px, 1fr)'. */
  width: string;
  /** 1 = always shown (identity, status, actions); larger numbers give way first when space is short. */
  priority?: number;
  /** The operator cannot hide it from the Columns menu (it may still be the last to give way: see priority). */
  required?: boolean;
  /** Its header shows no text (an actions column): the Columns button may sit over it. */
  hideHeader?: boolean;
}

/** Extra trailing track under the Columns button. */
export const MENU_TRACK_PX = 22;

/** The minimum pixel width of a grid track: '90px' → 90, 'minmax(80px, 1fr)' → 80, '1fr' → 40. */
export function minPx(track: string): number {
  const m = /^(?:minmax\()?\s*(\d+(?:\.\d+)?)px/.exec(track);
  return m ? Number(m[1]) : 40;
}

/** The flexible share of a track: 'minmax(80px, 1.5fr)' → 1.5, '90px' → 0. */
export function frOf(track: string): number {
  const m = /(\d+(?:\.\d+)?)fr/.exec(track);
  return m ? Number(m[1]) : 0;
}

/** Columns in the operator's order: known keys as saved, then any the saved order does not name. */
export function orderColumns<C extends { key: string }>(cols: readonly C[], order: readonly string[]): C[] {
  const byKey = new Map(cols.map((c) => [c.key, c]));
  const out: C[] = [];
  for (const k of order) {
    const c = byKey.get(k);
    if (c) {
      out.push(c);
      byKey.delete(k);
    }
  }
  // A column added since the order was saved goes where the defaults put it, after its left neighbour.
  for (const c of cols) {
    if (!byKey.has(c.key)) continue;
    const i = cols.indexOf(c);
    const left = i > 0 ? cols[i - 1] : undefined;
    const at = left ? out.indexOf(left) : -1;
    out.splice(at + 1, 0, c);
    byKey.delete(c.key);
  }
  return out;
}

export interface ColumnPlan<C> {
  shown: C[];
  /** Visible by the operator's choice but left out for lack of room, least important first. */
  squeezed: string[];
  /** Per shown column, its CSS track. */
  tracks: string[];
  /**
   * The trailing track under the Columns button: MENU_TRACK_PX, or 0 when the last column's header
   * is blank (the button sits over it, and the 22 px go to the columns: at 1280 px that is Filled).
   */
  menuTrack: number;
  /** Sum of the shown columns' minimums plus the menu track: below it the grid scrolls sideways. */
  minWidth: number;
  /**
   * Sum of every visible column's minimum plus the menu track: the width at which nothing the operator
   * asked for is left out (a panel sized from its content asks for this much).
   */
  wantWidth: number;
  /**
   * Sum of the visible priority-1 columns' minimums plus the menu track: the least width at which the
   * grid neither scrolls sideways nor loses a column it must keep (a neighbour panel leaves it this).
   */
  keepWidth: number;
}

export function planColumns<C extends ColumnSpec>(
  cols: readonly C[],
  prefs: GridPrefs,
  /** Measured content widths (px) per column key. */
  need: Readonly<Record<string, number>>,
  /** Width available to the columns, or null before it is known (then nothing is squeezed). */
  avail: number | null,
): ColumnPlan<C> {
  const hidden = new Set(prefs.hidden);
  const visible = orderColumns(cols, prefs.order).filter((c) => c.required || !hidden.has(c.key));
  const min = (c: C): number => prefs.widths[c.key] ?? Math.max(minPx(c.width), need[c.key] ?? 0);
  let shown = visible;
  const squeezed: string[] = [];
  // The last column is priority 1 where it matters (actions): what it is before squeezing, it stays.
  const menuTrack = visible.at(-1)?.hideHeader ? 0 : MENU_TRACK_PX;
  if (avail !== null) {
    let total = shown.reduce((s, c) => s + min(c), menuTrack);
    while (total > avail) {
      let drop: C | undefined;
      for (const c of shown) if ((c.priority ?? 5) > 1 && (drop === undefined || (c.priority ?? 5) >= (drop.priority ?? 5))) drop = c;
      if (!drop) break;
      const gone = drop;
      shown = shown.filter((c) => c !== gone);
      squeezed.push(gone.key);
      total -= min(gone);
    }
  }
  const tracks = shown.map((c) => {
    const user = prefs.widths[c.key];
    if (user !== undefined) return `${user}px`;
    const fr = frOf(c.width);
    return fr > 0 ? `minmax(${min(c)}px, ${fr}fr)` : `${min(c)}px`;
  });
  return {
    shown,
    squeezed,
    tracks,
    menuTrack,
    minWidth: shown.reduce((s, c) => s + min(c), menuTrack),
    wantWidth: visible.reduce((s, c) => s + min(c), menuTrack),
    keepWidth: visible.reduce((s, c) => s + ((c.priority ?? 5) <= 1 ? min(c) : 0), menuTrack),
  };
}

/** The order after moving `key` one place left (-1) or right (+1) among the given order. */
export function moveColumn(order: readonly string[], key: string, dir: -1 | 1): string[] {
  const out = [...order];
  const i = out.indexOf(key);
  const j = i + dir;
  if (i < 0 || j < 0 || j >= out.length) return out;
  const a = out[i] as string;
  out[i] = out[j] as string;
  out[j] = a;
  return out;
}

/** The order after dropping `key` just before `target`. */
export function moveBefore(order: readonly string[], key: string, target: string): string[] {
  if (key === target) return [...order];
  const out = order.filter((k) => k !== key);
  const at = out.indexOf(target);
  out.splice(at < 0 ? out.length : at, 0, key);
  return out;
}
