import { useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { EXECUTION_STYLES, RpcError, URGENCIES } from '../../../../src/contract/index.ts';
import type { ExecutionStyle, ProposalDto, Urgency } from '../../../../src/contract/index.ts';
import { Dialog } from '../../shared/Dialog.tsx';
import { parseDecimal } from '../../shared/format.ts';
import { STYLE_LABELS, URGENCY_LABELS, VERDICT_TEXT } from '../../shared/l2-format.ts';
import { errorText, modifyProposal, rejectProposal } from '../../state/index.ts';
import type { ModifyPatch } from '../../state/index.ts';

/** The engine's refusal as one line: its code, the domain code in issues, the message. */
function refusal(err: unknown): string {
  if (err instanceof RpcError) {
    const first = err.issues?.[0];
    return `${err.code}${first?.path ? ` · ${first.path}` : ''}: ${first?.message || err.message}`;
  }
  const e = errorText(err);
  return `${e.code}: ${e.message}`;
}

function summary(p: ProposalDto): string {
  return `${p.side.toUpperCase()} ${p.qty} ${p.symbol}`;
}

/** Reject asks why: the reason is journaled with the decision. */
export function RejectDialog({ proposal, onClose, onDone }: { proposal: ProposalDto; onClose: () => void; onDone: (p: ProposalDto) => void }): ReactNode {
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const r = reason.trim();
    if (!r) {
      setError('Give a reason: it is kept with the decision.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await rejectProposal(proposal.id, r));
    } catch (err) {
      setError(refusal(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Reject proposal" onClose={onClose} className="ap-dialog">
      <form className="ap-dialog-body" onSubmit={(e) => void submit(e)}>
        <p>
          <span className="mono">{proposal.id}</span> · <strong>{summary(proposal)}</strong>
        </p>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input
            id={`${id}-reason`}
            type="text"
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Why not (kept in the audit)"
            aria-invalid={error !== null}
            data-autofocus
          />
        </div>
        {error && (
          <div className="ap-error" role="alert">
            {error}
          </div>
        )}
        <div className="ap-dialog-foot">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger-ghost" disabled={busy}>
            {busy ? 'Rejecting…' : 'Confirm reject'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Algorithms a proposal may be sent with: it has no price, so never a limit order. */
const ALGOS = EXECUTION_STYLES.filter((s): s is Exclude<ExecutionStyle, 'limit'> => s !== 'limit');

/**
 * Modify quantity, urgency or algorithm. The engine re-runs L1 on the changed order; the reply (and
 * the detail behind) shows the new verdict.
 */
export function ModifyDialog({ proposal, onClose, onDone }: { proposal: ProposalDto; onClose: () => void; onDone: (p: ProposalDto) => void }): ReactNode {
  const id = useId();
  const [qty, setQty] = useState(proposal.qty);
  const [urgency, setUrgency] = useState<Urgency>(proposal.urgency);
  const [algo, setAlgo] = useState<ExecutionStyle>(proposal.algo);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const patch: ModifyPatch = {};
    const q = qty.trim();
    if (q !== proposal.qty) {
      const n = parseDecimal(q);
      if (n === null || n <= 0) {
        setError('Quantity must be a positive number.');
        return;
      }
      patch.qty = q.replace(/,/g, '');
    }
    if (urgency !== proposal.urgency) patch.urgency = urgency;
    if (algo !== proposal.algo && algo !== 'limit') patch.algo = algo;
    if (patch.qty === undefined && patch.urgency === undefined && patch.algo === undefined) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await modifyProposal(proposal.id, patch));
    } catch (err) {
      setError(refusal(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Modify proposal" onClose={onClose} className="ap-dialog">
      <form className="ap-dialog-body" onSubmit={(e) => void submit(e)}>
        <p>
          <span className="mono">{proposal.id}</span> · <strong>{summary(proposal)}</strong> · L1 now{' '}
          <span className={`verdict v-${proposal.verdict.verdict}`}>{VERDICT_TEXT[proposal.verdict.verdict]}</span>
        </p>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-qty`}>Quantity</label>
            <input id={`${id}-qty`} type="text" inputMode="decimal" value={qty} onChange={(e) => setQty(e.target.value)} aria-invalid={error !== null} data-autofocus />
          </div>
          <div className="field">
            <label htmlFor={`${id}-urg`}>Urgency</label>
            <select id={`${id}-urg`} value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)}>
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {URGENCY_LABELS[u]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-algo`}>Algorithm</label>
            <select id={`${id}-algo`} value={algo} onChange={(e) => setAlgo(e.target.value as ExecutionStyle)}>
              {ALGOS.map((a) => (
                <option key={a} value={a}>
                  {STYLE_LABELS[a]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="muted ap-hint">L1 checks the changed order again before it can be approved; approving runs it once more.</p>
        {error && (
          <div className="ap-error" role="alert">
            {error}
          </div>
        )}
        <div className="ap-dialog-foot">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-ok" disabled={busy}>
            {busy ? 'Checking…' : 'Apply and re-check'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
