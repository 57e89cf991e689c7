import { Component, useEffect, useRef } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { dismissToast, setHelp, toast, useStore } from '../store.ts';

export const SHORTCUTS: [string, string][] = [
  ['F2  /  Alt+T', 'Focus the order ticket (quantity)'],
  ['Enter', 'Submit the ticket'],
  ['Esc', 'Clear the ticket / close this help'],
  ['↑ / ↓ in Quantity, Limit price', 'Step by lot / tick (Shift: ×10)'],
  ['Alt+B  /  Alt+S', 'Ticket side Buy / Sell'],
  ['Alt+L  /  Alt+M', 'Ticket order type Limit / Market'],
  ['Alt+U', 'Ticket urgency: Immediate → High → Medium → Low'],
  ['Alt+O', 'Focus the Orders grid'],
  ['Alt+F', 'Focus the Fills grid'],
  ['Alt+P', 'Focus the Positions grid'],
  ['Alt+D', 'Show the order detail of the selected order'],
  ['Alt+R', 'Show and focus the Risk panel'],
  ['Ctrl+Shift+K', 'Kill switch: halt trading, cancel every order and algo'],
  ['Alt+W', 'Focus the watchlist (↑ / ↓ change symbol)'],
  ['↑ ↓ Home End PgUp PgDn', 'Move through grid rows'],
  ['Delete', 'Cancel the selected open order'],
  ['→ / ← / Enter on a parent order', 'Show / hide its child orders'],
  ['P on a parent order', 'Pause / resume the algorithm'],
  ['?', 'Show this help'],
];

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
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
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

interface BoundaryProps {
  name: string;
  children: ReactNode;
}
interface BoundaryState {
  error: Error | null;
}

/** One per panel: a bug in one view shows a message there instead of blanking the terminal. */
export class PanelBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`strata: ${this.props.name} crashed`, error, info.componentStack);
    toast('error', `${this.props.name} hit an error: ${error.message}`);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <div className="panel crashed" role="alert">
          <p>
            <strong>{this.props.name}</strong> failed: {this.state.error.message}
          </p>
          <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
            Reload panel
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
