import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { dismissToast, setHelp, useStore } from '../state/index.ts';
import { SHORTCUTS } from './keyboard.ts';

export function HelpOverlay(): ReactNode {
  const open = useStore((s) => s.helpOpen);
  const closeRef = useRef<HTMLButtonElement | null>(null);
  const returnTo = useRef<Element | null>(null);
  useEffect(() => {
    if (open) {
      returnTo.current = document.activeElement;
      closeRef.current?.focus();
    } else if (returnTo.current instanceof HTMLElement) {
      returnTo.current.focus();
      returnTo.current = null;
    }
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" onMouseDown={() => setHelp(false)}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            e.stopPropagation();
            setHelp(false);
          }
        }}
      >
        <header className="dialog-head">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button ref={closeRef} type="button" className="icon-btn" aria-label="Close" onClick={() => setHelp(false)}>
            ×
          </button>
        </header>
        <table className="table keys">
          <tbody>
            {SHORTCUTS.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function Toasts(): ReactNode {
  const toasts = useStore((s) => s.toasts);
  // Trading: over the chart's upper area (the ticket and the Positions grid stay readable). Every
  // other screen: the bottom-right corner above the status line, clear of the grids' columns.
  const onChart = useStore((s) => s.screen) === 'trading';
  return (
    <div className={`toasts ${onChart ? 'toasts-chart' : 'toasts-corner'}`} role="status" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : undefined}>
          <span className="toast-text">{t.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
