import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import type { TradingModeDto } from '../../../../src/contract/index.ts';
import { fmtDateTime, fmtTime } from '../../shared/format.ts';
import { MODE_HINT, fmtAge } from '../../shared/risk-format.ts';
import { setResumeOpen, setTradingMode, useStore } from '../../state/index.ts';
import { Section, refusalText } from './common.tsx';
import { useEngineNow } from '../../shared/time.ts';

// ---------------------------------------------------------------------------------------------
// Trading state.

export function StateSection(): ReactNode {
  const st = useStore((s) => s.tradingState);
  const log = useStore((s) => s.stateLog);
  const connected = useStore((s) => s.conn.phase === 'open');
  const now = useEngineNow(1000);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const mode = st?.mode ?? null;

  const tighten = async (to: TradingModeDto): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await setTradingMode(to, reason.trim() || `Operator set ${to} from the Risk panel`);
      setReason('');
    } catch (err) {
      const r = refusalText(err);
      setError(`${r.code}${r.detail ? ` · ${r.detail}` : ''}: ${r.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Trading state" className="rk-state-sec">
      <div className={`rk-state rk-state-${mode ?? 'unknown'}`} aria-label={`Trading state ${mode ?? 'unknown'}`}>
        <div className="rk-state-mode" data-testid="risk-mode">
          {mode ?? '…'}
        </div>
        <div className="rk-state-info">
          <div>{mode ? MODE_HINT[mode] : 'Loading…'}</div>
          {st?.cause && (
            <div className="rk-cause">
              <span className="muted">Cause</span> <strong className="mono">{st.cause.code}</strong> {st.cause.message}{' '}
              <span className="muted">
                ({st.cause.source}
                {/* An operator's action has source and actor both "operator": say it once. */}
                {st.cause.actor && st.cause.actor !== st.cause.source ? `, ${st.cause.actor}` : ''})
              </span>
            </div>
          )}
          {st && st.since !== null && (
            <div className="muted">
              Since <span className="mono">{fmtDateTime(st.since)}</span> ({fmtAge(st.since, now)} ago)
            </div>
          )}
        </div>
      </div>
      <div className="rk-state-actions">
        <div className="field rk-reason">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input
            id={`${id}-reason`}
            type="text"
            maxLength={200}
            placeholder="Why (logged with the change)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <button type="button" className="btn btn-warn" disabled={!connected || busy || mode === 'REDUCING' || mode === 'HALTED'} onClick={() => void tighten('REDUCING')}>
          Go reducing
        </button>
        <button type="button" className="btn btn-danger" disabled={!connected || busy || mode === 'HALTED'} onClick={() => void tighten('HALTED')}>
          Halt trading
        </button>
        <button type="button" className="btn btn-ok" disabled={!connected || busy || !mode || mode === 'ACTIVE'} onClick={() => setResumeOpen(true)}>
          Resume trading…
        </button>
      </div>
      {error && (
        <div className="rk-error" role="alert">
          {error}
        </div>
      )}
      {log.length > 0 && (
        <details className="rk-details">
          <summary>State history ({log.length})</summary>
          <table className="table rk-table" aria-label="Trading state history">
            <thead>
              <tr>
                <th>At</th>
                <th>Change</th>
                <th>Cause</th>
              </tr>
            </thead>
            <tbody>
              {log.slice(0, 20).map((t) => (
                <tr key={t.seq}>
                  <td className="mono">{fmtTime(t.at)}</td>
                  <td>
                    <span className={`mode-chip mode-chip-${t.from}`}>{t.from}</span> → <span className={`mode-chip mode-chip-${t.to}`}>{t.to}</span>
                    {t.killSwitch && <span className="kill-chip">KILL</span>}
                  </td>
                  <td className="rk-wrap">
                    <strong className="mono">{t.cause.code}</strong> {t.cause.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </Section>
  );
}
