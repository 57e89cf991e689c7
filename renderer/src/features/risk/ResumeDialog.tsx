import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import type { TradingModeDto, TradingStateDto } from '../../../../src/contract/index.ts';
import { DASH, fmtDateTime } from '../../shared/format.ts';
import { MODE_HINT } from '../../shared/risk-format.ts';
import { refreshRiskStatus, setResumeOpen, setTradingMode, toast, useStore } from '../../state/index.ts';
import { refusalText } from './common.tsx';

// ---------------------------------------------------------------------------------------------
// Resume dialog: the only way to loosen the state, with the engine's resume token as confirmation.

export function ResumeDialog(): ReactNode {
  const open = useStore((s) => s.resumeOpen);
  if (!open) return null;
  return <ResumeDialogBody />;
}

function ResumeDialogBody(): ReactNode {
  const live = useStore((s) => s.tradingState);
  // The dialog confirms the state the operator saw; a newer halt arriving meanwhile is shown and must be confirmed again.
  const [seen, setSeen] = useState<TradingStateDto | null>(live);
  const [changed, setChanged] = useState(false);
  const [target, setTarget] = useState<TradingModeDto>('ACTIVE');
  const [reason, setReason] = useState('');
  const [ack, setAck] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const firstRef = useRef<HTMLInputElement | null>(null);
  const returnTo = useRef<Element | null>(null);
  const id = useId();

  useEffect(() => {
    returnTo.current = document.activeElement;
    firstRef.current?.focus();
    return () => {
      if (returnTo.current instanceof HTMLElement) returnTo.current.focus();
    };
  }, []);

  useEffect(() => {
    if (!live || !seen) return;
    if (live.resumeToken !== seen.resumeToken || live.mode !== seen.mode) {
      setSeen(live);
      setAck(false);
      setChanged(true);
      if (live.mode === 'ACTIVE') setResumeOpen(false);
    }
  }, [live, seen]);

  const close = (): void => setResumeOpen(false);
  const mode = seen?.mode ?? 'ACTIVE';
  const targets: TradingModeDto[] = mode === 'HALTED' ? ['ACTIVE', 'REDUCING'] : ['ACTIVE'];
  const to = targets.includes(target) ? target : 'ACTIVE';

  const submit = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (!ack || busy || !seen?.resumeToken) return;
    setBusy(true);
    setError(null);
    try {
      const st = await setTradingMode(to, reason.trim() || `Operator resumed to ${to} from the terminal`, seen.resumeToken);
      toast('info', `Trading resumed: ${st.mode}`);
      close();
    } catch (err) {
      const r = refusalText(err);
      setError(`${r.code}${r.detail ? ` · ${r.detail}` : ''}: ${r.message}`);
      void refreshRiskStatus();
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
    // Browsers submit on Enter only from text fields; the acknowledgement and the targets too.
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement && (e.target.type === 'checkbox' || e.target.type === 'radio')) {
      e.preventDefault();
      void submit();
    }
    // Keep Tab inside the dialog.
    if (e.key === 'Tab') {
      const items = [...e.currentTarget.querySelectorAll<HTMLElement>('input, button, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((el) => !el.hasAttribute('disabled'));
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <div className="overlay" onMouseDown={close}>
      <div className="dialog rk-dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} onMouseDown={(e) => e.stopPropagation()} onKeyDown={onKeyDown}>
        <header className="dialog-head">
          <h2 id={`${id}-title`}>Resume trading</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        <form className="rk-dialog-body" onSubmit={(e) => void submit(e)}>
          <div id={`${id}-desc`}>
            <p>
              Trading is <span className={`mode-chip mode-chip-${mode}`}>{mode}</span>
              {seen && seen.since !== null && (
                <>
                  {' '}
                  since <span className="mono">{fmtDateTime(seen.since)}</span>
                </>
              )}
              .
            </p>
            {seen?.cause && (
              <p className="rk-cause">
                <span className="muted">Cause:</span> <strong className="mono">{seen.cause.code}</strong> {seen.cause.message}{' '}
                <span className="muted">({seen.cause.source})</span>
              </p>
            )}
            <p className="muted">Check the cause is dealt with before resuming: orders will pass again as soon as you confirm.</p>
          </div>
          {changed && (
            <div className="rk-error" role="alert">
              The trading state changed while this dialog was open. Review it and confirm again.
            </div>
          )}
          <fieldset className="rk-targets">
            <legend>Resume to</legend>
            {targets.map((t, i) => (
              <label key={t} className="check">
                <input ref={i === 0 ? firstRef : undefined} type="radio" name={`${id}-to`} value={t} checked={to === t} onChange={() => setTarget(t)} />
                <span className={`mode-chip mode-chip-${t}`}>{t}</span> <span className="muted">{MODE_HINT[t]}</span>
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input id={`${id}-reason`} type="text" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Logged with the change" />
          </div>
          <label className="check rk-ack">
            <input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} />I have reviewed the cause and want to resume trading
          </label>
          <div className="muted rk-token">
            Confirmation token <span className="mono">{seen?.resumeToken ?? DASH}</span>
          </div>
          {error && (
            <div className="rk-error" role="alert">
              {error}
            </div>
          )}
          <div className="rk-dialog-foot">
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="btn btn-ok" disabled={!ack || busy || !seen?.resumeToken}>
              {busy ? 'Resuming…' : `Confirm resume to ${to}`}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
