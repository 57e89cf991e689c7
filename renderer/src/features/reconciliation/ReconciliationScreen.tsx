import { useState } from 'react';
import type { ReactNode } from 'react';
import type { ReconItemDto, ReconOperatorAction } from '../../../../src/contract/index.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { actOnReconItem, reconcileNow, useStore } from '../../state/index.ts';
import './reconciliation.css';

const KIND_TEXT: Record<ReconItemDto['kind'], string> = {
  missed_fill: 'Missed fill',
  fills_behind: 'Fills behind',
  closed_at_venue: 'Closed at venue',
  external_order: 'External order',
  external_fill: 'External trade',
  missing_at_venue: 'Missing at venue',
  balance: 'Balance',
  opening_position: 'Opening position',
};

const ACTION_TEXT: Record<ReconOperatorAction, string> = { cancel: 'Cancel', adopt: 'Adopt', close: 'Close as lost', dismiss: 'Dismiss' };

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

function ItemRow({ item }: { item: ReconItemDto }): ReactNode {
  const [busy, setBusy] = useState(false);
  return (
    <tr className={`rc-row rc-${item.status}`} data-kind={item.kind} data-status={item.status}>
      <td className="mono">{time(item.at)}</td>
      <td>{KIND_TEXT[item.kind]}</td>
      <td className="mono">{item.clientOrderId ?? '—'}</td>
      <td>{item.symbol ?? '—'}</td>
      <td className="rc-detail">{item.detail}</td>
      <td className="rc-detail">{item.outcome}</td>
      <td>{item.status === 'needs_operator' ? 'needs you' : item.status}</td>
      <td>
        {item.actions.map((a) => (
          <button
            key={a}
            type="button"
            className="btn btn-small"
            disabled={busy}
            aria-label={`${ACTION_TEXT[a]} ${KIND_TEXT[item.kind]} ${item.clientOrderId ?? ''}`.trim()}
            onClick={() => {
              setBusy(true);
              void actOnReconItem(item.id, a).finally(() => setBusy(false));
            }}
          >
            {ACTION_TEXT[a]}
          </button>
        ))}
      </td>
    </tr>
  );
}

function ItemTable({ items, label }: { items: ReconItemDto[]; label: string }): ReactNode {
  return (
    <table className="rc-table" aria-label={label}>
      <thead>
        <tr>
          <th>Time</th>
          <th>Difference</th>
          <th>Order</th>
          <th>Symbol</th>
          <th>Found</th>
          <th>Done</th>
          <th>Status</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <ItemRow key={i.id} item={i} />
        ))}
      </tbody>
    </table>
  );
}

/**
 * The Reconciliation screen: every difference found between the journal and the exchange (at start,
 * on the timer, on request), what Strata did about it, and the decisions left to the operator.
 */
export function ReconciliationScreen(): ReactNode {
  const recon = useStore((s) => s.recon);
  const info = useStore((s) => s.venueInfo);
  const [busy, setBusy] = useState(false);
  const live = info?.venueMode === 'live';
  const runs = recon?.runs ?? [];
  const all = runs.flatMap((r) => r.items);
  return (
    <div className="rc scroll" role="region" aria-label="Reconciliation">
      <PanelBoundary name="Reconciliation">
        <header className="rc-head">
          <h2>Reconciliation</h2>
          <span className="muted" data-testid="recon-last">
            {info?.lastReconciledAt ? `last run ${time(info.lastReconciledAt)}` : live ? 'not run yet' : 'runs against a live exchange'}
          </span>
          <button
            type="button"
            className="btn"
            disabled={!live || busy}
            onClick={() => {
              setBusy(true);
              void reconcileNow().finally(() => setBusy(false));
            }}
          >
            Reconcile now
          </button>
        </header>
        <section aria-label="Waiting for you">
          <h3>Waiting for you ({recon?.open.length ?? 0})</h3>
          {recon && recon.open.length > 0 ? <ItemTable items={recon.open} label="Differences waiting for the operator" /> : <p className="muted">Nothing to decide.</p>}
        </section>
        <section aria-label="Differences found">
          <h3>Differences found ({all.length} in the last {runs.length} runs)</h3>
          {all.length > 0 ? <ItemTable items={all} label="Differences found" /> : <p className="muted">No differences: the journal and the exchange agree.</p>}
          <ul className="rc-runs" aria-label="Runs">
            {runs.map((r) => (
              <li key={r.id} className={r.ok ? '' : 'rc-failed'}>
                {time(r.at)} · {r.trigger} · {r.ok ? `${r.items.length} difference(s)` : `failed: ${r.error ?? ''}`}
              </li>
            ))}
          </ul>
        </section>
      </PanelBoundary>
    </div>
  );
}
