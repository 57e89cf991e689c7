import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent as ReactPointerEvent, ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { gridPrefs, setGridPrefs, useStore } from '../state/index.ts';
import { EMPTY_GRID_PREFS } from '../state/index.ts';
import { ColumnsMenu } from './ColumnsMenu.tsx';
import { minPx, moveBefore, orderColumns, planColumns } from './grid-layout.ts';

export interface Column<T> {
  key: string;
  header: string;
  /** A CSS grid track, e.g. '90px' or 'minmax(120px, 1fr)': its px is the minimum, fr the share of spare room. */
  width: string;
  /** 1 = always shown; larger numbers give way first when the grid is too narrow (default 5). */
  priority?: number;
  /** Cannot be hidden from the Columns menu. */
  required?: boolean;
  align?: 'left' | 'right' | 'center';
  /** Header text for assistive tech only (e.g. an actions column). */
  hideHeader?: boolean;
  render: (row: T) => ReactNode;
  title?: (row: T) => string | undefined;
  className?: (row: T) => string | undefined;
  /** Most px the column widens to for its content (free text: the rest is cut, in full in the title). */
  needCap?: number;
}

export interface VirtualGridProps<T> {
  label: string;
  /** Extra class on the grid element (e.g. tighter cells). */
  className?: string;
  columns: Column<T>[];
  rowCount: number;
  /** Row at visual position i (0 = first row under the header). */
  rowAt: (i: number) => T | undefined;
  rowKey: (row: T) => string;
  /** Visual position of a key, or -1. */
  indexOf: (key: string) => number;
  /** Changes whenever rows change; forces a re-render of visible rows. */
  rev: number;
  selectedKey: string | null;
  onSelect: (key: string | null) => void;
  /** Delete/Backspace on the selected row. */
  onDeleteRow?: (row: T) => void;
  /** Other keys on the selected row (arrows to expand, shortcuts); true when handled. */
  onRowKey?: (row: T, e: KeyboardEvent<HTMLDivElement>) => boolean;
  /** Extra ARIA state of a row (e.g. aria-expanded of a parent, aria-level of a child). */
  rowAria?: (row: T) => { expanded?: boolean; level?: number } | undefined;
  rowClassName?: (row: T) => string | undefined;
  emptyText: string;
  rowHeight?: number;
  gridRef?: (el: HTMLDivElement | null) => void;
  /**
   * '<screen>.<name>': the operator can hide, reorder and resize columns, kept per operator under this
   * id (and dropped by the screen's layout reset). Without it the columns are as declared.
   */
  gridId?: string;
  /**
   * Told the width (px, the grid's box) at which every visible column shows at its minimum, whenever
   * it changes: a panel sized from its content (Positions) follows it.
   */
  onWantWidth?: (px: number) => void;
  /** Told the width its priority-1 columns need (plus a scrollbar): a neighbour panel sized from its own content leaves it that much. */
  onKeepWidth?: (px: number) => void;
}

/** Content wider than this is not worth widening a column for (free text): it is cut with a title. */
const NEED_CAP_PX = 420;
/** Where grids go compact (tighter cells, no header tracking): keep in step with the @media rules in features/trading/execution.css. */
export const COMPACT_MEDIA = '(max-width: 1400px)';
const RESIZE_STEP_PX = 8;
/** Room added when a column widens, so a price ticking one digit wider does not widen it again at once. */
const GROW_SLACK_PX = 2;
/** Widenings per column before it stops growing (content that overflows at any width). */
const MAX_GROWS = 24;

/**
 * How many px a cell's content is cut by: the cell's own overflow, or that of a part inside it that
 * clips (a symbol with an ellipsis beside a flag marker shrinks to the cell and never overflows it).
 * Measured on the text itself with fractional widths: scrollWidth is rounded, so text 0.1 px wider
 * than its box reads as fitting while the browser paints it with an ellipsis ("63,489.…").
 */
const px = (v: string): number => parseFloat(v) || 0;

/** Left and right edges of the visible text inside `el` (its text nodes only: a resize handle or an icon box is not text). */
function textExtent(el: HTMLElement, range: Range): { left: number; right: number } {
  let left = Infinity;
  let right = -Infinity;
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent?.trim() || n.parentElement?.closest('.sr-only')) continue;
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0) continue;
    left = Math.min(left, r.left);
    right = Math.max(right, r.right);
  }
  return { left, right };
}

/** Width of the text inside `el`. */
function textWidth(el: HTMLElement, range: Range): number {
  const { left, right } = textExtent(el, range);
  return right > left ? right - left : 0;
}

function overflowOf(cell: HTMLElement, range: Range): number {
  let over = cell.scrollWidth - cell.clientWidth;
  const parts = [cell, ...cell.querySelectorAll<HTMLElement>('*')];
  for (const part of parts) {
    if (part.clientWidth === 0 || part.classList.contains('sr-only')) continue;
    const cs = getComputedStyle(part);
    // Only a part that clips hides text; one that lets its content spill over cuts nothing.
    if (cs.overflowX === 'visible') continue;
    const text = textWidth(part, range);
    // The box's fractional width (clientWidth is rounded too), less padding and borders.
    const box = part.getBoundingClientRect().width - px(cs.paddingLeft) - px(cs.paddingRight) - px(cs.borderLeftWidth) - px(cs.borderRightWidth);
    over = Math.max(over, part.scrollWidth - part.clientWidth, text - box);
  }
  return over;
}

/**
 * The width a cell's content needs, read from where its text and inline boxes end (left-aligned) or
 * start (right-aligned) plus the far padding. What it misses shows as overflow, which `overflowOf`
 * measures. Read even when the cell is wide enough,
 * so a grid knows what it needs before anything is cut (a panel sized from its content asks for it).
 */
function naturalWidth(cell: HTMLElement, range: Range): number {
  let { left, right } = textExtent(cell, range);
  // Inline boxes (a status chip, a flag marker, an icon button) count with their padding and border;
  // block parts (a progress bar at 100%) take whatever width they are given, so they say nothing.
  for (const part of cell.querySelectorAll<HTMLElement>('*')) {
    if (part.classList.contains('sr-only')) continue;
    const pcs = getComputedStyle(part);
    if (!pcs.display.startsWith('inline') || pcs.position === 'absolute') continue;
    const r = part.getBoundingClientRect();
    if (r.width === 0) continue;
    left = Math.min(left, r.left);
    right = Math.max(right, r.right);
  }
  if (!(right > left)) return 0;
  const cs = getComputedStyle(cell);
  const box = cell.getBoundingClientRect();
  if (cs.textAlign === 'right' || cs.textAlign === 'end') return box.right - left + px(cs.paddingLeft);
  if (cs.textAlign === 'center') return right - left + px(cs.paddingLeft) + px(cs.paddingRight);
  return right - box.left + px(cs.paddingRight);
}

/**
 * A virtualised ARIA grid: role=grid > rowgroup > row > gridcell, with aria-rowcount/aria-rowindex so
 * assistive tech knows the full size. The grid itself holds focus (tabIndex 0) and points at the
 * selected row with aria-activedescendant; arrows, Home/End and PageUp/PageDown move the selection.
 */
export function VirtualGrid<T>(props: VirtualGridProps<T>): ReactNode {
  const { label, rowCount, rowAt, rowKey, indexOf, rev, selectedKey, onSelect, onDeleteRow, onRowKey, rowAria, rowClassName, emptyText, gridId } = props;
  const rowHeight = props.rowHeight ?? 26;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const baseId = useId().replace(/[^a-zA-Z0-9_-]/g, '');

  // Column layout: the operator's choices, measured content widths and the room there is.
  const stored = useStore((s) => (gridId ? s.gridPrefs[gridId] : undefined));
  const prefs = gridId ? (stored ?? gridPrefs(gridId)) : EMPTY_GRID_PREFS;
  const [need, setNeed] = useState<Record<string, number>>({});
  // Times each column was widened: content that overflows whatever the width (a bar at 100% plus a
  // margin) would otherwise widen it on every render; after a few tries the column stops growing.
  const grows = useRef<Record<string, number>>({});
  const [avail, setAvail] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ key: string; width: number } | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const effPrefs = drag ? { ...prefs, widths: { ...prefs.widths, [drag.key]: drag.width } } : prefs;
  const plan = planColumns(props.columns, effPrefs, need, avail);
  const columns = plan.shown;
  const template = plan.menuTrack > 0 ? `${plan.tracks.join(' ')} ${plan.menuTrack}px` : plan.tracks.join(' ');
  // Below the columns' minimum widths the grid scrolls sideways instead of squashing cells.
  const minWidth = plan.minWidth;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    // A hidden grid (a tab not shown) measures 0: its columns are planned when it shows.
    const measure = (): void => {
      const w = el.clientWidth > 0 ? el.clientWidth : null;
      setAvail((cur) => (cur === w ? cur : w));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  // A cell whose content is wider than its track widens the column (ratchet: widths only grow, so
  // this settles). Free text past NEED_CAP_PX stays cut; its full text is in the cell's title.
  // Measured in the next frame, not during commit: reading scrollWidth forces a layout, and rows
  // change many times a second; one read per frame at most.
  const measureReq = useRef(0);
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;
  const capOf = useRef<Record<string, number>>({});
  capOf.current = Object.fromEntries(props.columns.filter((c) => c.needCap !== undefined).map((c) => [c.key, c.needCap as number]));
  // Only when what is shown changed (rows, room, columns): a re-render for the clock is not measured.
  const measureSig = `${rev}|${rowCount}|${avail ?? 0}|${plan.tracks.join(' ')}`;
  const measuredSig = useRef('');
  // Crossing the compact breakpoint changes cell padding and header tracking (CSS), so widths measured
  // on the other side are stale: measured again from nothing (widths only grow otherwise, and the
  // 1600 px widths kept Filled out of the Orders grid at 1280 px).
  useEffect(() => {
    const mq = window.matchMedia(COMPACT_MEDIA);
    const remeasure = (): void => {
      grows.current = {};
      measuredSig.current = '';
      setNeed({});
    };
    mq.addEventListener('change', remeasure);
    return () => mq.removeEventListener('change', remeasure);
  }, []);
  useEffect(() => {
    if (measureReq.current || measuredSig.current === measureSig) return;
    measuredSig.current = measureSig;
    measureReq.current = requestAnimationFrame(() => {
      measureReq.current = 0;
      const el = scrollRef.current;
      if (!el || el.clientWidth === 0) return;
      const found: Record<string, number> = {};
      // Columns widened because something was cut (counted against MAX_GROWS), not just measured.
      const cut = new Set<string>();
      const range = document.createRange();
      for (const cell of el.querySelectorAll<HTMLElement>('[data-col]')) {
        const key = cell.dataset.col ?? '';
        if (prefsRef.current.widths[key] !== undefined || (grows.current[key] ?? 0) >= MAX_GROWS) continue;
        const over = overflowOf(cell, range);
        let want = Math.ceil(naturalWidth(cell, range) + 1);
        if (over > 0.05) {
          // The content's own extent explains the cut: that much (plus slack) is what it needs. Only
          // when it does not (a part that clips inside) is the cut added to the present width: that
          // overshot a cut symbol by ~11 px (79 px for ETH/USDT), in both Orders and Positions.
          const extent = want - 1;
          want = extent > cell.clientWidth + 0.05 ? want + GROW_SLACK_PX : Math.max(want, Math.ceil(cell.clientWidth + over) + GROW_SLACK_PX);
          cut.add(key);
        }
        if (want > 0) found[key] = Math.max(found[key] ?? 0, Math.min(capOf.current[key] ?? NEED_CAP_PX, want));
      }
      const keys = Object.keys(found);
      if (keys.length === 0) return;
      setNeed((cur) => {
        let next: Record<string, number> | null = null;
        for (const k of keys) {
          const want = found[k] ?? 0;
          if (want > (cur[k] ?? 0)) {
            (next ??= { ...cur })[k] = want;
            if (cut.has(k)) grows.current[k] = (grows.current[k] ?? 0) + 1;
          }
        }
        return next ?? cur;
      });
    });
  });
  useEffect(() => () => cancelAnimationFrame(measureReq.current), []);

  // What the grid needs, told to whoever sizes its panel: the columns plus a vertical scrollbar's
  // width (offsetWidth − clientWidth) and the grid's borders, if any.
  const onWant = useRef(props.onWantWidth);
  onWant.current = props.onWantWidth;
  const wantWidth = plan.wantWidth;
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !onWant.current || avail === null) return;
    onWant.current(wantWidth + (el.offsetWidth - el.clientWidth));
  }, [wantWidth, avail, rowCount]);
  const onKeep = useRef(props.onKeepWidth);
  onKeep.current = props.onKeepWidth;
  const keepWidth = plan.keepWidth;
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !onKeep.current || avail === null) return;
    onKeep.current(keepWidth + (el.offsetWidth - el.clientWidth));
  }, [keepWidth, avail, rowCount]);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });

  const selectedIndex = selectedKey === null ? -1 : indexOf(selectedKey);


  const externalRef = useRef(props.gridRef);
  externalRef.current = props.gridRef;
  const setRef = useCallback((el: HTMLDivElement | null) => {
    scrollRef.current = el;
    externalRef.current?.(el);
  }, []);

  const move = (to: number): void => {
    if (rowCount === 0) return;
    const i = Math.max(0, Math.min(rowCount - 1, to));
    const row = rowAt(i);
    if (row === undefined) return;
    onSelect(rowKey(row));
    // Keyboard moves bring the row into view; new rows arriving never yank the scroll position.
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 260) / rowHeight) - 2);
    const current = selectedIndex >= 0 ? rowAt(selectedIndex) : undefined;
    if (current !== undefined && onRowKey?.(current, e)) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    switch (e.key) {
      case 'ArrowDown':
        move(selectedIndex < 0 ? 0 : selectedIndex + 1);
        break;
      case 'ArrowUp':
        move(selectedIndex < 0 ? 0 : selectedIndex - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rowCount - 1);
        break;
      case 'PageDown':
        move((selectedIndex < 0 ? 0 : selectedIndex) + page);
        break;
      case 'PageUp':
        move((selectedIndex < 0 ? 0 : selectedIndex) - page);
        break;
      case 'Delete':
      case 'Backspace': {
        const row = selectedIndex >= 0 ? rowAt(selectedIndex) : undefined;
        if (row === undefined || !onDeleteRow) return;
        onDeleteRow(row);
        break;
      }
      case 'Escape':
        if (selectedKey === null) return;
        onSelect(null);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const rowId = (key: string): string => `${baseId}-r-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const items = virtualizer.getVirtualItems();
  // aria-activedescendant may only name a row that is in the DOM.
  const activeRow = selectedIndex >= 0 && items.some((vi) => vi.index === selectedIndex) ? rowAt(selectedIndex) : undefined;

  // Resizing: a drag on the header's edge, or arrows on the focused handle; Enter/Delete = automatic.
  const widthOf = (key: string): number => {
    const cell = scrollRef.current?.querySelector<HTMLElement>(`[role="columnheader"][data-col="${key}"]`);
    return Math.round(cell?.getBoundingClientRect().width ?? 80);
  };
  const saveWidth = (key: string, width: number | null): void => {
    if (!gridId) return;
    setGridPrefs(gridId, (p) => {
      const widths = { ...p.widths };
      if (width === null) delete widths[key];
      else widths[key] = Math.max(24, Math.min(1200, Math.round(width)));
      return { ...p, widths };
    });
  };
  const startResize = (key: string, e: ReactPointerEvent<HTMLDivElement>): void => {
    e.preventDefault();
    e.stopPropagation();
    const x0 = e.clientX;
    const w0 = widthOf(key);
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    let last = w0;
    const moveTo = (ev: PointerEvent): void => {
      last = Math.max(24, w0 + ev.clientX - x0);
      setDrag({ key, width: last });
    };
    const end = (): void => {
      target.removeEventListener('pointermove', moveTo);
      target.removeEventListener('pointerup', end);
      target.removeEventListener('pointercancel', end);
      setDrag(null);
      if (last !== w0) saveWidth(key, last);
    };
    target.addEventListener('pointermove', moveTo);
    target.addEventListener('pointerup', end);
    target.addEventListener('pointercancel', end);
  };
  const resizeKey = (key: string, e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? RESIZE_STEP_PX * 4 : RESIZE_STEP_PX;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') saveWidth(key, widthOf(key) + (e.key === 'ArrowRight' ? step : -step));
    else if (e.key === 'Enter' || e.key === 'Delete' || e.key === 'Backspace') saveWidth(key, null);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const dropOn = (target: string, dragged: string): void => {
    if (!gridId || dragged === target) return;
    setGridPrefs(gridId, (p) => ({ ...p, order: moveBefore(orderColumns(props.columns, p.order).map((c) => c.key), dragged, target) }));
  };
  const menuColumns = props.columns.map((c) => ({ key: c.key, header: c.header, required: c.required }));

  return (
    <div className="vgrid-wrap">
    <div
      ref={setRef}
      className={`vgrid ${props.className ?? ''}`}
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length}
      aria-activedescendant={activeRow !== undefined ? rowId(rowKey(activeRow)) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-rev={rev}
    >
      <div role="rowgroup" className="vgrid-head" style={{ minWidth }}>
        <div
          role="row"
          aria-rowindex={1}
          className="vgrid-row"
          style={{ gridTemplateColumns: template }}
          onContextMenu={(e) => {
            if (!gridId) return;
            e.preventDefault();
            setMenu({ x: e.clientX, y: e.clientY });
          }}
        >
          {columns.map((c, ci) => (
            <div
              key={c.key}
              role="columnheader"
              aria-colindex={ci + 1}
              data-col={c.key}
              className={`vgrid-cell ${c.align ?? 'left'} ${drag?.key === c.key ? 'resizing' : ''}`}
              draggable={gridId !== undefined}
              onDragStart={(e) => {
                e.dataTransfer.setData('text/x-strata-col', c.key);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(e) => {
                if (e.dataTransfer.types.includes('text/x-strata-col')) e.preventDefault();
              }}
              onDrop={(e) => {
                const k = e.dataTransfer.getData('text/x-strata-col');
                if (k) {
                  e.preventDefault();
                  dropOn(c.key, k);
                }
              }}
              title={gridId ? `${c.header}: drag to move, drag the edge to resize, right-click for the Columns menu` : undefined}
            >
              {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
              {gridId && (
                <div
                  className="vgrid-resize"
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize column ${c.header}`}
                  aria-valuenow={prefs.widths[c.key] ?? minPx(plan.tracks[ci] ?? c.width)}
                  tabIndex={0}
                  title="Drag, or ←/→ when focused (Enter: automatic width)"
                  onPointerDown={(e) => startResize(c.key, e)}
                  onDoubleClick={() => saveWidth(c.key, null)}
                  onKeyDown={(e) => resizeKey(c.key, e)}
                  draggable={false}
                  onDragStart={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                  }}
                />
              )}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="vgrid-body" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {items.map((vi) => {
          const row = rowAt(vi.index);
          if (row === undefined) return null;
          const key = rowKey(row);
          const selected = key === selectedKey;
          const aria = rowAria?.(row);
          return (
            <div
              key={key}
              id={rowId(key)}
              role="row"
              aria-rowindex={vi.index + 2}
              aria-selected={selected}
              aria-expanded={aria?.expanded}
              aria-level={aria?.level}
              className={`vgrid-row ${selected ? 'selected' : ''} ${rowClassName?.(row) ?? ''}`}
              style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${vi.start}px)` }}
              onMouseDown={() => onSelect(key)}
            >
              {columns.map((c, ci) => (
                <div
                  key={c.key}
                  role="gridcell"
                  aria-colindex={ci + 1}
                  data-col={c.key}
                  className={`vgrid-cell ${c.align ?? 'left'} ${c.className?.(row) ?? ''}`}
                  title={c.title?.(row)}
                >
                  {c.render(row)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      {rowCount === 0 && <div className="vgrid-empty">{emptyText}</div>}
    </div>
      {gridId && (
        <button
          type="button"
          className="vgrid-colbtn"
          aria-label={`Columns of ${label}${plan.squeezed.length ? ` (${plan.squeezed.length} left out for room)` : ''}`}
          aria-haspopup="dialog"
          aria-expanded={menu !== null}
          title={`Columns: show, hide, reorder${plan.squeezed.length ? ` · ${plan.squeezed.length} left out for room` : ''}`}
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            setMenu(menu ? null : { x: r.right - 260, y: r.bottom + 2 });
          }}
        >
          ⋮{plan.squeezed.length > 0 && <span className="vgrid-squeezed">{plan.squeezed.length}</span>}
        </button>
      )}
      {gridId && menu && (
        <ColumnsMenu gridId={gridId} label={label} columns={menuColumns} squeezed={plan.squeezed} at={menu} onClose={() => setMenu(null)} />
      )}
    </div>
  );
}
