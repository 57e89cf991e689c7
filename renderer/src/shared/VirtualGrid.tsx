import { useCallback, useId, useRef } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface Column<T> {
  key: string;
  header: string;
  /** A CSS grid track, e.g. '90px' or 'minmax(120px, 1fr)'. */
  width: string;
  align?: 'left' | 'right' | 'center';
  /** Header text for assistive tech only (e.g. an actions column). */
  hideHeader?: boolean;
  render: (row: T) => ReactNode;
  title?: (row: T) => string | undefined;
  className?: (row: T) => string | undefined;
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
}

/** The minimum pixel width of a grid track: '90px' → 90, 'minmax(80px, 1fr)' → 80, '1fr' → 40. */
function minPx(track: string): number {
  const m = /^(?:minmax\()?\s*(\d+(?:\.\d+)?)px/.exec(track);
  return m ? Number(m[1]) : 40;
}

/**
 * A virtualised ARIA grid: role=grid > rowgroup > row > gridcell, with aria-rowcount/aria-rowindex so
 * assistive tech knows the full size. The grid itself holds focus (tabIndex 0) and points at the
 * selected row with aria-activedescendant; arrows, Home/End and PageUp/PageDown move the selection.
 */
export function VirtualGrid<T>(props: VirtualGridProps<T>): ReactNode {
  const { label, columns, rowCount, rowAt, rowKey, indexOf, rev, selectedKey, onSelect, onDeleteRow, onRowKey, rowAria, rowClassName, emptyText } = props;
  const rowHeight = props.rowHeight ?? 26;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const baseId = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const template = columns.map((c) => c.width).join(' ');
  // Below the columns' minimum widths the grid scrolls sideways instead of squashing cells.
  const minWidth = columns.reduce((sum, c) => sum + minPx(c.width), 0);

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

  return (
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
        <div role="row" aria-rowindex={1} className="vgrid-row" style={{ gridTemplateColumns: template }}>
          {columns.map((c, ci) => (
            <div key={c.key} role="columnheader" aria-colindex={ci + 1} className={`vgrid-cell ${c.align ?? 'left'}`}>
              {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
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
  );
}
