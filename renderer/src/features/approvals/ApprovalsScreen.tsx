import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import type { InstrumentDto, ProposalDto } from '../../../../src/contract/index.ts';
import { DASH, fmtNum, fmtTime } from '../../shared/format.ts';
import { registerFocus } from '../../shared/focus.ts';
import { STYLE_LABELS, VERDICT_TEXT, bps, convictionPct, weightPct } from '../../shared/l2-format.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { fmtAge } from '../../shared/risk-format.ts';
import { useEngineNow } from '../../shared/time.ts';
import { VirtualGrid } from '../../shared/VirtualGrid.tsx';
import type { Column } from '../../shared/VirtualGrid.tsx';
import { approveProposals, isWaiting, layoutId, layoutStorage, queueOrder, selectProposal, toast, useStore } from '../../state/index.ts';
import { ModifyDialog, RejectDialog } from './ProposalDialogs.tsx';
import { ProposalDetail, StatusChip } from './ProposalDetail.tsx';
import { impliedWeight, proposedQty } from '../../../../src/contract/index.ts';

/**
 * The approval queue: every signal-generated order waits here until the operator approves, modifies
 * or rejects it. Keyboard first: ↑ / ↓ move through the queue, A approves, R rejects (asks why),
 * M modifies (quantity, urgency, algorithm; L1 re-checks). Approving runs L1 again in the engine,
 * which also refuses while the queue is frozen (kill switch, HALTED).
 */

type Filter = 'all' | 'waiting';
type DialogState = { kind: 'reject' | 'modify'; id: string } | null;

function columns(inst: Record<string, InstrumentDto>, now: number): Column<ProposalDto>[] {
  return [
    { key: 'time', priority: 5, header: 'Time', width: '58px', render: (p) => fmtTime(p.createdAt) },
    { key: 'id', priority: 1, header: 'ID', width: 'minmax(76px, 0.5fr)', render: (p) => <span className="mono">{p.id}</span> },
    { key: 'symbol', priority: 1, header: 'Symbol', width: 'minmax(78px, 0.5fr)', render: (p) => <strong>{p.symbol}</strong> },
    { key: 'side', priority: 1, header: 'Side', width: '46px', render: (p) => <span className={`side side-${p.side}`}>{p.side.toUpperCase()}</span> },
    { key: 'qty', priority: 2, header: 'Qty', width: 'minmax(72px, 0.5fr)', align: 'right', render: (p) => <span className="mono">{fmtNum(Number(p.qty), inst[p.symbol]?.qtyDecimals, 8)}</span> },
    {
      key: 'weight', priority: 3,
      header: 'Weight',
      width: 'minmax(100px, 0.7fr)',
      align: 'right',
      render: (p) => {
        const w = impliedWeight(p);
        return (
          <span className="mono">
            {weightPct(p.currentWeight)} → {weightPct(w.weight)}
            {w.modified && <span className="muted">*</span>}
          </span>
        );
      },
      title: (p) => {
        const w = impliedWeight(p);
        return w.modified
          ? `Current ${weightPct(p.currentWeight, 2)} of NAV; the modified quantity ${p.qty} (proposed ${proposedQty(p)}) leads to ${weightPct(w.weight, 2)}; the rebalancer's target was ${weightPct(p.targetWeight, 2)}`
          : `Current ${weightPct(p.currentWeight, 2)} of NAV, target ${weightPct(p.targetWeight, 2)}`;
      },
    },
    { key: 'conv', priority: 4, header: 'Conv.', width: '52px', title: () => 'Conviction: Σ share × conviction of the alphas behind it', align: 'right', render: (p) => <span className="mono">{convictionPct(p.conviction)}</span> },
    {
      key: 'exec', priority: 3,
      header: 'Execution',
      width: 'minmax(140px, 0.9fr)',
      render: (p) => (
        <span>
          {p.urgency} → <span className="algo-tag small">{STYLE_LABELS[p.algo]}</span>
        </span>
      ),
      title: (p) => p.routing,
    },
    {
      key: 'l1', priority: 2,
      header: 'L1',
      width: 'minmax(92px, 0.6fr)',
      render: (p) => (
        <span className="ap-l1">
          <span className={`verdict v-${p.verdict.verdict}`}>{VERDICT_TEXT[p.verdict.verdict]}</span>
          {p.verdict.code && <span className="mono small">{p.verdict.code}</span>}
        </span>
      ),
      title: (p) => (p.verdict.breaches.length ? p.verdict.breaches.map((b) => `${b.level} ${b.code}: ${b.message}`).join('\n') : p.verdict.message),
    },
    { key: 'cost', priority: 4, header: 'Cost', width: '70px', align: 'right', render: (p) => <span className="mono">{p.expectedCost ? bps(p.expectedCost.bps) : DASH}</span> },
    {
      key: 'status', priority: 1,
      header: 'Status',
      width: 'minmax(116px, 0.7fr)',
      render: (p) => (
        <span className="ap-status-cell">
          <StatusChip p={p} />
          {isWaiting(p) && <span className="muted small">{fmtAge(now, p.expiresAt)}</span>}
        </span>
      ),
      title: (p) => (isWaiting(p) ? `Expires at ${fmtTime(p.expiresAt)} (engine time) or when the price leaves the band` : (p.reason ?? p.status)),
    },
  ];
}

/** The waiting proposal the selection moves to once `id` is decided: the next one, else the one before. */
function nextWaiting(list: readonly ProposalDto[], id: string): string | null {
  const i = list.findIndex((p) => p.id === id);
  const after = list.slice(i + 1).find((p) => isWaiting(p) && p.id !== id);
  if (after) return after.id;
  const before = list.slice(0, Math.max(0, i)).reverse().find((p) => isWaiting(p));
  return before?.id ?? null;
}

export function ApprovalsScreen(): ReactNode {
  const proposals = useStore((s) => s.proposals);
  const waiting = useStore((s) => s.waitingCount);
  const frozen = useStore((s) => s.queueFrozen);
  const halted = useStore((s) => s.tradingState?.mode === 'HALTED');
  const selected = useStore((s) => s.selectedProposal);
  const busyIds = useStore((s) => s.proposalBusy);
  const inst = useStore((s) => s.instruments);
  const connected = useStore((s) => s.conn.phase === 'open');
  const now = useEngineNow(1000);
  const [filter, setFilter] = useState<Filter>('all');
  const [dialog, setDialog] = useState<DialogState>(null);
  const [note, setNote] = useState<{ id: string; text: string } | null>(null);
  const gridRef = useRef<HTMLDivElement | null>(null);
  const layout = useDefaultLayout({ id: layoutId('approvals', 'columns'), storage: layoutStorage, onlySaveAfterUserInteractions: true });

  const list = useMemo(() => queueOrder(proposals, filter), [proposals, filter]);
  const cols = useMemo(() => columns(inst, now), [inst, now]);
  const rev = useMemo(() => list.reduce((h, p) => (h * 31 + p.updatedAt) % 1_000_000_007, list.length), [list]);
  const current = selected ? (proposals[selected] ?? null) : null;
  const isFrozen = frozen.frozen || halted;
  const frozenWhy = frozen.reason ?? (halted ? 'trading is HALTED' : null);

  // Nothing selected yet: the first waiting proposal, so A / R / M act at once.
  useEffect(() => {
    if ((selected === null || !proposals[selected]) && list[0]) selectProposal(list[0].id);
  }, [selected, proposals, list]);

  const focusGrid = (): void => gridRef.current?.focus();

  const approve = async (p: ProposalDto): Promise<void> => {
    if (!isWaiting(p)) {
      toast('warn', `Proposal ${p.id} is ${p.status}: nothing to approve`);
      return;
    }
    if (isFrozen) {
      toast('warn', `Approval queue frozen${frozenWhy ? `: ${frozenWhy}` : ''}; nothing is sent`);
      return;
    }
    const next = nextWaiting(list, p.id);
    const [res] = await approveProposals([p.id]);
    if (res?.ok) {
      setNote({ id: p.id, text: `Approved: sent as order ${res.orderId ?? DASH}` });
      if (next) selectProposal(next);
    } else if (res) setNote({ id: p.id, text: `Not sent: ${res.code ?? 'REFUSED'} — ${res.message}` });
  };

  const approveBatch = async (p: ProposalDto): Promise<void> => {
    const ids = Object.values(proposals)
      .filter((x) => x.batchId === p.batchId && isWaiting(x))
      .map((x) => x.id);
    if (ids.length === 0 || isFrozen) return;
    const results = await approveProposals(ids);
    const sent = results.filter((r) => r.ok).length;
    setNote({ id: p.id, text: `Batch ${p.batchId}: ${sent} of ${ids.length} sent` });
  };

  const open = (kind: 'reject' | 'modify', p: ProposalDto): void => {
    if (!isWaiting(p)) {
      toast('warn', `Proposal ${p.id} is ${p.status}: it can no longer be ${kind === 'reject' ? 'rejected' : 'modified'}`);
      return;
    }
    setDialog({ kind, id: p.id });
  };

  const onRowKey = (p: ProposalDto, e: KeyboardEvent<HTMLDivElement>): boolean => {
    if (e.ctrlKey || e.altKey || e.metaKey) return false;
    switch (e.key.toLowerCase()) {
      case 'a':
        void approve(p);
        return true;
      case 'r':
        open('reject', p);
        return true;
      case 'm':
        open('modify', p);
        return true;
      default:
        return false;
    }
  };

  const dialogProposal = dialog ? proposals[dialog.id] : undefined;
  const closeDialog = (): void => {
    setDialog(null);
    // The grid keeps the keyboard: the next proposal is one arrow away.
    requestAnimationFrame(focusGrid);
  };

  const canAct = current !== null && isWaiting(current) && connected && !busyIds[current.id];
  const batchCount = current ? Object.values(proposals).filter((x) => x.batchId === current.batchId && isWaiting(x)).length : 0;
  const actions = (
    <div className="ap-actions" role="toolbar" aria-label="Decide on the selected proposal">
      <button type="button" className="btn btn-ok" disabled={!canAct || isFrozen} aria-keyshortcuts="A" title="Approve: L1 runs again, then the order is sent (A)" onClick={() => current && void approve(current)}>
        Approve
      </button>
      <button type="button" className="btn" disabled={!canAct} aria-keyshortcuts="M" title="Modify quantity, urgency or algorithm; L1 re-checks (M)" onClick={() => current && open('modify', current)}>
        Modify
      </button>
      <button type="button" className="btn btn-danger-ghost" disabled={!canAct} aria-keyshortcuts="R" title="Reject with a reason (R)" onClick={() => current && open('reject', current)}>
        Reject
      </button>
      {batchCount > 1 && (
        <button type="button" className="btn ap-batch" disabled={!canAct || isFrozen} title={`Approve every waiting proposal of batch ${current?.batchId ?? ''}`} onClick={() => current && void approveBatch(current)}>
          Approve whole batch ({batchCount})
        </button>
      )}
    </div>
  );

  return (
    <div className="ap" role="region" aria-label="Approvals">
      <Group orientation="horizontal" id="g-approvals" className="workspace" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
        <Panel id="p-ap-queue" defaultSize="62%" minSize="480px">
          <PanelBoundary name="Approval queue">
            <div className="panel">
              <header className="panel-head">
                <h2 className="panel-title">Approval queue</h2>
                <span className="ap-count" aria-hidden="true">
                  {waiting} waiting
                </span>
                <div className="panel-tools" role="group" aria-label="Show">
                  <button type="button" className={`chip ${filter === 'all' ? 'on' : ''}`} aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>
                    All
                  </button>
                  <button type="button" className={`chip ${filter === 'waiting' ? 'on' : ''}`} aria-pressed={filter === 'waiting'} onClick={() => setFilter('waiting')}>
                    Waiting only
                  </button>
                  <span className="muted panel-hint">
                    <kbd>↑</kbd>/<kbd>↓</kbd> move · <kbd>A</kbd> approve · <kbd>R</kbd> reject · <kbd>M</kbd> modify
                  </span>
                </div>
              </header>
              {isFrozen && (
                <div className="ap-frozen" role="status">
                  Queue frozen{frozenWhy ? `: ${frozenWhy}` : ''}. Nothing is approved until trading resumes.
                </div>
              )}
              <div className="panel-body">
                <VirtualGrid
                  label="Proposals"
                  className="ap-grid"
                  columns={cols}
                  rowCount={list.length}
                  rowAt={(i) => list[i]}
                  rowKey={(p) => p.id}
                  indexOf={(id) => list.findIndex((p) => p.id === id)}
                  rev={rev}
                  selectedKey={selected}
                  onSelect={(id) => id !== null && selectProposal(id)}
                  onRowKey={onRowKey}
                  rowClassName={(p) => (isWaiting(p) ? 'ap-waiting' : 'ap-decided')}
                  emptyText={filter === 'waiting' ? 'Nothing waiting for approval.' : 'No proposals yet: rebalance from the Portfolio screen, or wait for the next signal cycle.'}
                  gridRef={(el) => {
                    gridRef.current = el;
                    registerFocus('proposals', el);
                  }}
                />
              </div>
            </div>
          </PanelBoundary>
        </Panel>
        <Separator className="sep sep-h" />
        <Panel id="p-ap-detail" minSize="360px">
          <PanelBoundary name="Proposal detail">
            <div className="panel">
              <header className="panel-head">
                <h2 className="panel-title">Proposal</h2>
              </header>
              <div className="panel-body scroll">
                <ProposalDetail
                  p={current}
                  actions={actions}
                  note={
                    note ? (
                      <div className="ap-note" role="status">
                        <span className="mono">{note.id}</span> {note.text}
                      </div>
                    ) : null
                  }
                />
              </div>
            </div>
          </PanelBoundary>
        </Panel>
      </Group>
      {dialog?.kind === 'reject' && dialogProposal && (
        <RejectDialog
          proposal={dialogProposal}
          onClose={closeDialog}
          onDone={(p) => {
            const next = nextWaiting(list, p.id);
            setNote({ id: p.id, text: `Rejected: ${p.reason ?? ''}` });
            if (next) selectProposal(next);
            closeDialog();
          }}
        />
      )}
      {dialog?.kind === 'modify' && dialogProposal && (
        <ModifyDialog
          proposal={dialogProposal}
          onClose={closeDialog}
          onDone={(p) => {
            setNote({ id: p.id, text: `Modified: ${p.side.toUpperCase()} ${p.qty} ${p.urgency} → ${STYLE_LABELS[p.algo]}; L1 re-run: ${VERDICT_TEXT[p.verdict.verdict]}${p.verdict.code ? ` ${p.verdict.code}` : ''}` });
            closeDialog();
          }}
        />
      )}
    </div>
  );
}
