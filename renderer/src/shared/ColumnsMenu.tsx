import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { gridPrefs, resetGridPrefs, setGridPrefs, useStore } from '../state/index.ts';
import { moveColumn, orderColumns } from './grid-layout.ts';

export interface MenuColumn {
  key: string;
  header: string;
  required?: boolean;
}

/**
 * The Columns menu of a grid: show/hide by checkbox, move left/right by button (the keyboard way to
 * reorder; headers can also be dragged), and reset to the grid's defaults. Opened from the grid's
 * corner button or a right click on its header; Escape or a click outside closes it.
 */
export function ColumnsMenu({
  gridId,
  label,
  columns,
  squeezed,
  at,
  onClose,
}: {
  gridId: string;
  label: string;
  columns: readonly MenuColumn[];
  /** Columns left out for lack of room (said so next to them). */
  squeezed: readonly string[];
  /** Viewport position of the menu's top-left corner. */
  at: { x: number; y: number };
  onClose: () => void;
}): ReactNode {
  const prefs = useStore((s) => s.gridPrefs[gridId]) ?? gridPrefs(gridId);
  const ref = useRef<HTMLDivElement | null>(null);
  const ordered = orderColumns(columns, prefs.order);
  const hidden = new Set(prefs.hidden);

  useEffect(() => {
    const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('input, button')?.focus();
    const onDown = (e: MouseEvent): void => {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) onClose();
    };
    document.addEventListener('mousedown', onDown, true);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      back?.focus();
    };
  }, []);

  const move = (key: string, dir: -1 | 1): void => {
    setGridPrefs(gridId, (p) => ({ ...p, order: moveColumn(orderColumns(columns, p.order).map((c) => c.key), key, dir) }));
  };
  const toggle = (key: string, show: boolean): void => {
    setGridPrefs(gridId, (p) => ({ ...p, hidden: show ? p.hidden.filter((k) => k !== key) : [...p.hidden.filter((k) => k !== key), key] }));
  };

  // Kept inside the window whatever corner it was opened from.
  const left = Math.max(4, Math.min(at.x, window.innerWidth - 280));
  const top = Math.max(4, Math.min(at.y, window.innerHeight - (ordered.length * 28 + 90)));

  return (
    <div
      ref={ref}
      className="cols-menu"
      role="dialog"
      aria-label={`Columns of ${label}`}
      style={{ left, top }}
      onKeyDown={(e) => {
        // The grid underneath must not see these keys (arrows move its selection, Delete cancels).
        e.stopPropagation();
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div className="cols-menu-head">
        <strong>Columns</strong> <span className="muted">{label}</span>
      </div>
      <ul>
        {ordered.map((c, i) => {
          const name = c.header || c.key;
          return (
            <li key={c.key}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={c.required || !hidden.has(c.key)}
                  disabled={c.required}
                  onChange={(e) => toggle(c.key, e.target.checked)}
                />{' '}
                {name}
              </label>
              {squeezed.includes(c.key) && (
                <span className="muted cols-squeezed" title="Shown again when the panel is wider">
                  no room
                </span>
              )}
              <span className="cols-move">
                <button type="button" className="icon-btn" aria-label={`Move ${name} left`} disabled={i === 0} onClick={() => move(c.key, -1)}>
                  ◂
                </button>
                <button type="button" className="icon-btn" aria-label={`Move ${name} right`} disabled={i === ordered.length - 1} onClick={() => move(c.key, 1)}>
                  ▸
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      <div className="cols-menu-foot">
        <button type="button" className="btn" onClick={() => resetGridPrefs(gridId)}>
          Reset columns
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
