import { Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import { RpcError } from '../../../src/contract/index.ts';
import type {
  BreakerStatusDto,
  LimitAuditDto,
  LimitRowDto,
  RiskFlagDto,
  RiskMetricsDto,
  StressDto,
  TradingModeDto,
  TradingStateDto,
} from '../../../src/contract/index.ts';
import { DASH, fmtDateTime, fmtMoney, fmtNum, fmtSigned, fmtTime, isNum, pnlClass } from '../format.ts';
import { registerFocus } from '../focus.ts';
import { MODE_HINT, corrColor, fmtAge, fmtLevel, pct, severityRank, softMark, usageLevel } from '../risk-format.ts';
import {
  call,
  errorText,
  refreshLimits,
  refreshMetrics,
  refreshRiskStatus,
  refreshStateLog,
  scopeParams,
  setLimit,
  setResumeOpen,
  setTradingMode,
  toast,
  useStore,
} from '../store.ts';

/**
 * The Risk panel: L1 trading state and limits, breakers and tiers, and the PMS view (flags, VaR/ES,
 * drawdown, exposure, correlation, stress). Pushed events keep state, flags, limits and metrics
 * current; while the panel is shown it also polls what has no event (limit usage, breakers, loss).
 */

const POLL_MS = 5000;
const HISTORY_POLL_MS = 60_000;

function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Failure text of a refused request: the contract code, the domain code from issues, the message. */
export function refusalText(err: unknown): { code: string; detail: string | null; message: string } {
  if (err instanceof RpcError) {
    const first = err.issues?.[0];
    return { code: err.code, detail: first?.path || null, message: first?.message || err.message };
  }
  const e = errorText(err);
  return { code: e.code, detail: null, message: e.message };
}

function Section({ title, children, tools, className }: { title: string; children: ReactNode; tools?: ReactNode; className?: string }): ReactNode {
  const id = useId();
  return (
    <section className={`rk-sec ${className ?? ''}`} aria-labelledby={id}>
      <header className="rk-sec-head">
        <h3 id={id}>{title}</h3>
        {tools}
      </header>
      {children}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Trading state.

function StateSection(): ReactNode {
  const st = useStore((s) => s.tradingState);
  const log = useStore((s) => s.stateLog);
  const connected = useStore((s) => s.conn.phase === 'open');
  const now = useNow(1000);
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
                {st.cause.actor ? `, ${st.cause.actor}` : ''})
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

// ---------------------------------------------------------------------------------------------
// Flags.

export function FlagChip({ f }: { f: RiskFlagDto }): ReactNode {
  return <span className={`sev sev-${f.severity}`}>{f.severity}</span>;
}

function FlagsSection(): ReactNode {
  const flags = useStore((s) => s.riskFlags);
  const now = useNow(5000);
  const sorted = useMemo(() => [...flags].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.since - b.since), [flags]);
  return (
    <Section title={`Flags (${flags.length})`}>
      {sorted.length === 0 ? (
        <div className="rk-empty">No flags raised</div>
      ) : (
        <ul className="rk-flags" aria-label="Active risk flags">
          {sorted.map((f) => (
            <li key={`${f.code}:${f.subject ?? ''}`} className={`rk-flag rk-flag-${f.severity}`}>
              <div className="rk-flag-head">
                <FlagChip f={f} />
                <strong className="mono">{f.code}</strong>
                {f.subject && <span className="muted">{f.subject}</span>}
                <span className={`rk-action rk-action-${f.action}`} title="Action of the escalation matrix">
                  {f.action.replace('_', ' ')}
                </span>
                <span className="muted rk-since" title={fmtDateTime(f.since)}>
                  {fmtAge(f.since, now)}
                </span>
              </div>
              <div className="rk-flag-msg">{f.message}</div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------
// Limits: usage bars and inline editing.

function UsageBar({ row }: { row: LimitRowDto }): ReactNode {
  const lvl = usageLevel(row);
  if (!isNum(row.usage)) return <span className="muted rk-na">not observable</span>;
  const w = Math.max(0, Math.min(1, row.usage)) * 100;
  const mark = softMark(row);
  const text = `${Math.round(row.usage * 100)}% of hard${isNum(row.used) ? ` (now ${fmtLevel(row.unit, row.used)}, hard ${fmtLevel(row.unit, row.hard)}${row.soft !== null ? `, soft ${fmtLevel(row.unit, row.soft)}` : ''})` : ''}`;
  return (
    <div
      className={`rk-usage rk-lvl-${lvl}`}
      role="meter"
      aria-label={`Usage of ${row.name} (${row.scope})`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(row.usage * 100)}
      aria-valuetext={text}
      title={text}
    >
      <div className="rk-usage-track">
        <div className="rk-usage-fill" style={{ width: `${w}%` }} />
        {mark !== null && mark > 0 && mark < 1 && <div className="rk-usage-mark" style={{ left: `${mark * 100}%` }} />}
      </div>
      <span className="rk-usage-pct mono">{Math.round(row.usage * 100)}%</span>
    </div>
  );
}

function scopeText(scope: string): string {
  if (scope === 'global') return 'global';
  const [kind, rest] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
  return kind === 'group' ? `group ${rest}` : rest;
}

function LimitEditor({ row, onDone }: { row: LimitRowDto; onDone: () => void }): ReactNode {
  const [soft, setSoft] = useState(row.soft ?? '');
  const [hard, setHard] = useState(row.hard);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; detail: string | null; message: string } | null>(null);
  const softRef = useRef<HTMLInputElement | null>(null);
  const id = useId();
  useEffect(() => {
    softRef.current?.focus();
    softRef.current?.select();
  }, []);

  const save = async (): Promise<void> => {
    if (busy) return;
    const params: Parameters<typeof setLimit>[0] = { name: row.name, ...scopeParams(row.scope) };
    const h = hard.trim();
    const s = soft.trim();
    if (h !== row.hard) params.hard = h;
    if (s !== (row.soft ?? '')) params.soft = s === '' ? 'none' : s;
    if (params.hard === undefined && params.soft === undefined) {
      onDone();
      return;
    }
    if (reason.trim()) params.reason = reason.trim();
    setBusy(true);
    setError(null);
    try {
      await setLimit(params);
      toast('info', `Limit ${row.name} (${scopeText(row.scope)}) set: soft ${s === '' ? 'none' : s}, hard ${h}`);
      onDone();
    } catch (err) {
      setError(refusalText(err));
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onDone();
    }
  };
  const what = `${row.name} (${scopeText(row.scope)})`;
  return (
    <tr className="rk-edit-row" onKeyDown={onKey}>
      <td colSpan={6}>
        <div className="rk-edit">
          <div className="field">
            <label htmlFor={`${id}-soft`}>
              Soft<span className="sr-only"> level of {what}</span>
            </label>
            <input id={`${id}-soft`} ref={softRef} type="text" inputMode="decimal" value={soft} onChange={(e) => setSoft(e.target.value)} placeholder="none" aria-invalid={error !== null} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-hard`}>
              Hard<span className="sr-only"> level of {what}</span>
            </label>
            <input id={`${id}-hard`} type="text" inputMode="decimal" value={hard} onChange={(e) => setHard(e.target.value)} aria-invalid={error !== null} />
          </div>
          <div className="field rk-edit-reason">
            <label htmlFor={`${id}-reason`}>
              Reason<span className="sr-only"> for {row.name}</span>
            </label>
            <input id={`${id}-reason`} type="text" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="optional" />
          </div>
          <div className="rk-edit-btns">
            <button type="button" className="btn btn-ok" onClick={() => void save()} disabled={busy}>
              Save
            </button>
            <button type="button" className="btn" onClick={onDone}>
              Cancel
            </button>
          </div>
        </div>
        <div className="rk-edit-note muted">
          {row.description} Unit: {row.unit}; {row.direction === 'max' ? 'the soft level must not exceed the hard one' : 'a minimum: the soft level sits above the hard one'}. Empty soft =
          none.
        </div>
        {error && (
          <div className="rk-error" role="alert">
            <strong className="mono">{error.code}</strong>
            {error.detail && (
              <>
                {' '}
                · <strong className="mono">{error.detail}</strong>
              </>
            )}
            : {error.message}
          </div>
        )}
      </td>
    </tr>
  );
}

function LimitAudit(): ReactNode {
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<LimitAuditDto[] | null>(null);
  const rev = useStore((s) => s.limitsRev);
  useEffect(() => {
    if (!open) return;
    let live = true;
    call('risk.limits.audit', { limit: 50 })
      .then((r) => {
        if (live && Array.isArray(r)) setRows([...r].sort((a, b) => b.seq - a.seq));
      })
      .catch(() => {
        if (live) setRows([]);
      });
    return () => {
      live = false;
    };
  }, [open, rev]);
  return (
    <details className="rk-details" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Change log</summary>
      {rows === null ? (
        <div className="rk-empty">Loading…</div>
      ) : rows.length === 0 ? (
        <div className="rk-empty">No changes since the defaults</div>
      ) : (
        <table className="table rk-table" aria-label="Limit change log">
          <thead>
            <tr>
              <th>At</th>
              <th>Limit</th>
              <th>Before → after</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.seq}>
                <td className="mono">{fmtTime(a.at)}</td>
                <td>
                  <span className="mono">{a.name}</span> <span className="muted">{scopeText(a.scope)}</span>
                </td>
                <td className="mono">
                  {a.before ?? DASH} → {a.after ?? DASH}
                </td>
                <td className="rk-wrap">
                  {a.actor} <span className="muted">{a.source}</span>
                  {a.reason ? ` · ${a.reason}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

function LimitsSection(): ReactNode {
  const limits = useStore((s) => s.riskLimits);
  const connected = useStore((s) => s.conn.phase === 'open');
  const [editing, setEditing] = useState<string | null>(null);
  const [filter, setFilter] = useState<'all' | 'observed'>('all');
  const editBtns = useRef(new Map<string, HTMLButtonElement>());
  const rows = useMemo(() => {
    const list = limits?.limits ?? [];
    return filter === 'observed' ? list.filter((r) => isNum(r.usage)) : list;
  }, [limits, filter]);
  const done = (key: string): void => {
    setEditing(null);
    // Back to the row's Edit button, so the keyboard user stays in place.
    requestAnimationFrame(() => editBtns.current.get(key)?.focus());
  };
  return (
    <Section
      title="Limits"
      className="rk-limits-sec"
      tools={
        <label className="check rk-tool">
          <input type="checkbox" checked={filter === 'observed'} onChange={(e) => setFilter(e.target.checked ? 'observed' : 'all')} /> In use only
        </label>
      }
    >
      {!limits ? (
        <div className="rk-empty">Loading limits…</div>
      ) : (
        <div className="rk-scroll-x">
          <table className="table rk-table rk-limits" aria-label="Limits">
            <thead>
              <tr>
                <th>Limit</th>
                <th className="rk-scope-col">Scope</th>
                <th className="rk-usage-col">Usage</th>
                <th className="num">Soft</th>
                <th className="num">Hard</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const key = `${r.name}@${r.scope}`;
                return (
                  <Fragment key={key}>
                    <tr className={`rk-limit-row lvl-${usageLevel(r)}`} data-limit={r.name} data-scope={r.scope}>
                      <th scope="row" className="rk-limit-name" title={r.description}>
                        <span className="rk-limit-label">{r.label}</span>
                        <span className="mono rk-limit-id">
                          {r.name}
                          <span className="rk-scope-inline"> · {scopeText(r.scope)}</span>
                        </span>
                      </th>
                      <td className="rk-scope-col">{scopeText(r.scope)}</td>
                      <td>
                        <UsageBar row={r} />
                      </td>
                      <td className="num" data-level="soft">
                        {fmtLevel(r.unit, r.soft)}
                      </td>
                      <td className="num" data-level="hard">
                        {fmtLevel(r.unit, r.hard)}
                      </td>
                      <td className="rk-edit-cell">
                        <button
                          type="button"
                          ref={(el) => {
                            if (el) editBtns.current.set(key, el);
                            else editBtns.current.delete(key);
                          }}
                          className="icon-btn"
                          aria-label={`Edit ${r.name} (${scopeText(r.scope)})`}
                          aria-expanded={editing === key}
                          title="Edit soft and hard levels"
                          disabled={!connected}
                          onClick={() => setEditing(editing === key ? null : key)}
                        >
                          ✎
                        </button>
                      </td>
                    </tr>
                    {editing === key && <LimitEditor row={r} onDone={() => done(key)} />}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {limits && Object.keys(limits.groups).length > 0 && (
        <div className="rk-note muted">
          Groups:{' '}
          {Object.entries(limits.groups)
            .map(([g, syms]) => `${g} = ${syms.join(', ')}`)
            .join(' · ')}
        </div>
      )}
      <LimitAudit />
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------
// Portfolio metrics, VaR/ES, drawdown.

function Kv({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function MetricsSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
  const loss = useStore((s) => s.riskStatus?.loss ?? null);
  const cur = useStore((s) => s.session?.currency ?? '');
  if (!m) {
    return (
      <Section title="Portfolio">
        <div className="rk-empty">Waiting for the first PMS cycle…</div>
      </Section>
    );
  }
  return (
    <Section
      title="Portfolio"
      tools={
        <span className="muted rk-tool" title={`PMS cycle took ${m.cycleMs.toFixed(1)} ms`}>
          {fmtTime(m.ts)} · regime <span className={`regime regime-${m.regime}`}>{m.regime}</span>
        </span>
      }
    >
      <dl className="rk-kv">
        <Kv label={`NAV ${cur}`}>
          <span className="mono">{fmtMoney(m.nav)}</span>
        </Kv>
        <Kv label="Cash">
          <span className="mono">{fmtMoney(m.cash)}</span>
        </Kv>
        <Kv label="Gross exposure">
          <span className="mono">{fmtMoney(m.grossExposure, 0)}</span>
        </Kv>
        <Kv label="Net exposure">
          <span className="mono">{fmtMoney(m.netExposure, 0)}</span>
        </Kv>
        <Kv label="Leverage">
          <span className="mono">{isNum(m.leverage) ? `${m.leverage.toFixed(3)}×` : DASH}</span>
        </Kv>
        <Kv label="Day P&L">
          <span className={`mono ${pnlClass(m.dailyPnl)}`}>
            {fmtSigned(m.dailyPnl)} {isNum(m.dailyPnlPct) ? `(${(m.dailyPnlPct * 100).toFixed(2)}%)` : ''}
          </span>
        </Kv>
        <Kv label="Drawdown now / worst">
          <span className="mono">
            {pct(m.drawdown.current, 2)} / {pct(m.drawdown.max, 2)}
          </span>
        </Kv>
        <Kv label="DD day / wk / mo">
          <span className="mono">
            {pct(m.drawdown.day, 2)} / {pct(m.drawdown.week, 2)} / {pct(m.drawdown.month, 2)}
          </span>
        </Kv>
        {loss && (
          <Kv label="Loss today (L1)">
            <span className={`mono ${loss.dailyLoss > 0 ? 'neg' : ''}`}>{fmtMoney(loss.dailyLoss)}</span>
          </Kv>
        )}
      </dl>
    </Section>
  );
}

function VarSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
  const find = (method: 'historical' | 'parametric', conf: number): RiskMetricsDto['var'][number] | undefined =>
    m?.var.find((v) => v.method === method && Math.abs(v.confidence - conf) < 1e-6);
  const cell = (method: 'historical' | 'parametric', conf: number, key: 'var' | 'es'): ReactNode => {
    const v = find(method, conf);
    if (!v || !isNum(v[key])) return <span className="muted">{DASH}</span>;
    return (
      <>
        {fmtMoney(v[key], 0)}
        {key === 'var' && isNum(v.varPctNav) && <span className="muted rk-sub"> {pct(v.varPctNav, 2)}</span>}
      </>
    );
  };
  return (
    <Section title="Value at risk (1 day)">
      <table className="table rk-table rk-var" aria-label="Value at risk and expected shortfall">
        <thead>
          <tr>
            <th>Method</th>
            <th className="num">VaR 95%</th>
            <th className="num">ES 95%</th>
            <th className="num">VaR 99%</th>
            <th className="num">ES 99%</th>
          </tr>
        </thead>
        <tbody>
          {(['historical', 'parametric'] as const).map((method) => (
            <tr key={method}>
              <th scope="row">{method === 'historical' ? 'Historical' : 'Parametric'}</th>
              <td className="num">{cell(method, 0.95, 'var')}</td>
              <td className="num">{cell(method, 0.95, 'es')}</td>
              <td className="num">{cell(method, 0.99, 'var')}</td>
              <td className="num">{cell(method, 0.99, 'es')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="rk-note muted" data-testid="var-basis">
        {m ? `Basis: ${m.varBasis.interval} returns, ${m.varBasis.samples} samples, ${m.varBasis.scaling}.` : 'No metrics yet.'} Loss is positive.
      </div>
    </Section>
  );
}

function DrawdownChart({ m }: { m: RiskMetricsDto | null }): ReactNode {
  const pts = m?.navHistory ?? [];
  const W = 600;
  const H = 150;
  const NAV_H = 96;
  const DD_TOP = 104;
  const summary = useMemo(() => {
    if (pts.length < 2) return null;
    const first = pts[0];
    const last = pts[pts.length - 1];
    if (!first || !last) return null;
    let lo = Infinity;
    let hi = -Infinity;
    let maxDd = 0;
    for (const p of pts) {
      lo = Math.min(lo, p.nav);
      hi = Math.max(hi, p.nav);
      maxDd = Math.max(maxDd, p.drawdown);
    }
    if (hi - lo < 1e-9) {
      hi += 1;
      lo -= 1;
    }
    const t0 = first.time;
    const span = Math.max(1, last.time - t0);
    const x = (t: number): number => ((t - t0) / span) * W;
    const yNav = (v: number): number => 4 + (1 - (v - lo) / (hi - lo)) * (NAV_H - 8);
    const ddScale = Math.max(maxDd, 0.001);
    const yDd = (d: number): number => DD_TOP + (d / ddScale) * (H - DD_TOP - 2);
    const nav = pts.map((p) => `${x(p.time).toFixed(1)},${yNav(p.nav).toFixed(1)}`).join(' ');
    const dd = `0,${DD_TOP} ${pts.map((p) => `${x(p.time).toFixed(1)},${yDd(p.drawdown).toFixed(1)}`).join(' ')} ${W},${DD_TOP}`;
    return { first, last, lo, hi, maxDd, nav, dd };
  }, [pts]);
  return (
    <Section title="NAV and drawdown">
      {!summary ? (
        <div className="rk-empty">Not enough NAV history yet</div>
      ) : (
        <figure className="rk-chart">
          <svg
            viewBox={`0 0 ${W} ${H}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={`NAV from ${fmtMoney(summary.first.nav, 0)} to ${fmtMoney(summary.last.nav, 0)} between ${fmtTime(summary.first.time)} and ${fmtTime(summary.last.time)} (${pts.length} points); drawdown now ${pct(summary.last.drawdown, 2)}, worst ${pct(summary.maxDd, 2)}`}
          >
            <line x1="0" x2={W} y1={DD_TOP} y2={DD_TOP} className="rk-axis" />
            <polyline points={summary.nav} className="rk-nav-line" vectorEffect="non-scaling-stroke" />
            <polygon points={summary.dd} className="rk-dd-area" />
          </svg>
          <figcaption className="rk-chart-legend muted">
            <span>
              <i className="lg lg-nav" /> NAV {fmtMoney(summary.lo, 0)}–{fmtMoney(summary.hi, 0)}
            </span>
            <span>
              <i className="lg lg-dd" /> Drawdown (worst {pct(summary.maxDd, 2)})
            </span>
            <span className="mono">
              {fmtTime(summary.first.time)} → {fmtTime(summary.last.time)}
            </span>
          </figcaption>
        </figure>
      )}
    </Section>
  );
}

function ExposureSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
  const inst = useStore((s) => s.instruments);
  const rows = m?.exposures ?? [];
  const maxShare = Math.max(0.0001, ...rows.map((r) => Math.abs(r.shareOfNav ?? 0)));
  const scale = Math.max(maxShare, 0.25);
  return (
    <Section title="Exposure by instrument">
      {rows.length === 0 ? (
        <div className="rk-empty">No exposure</div>
      ) : (
        <table className="table rk-table" aria-label="Exposure by instrument">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="num">Value</th>
              <th className="rk-bar-col">Share of NAV</th>
              <th className="num">EWMA vol</th>
              <th>Regime</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const share = r.shareOfNav ?? 0;
              return (
                <tr key={r.symbol}>
                  <th scope="row" title={`${fmtNum(r.qty, inst[r.symbol]?.qtyDecimals)} ${inst[r.symbol]?.base ?? ''}`}>
                    {r.symbol}
                  </th>
                  <td className="num">{fmtMoney(r.marketValue, 0)}</td>
                  <td>
                    <div className="rk-share" title={`${pct(r.shareOfNav, 2)} of NAV`}>
                      <div className={`rk-share-fill ${share < 0 ? 'short' : 'long'}`} style={{ width: `${(Math.abs(share) / scale) * 100}%` }} />
                      <span className="mono">{pct(r.shareOfNav, 1)}</span>
                    </div>
                  </td>
                  <td className="num" title={isNum(r.volPercentile) ? `${Math.round(r.volPercentile * 100)}th percentile of its history` : undefined}>
                    {pct(r.ewmaVol, 1)}
                  </td>
                  <td>
                    <span className={`regime regime-${r.regime}`}>{r.regime}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function CorrelationSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
  const c = m?.correlation;
  const syms = c?.symbols ?? [];
  return (
    <Section title="Correlation">
      {!c || syms.length < 2 || c.matrix.length !== syms.length ? (
        <div className="rk-empty">{m && m.varBasis.samples > 0 ? `Not enough aligned returns yet (${m.varBasis.samples})` : 'Needs two instruments with return history'}</div>
      ) : (
        <>
          <table className="table rk-heat" aria-label="Correlation matrix">
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Instrument</span>
                </th>
                {syms.map((s) => (
                  <th key={s} scope="col">
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {syms.map((row, i) => (
                <tr key={row}>
                  <th scope="row">{row}</th>
                  {syms.map((col, j) => {
                    const v = c.matrix[i]?.[j];
                    const ok = isNum(v);
                    return (
                      <td key={col} className="num" style={ok ? { background: corrColor(v) } : undefined} title={`${row} × ${col}: ${ok ? v.toFixed(2) : 'n/a'}`}>
                        {ok ? v.toFixed(2) : DASH}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="rk-note muted">
            Average {isNum(c.average) ? c.average.toFixed(2) : DASH} · baseline {isNum(c.baseline) ? c.baseline.toFixed(2) : DASH}
            <span className="rk-heat-key" aria-hidden="true">
              <i style={{ background: corrColor(-1) }} />
              −1
              <i style={{ background: corrColor(0) }} />0<i style={{ background: corrColor(1) }} />
              +1
            </span>
          </div>
        </>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------
// Breakers and tiers.

function thresholdsText(t: Record<string, number>): string {
  return Object.entries(t)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(3)}`)
    .join(' · ');
}

function BreakerState({ b }: { b: BreakerStatusDto }): ReactNode {
  if (!b.enabled) return <span className="brk brk-off">off</span>;
  if (b.tripped) return <span className="brk brk-tripped">TRIPPED</span>;
  if (b.symbols && b.symbols.length > 0) return <span className="brk brk-tripped">{b.symbols.length} blocked</span>;
  return <span className="brk brk-armed">armed</span>;
}

function BreakersSection(): ReactNode {
  const status = useStore((s) => s.riskStatus);
  const log = useStore((s) => s.breakerLog);
  const breakers = status?.breakers ?? [];
  return (
    <Section title="Circuit breakers">
      {breakers.length === 0 ? (
        <div className="rk-empty">{status ? 'No breakers configured' : 'Loading…'}</div>
      ) : (
        <table className="table rk-table" aria-label="Circuit breakers">
          <thead>
            <tr>
              <th>Breaker</th>
              <th>State</th>
              <th>Thresholds</th>
            </tr>
          </thead>
          <tbody>
            {breakers.map((b) => (
              <tr key={b.breaker}>
                <th scope="row" className="mono">
                  {b.breaker}
                </th>
                <td>
                  <BreakerState b={b} />
                  {b.since !== null && <span className="muted"> {fmtTime(b.since)}</span>}
                  {b.symbols?.map((s) => (
                    <div key={s.symbol} className="muted rk-wrap">
                      {s.symbol} until {fmtTime(s.until)}: {s.cause}
                    </div>
                  ))}
                </td>
                <td className="rk-wrap muted">{thresholdsText(b.thresholds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status && status.blocked.length > 0 && (
        <div className="rk-note">
          Blocked:{' '}
          {status.blocked.map((b) => (
            <span key={b.symbol} className="rk-blocked">
              <strong>{b.symbol}</strong> {b.cause}
            </span>
          ))}
        </div>
      )}
      <h4 className="rk-sub-title">History</h4>
      {log.length === 0 ? (
        <div className="rk-empty">No trips</div>
      ) : (
        <div className="rk-scroll-y">
          <table className="table rk-table" aria-label="Breaker history">
            <thead>
              <tr>
                <th>At</th>
                <th>Breaker</th>
                <th>Event</th>
                <th>Action</th>
              </tr>
            </thead>
            <tbody>
              {log.slice(0, 50).map((e, i) => (
                <tr key={`${e.at}-${e.breaker}-${i}`}>
                  <td className="mono">{fmtTime(e.at)}</td>
                  <td className="mono">
                    {e.breaker}
                    {e.symbol ? ` ${e.symbol}` : ''}
                  </td>
                  <td className="rk-wrap">
                    <span className={`brk ${e.type === 'trip' ? 'brk-tripped' : 'brk-armed'}`}>{e.type}</span> <strong className="mono">{e.code}</strong> {e.cause}
                  </td>
                  <td className="rk-wrap">{e.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function TiersSection(): ReactNode {
  const status = useStore((s) => s.riskStatus);
  const tiers = status?.tiers ?? [];
  return (
    <Section title="Urgency tiers">
      {tiers.length === 0 ? (
        <div className="rk-empty">Loading…</div>
      ) : (
        <table className="table rk-table" aria-label="Urgency tiers">
          <thead>
            <tr>
              <th>Urgency</th>
              <th>Tier</th>
              <th>Deferred checks</th>
              <th>Factors</th>
            </tr>
          </thead>
          <tbody>
            {tiers.map((t) => (
              <tr key={t.urgency} title={t.description}>
                <th scope="row">{t.urgency}</th>
                <td className="mono">{t.name}</td>
                <td className="rk-wrap">{t.deferred.length ? t.deferred.join(', ') : <span className="muted">none</span>}</td>
                <td className="rk-factors mono">
                  {Object.keys(t.factors).length
                    ? Object.entries(t.factors).map(([k, v]) => (
                        <span key={k}>
                          {k} ×{v}
                        </span>
                      ))
                    : DASH}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status && (
        <div className="rk-note muted">
          High volatility (≥ {status.volatilityScaling.highRatio}× baseline) tightens {status.volatilityScaling.appliesTo.join(', ') || 'nothing'} by baseline/current, never below ×
          {status.volatilityScaling.minFactor}. Soft breaches:{' '}
          {Object.entries(status.softPolicy)
            .map(([src, p]) => `${src} ${p}`)
            .join(', ')}
          .
        </div>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------
// Stress, on demand.

function StressSection(): ReactNode {
  const [res, setRes] = useState<StressDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connected = useStore((s) => s.conn.phase === 'open');
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setRes(await call('risk.stress', {}));
    } catch (err) {
      const e = errorText(err);
      setError(`${e.code}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section
      title="Stress"
      tools={
        <button type="button" className="btn rk-tool" onClick={() => void run()} disabled={busy || !connected} aria-busy={busy}>
          {busy ? 'Running…' : res ? 'Run again' : 'Run stress test'}
        </button>
      }
    >
      {error && (
        <div className="rk-error" role="alert">
          {error}
        </div>
      )}
      {!res ? (
        <div className="rk-empty">Scenario, historical and reverse stress of the current positions, on demand.</div>
      ) : (
        <div aria-label="Stress results" role="group">
          <div className="rk-note muted">
            At {fmtTime(res.ts)}, NAV {fmtMoney(res.nav, 0)}
          </div>
          <table className="table rk-table" aria-label="Stress scenarios">
            <thead>
              <tr>
                <th>Scenario</th>
                <th className="num">P&L</th>
                <th className="num">% NAV</th>
              </tr>
            </thead>
            <tbody>
              {res.scenarios.map((s) => (
                <tr key={s.name} title={s.instruments.map((i) => `${i.symbol} ${pct(i.shock, 0)}: ${fmtSigned(i.pnl, 0)}`).join('\n')}>
                  <th scope="row" className="rk-wrap">
                    {s.name}
                  </th>
                  <td className={`num ${pnlClass(s.pnl)}`}>{fmtSigned(s.pnl, 0)}</td>
                  <td className={`num ${pnlClass(s.pnl)}`}>{isNum(s.pnlPctNav) ? fmtSigned(s.pnlPctNav * 100, 2) + '%' : DASH}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {res.historical.length > 0 && (
            <table className="table rk-table" aria-label="Historical stress">
              <thead>
                <tr>
                  <th>Instrument</th>
                  <th className="num">Days</th>
                  <th className="num">Worst move</th>
                  <th className="num">P&L</th>
                </tr>
              </thead>
              <tbody>
                {res.historical.map((h, i) => (
                  <tr key={`${h.symbol}-${h.horizonDays}-${i}`} title={`${h.source}: ${new Date(h.from).toISOString().slice(0, 10)} → ${new Date(h.to).toISOString().slice(0, 10)}`}>
                    <th scope="row">{h.symbol}</th>
                    <td className="num">{h.horizonDays}</td>
                    <td className="num">{fmtSigned(h.worstMove * 100, 1)}%</td>
                    <td className={`num ${pnlClass(h.pnl)}`}>{fmtSigned(h.pnl, 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {res.reverse.length > 0 && (
            <table className="table rk-table" aria-label="Reverse stress">
              <thead>
                <tr>
                  <th>Loss of NAV</th>
                  <th className="num">Loss</th>
                  <th className="num">Uniform move needed</th>
                </tr>
              </thead>
              <tbody>
                {res.reverse.map((r) => (
                  <tr key={r.lossFraction}>
                    <th scope="row">{pct(r.lossFraction, 0)}</th>
                    <td className="num">{fmtMoney(r.loss, 0)}</td>
                    <td className="num">{r.feasible && isNum(r.uniformMove) ? `${fmtSigned(r.uniformMove * 100, 1)}%` : 'not reachable'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {res.missingHistory.length > 0 && <div className="rk-note muted">No daily history for {res.missingHistory.join(', ')}: no historical stress for them.</div>}
        </div>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------

export function RiskPanel({ visible }: { visible: boolean }): ReactNode {
  const m = useStore((s) => s.riskMetrics);
  const epoch = useStore((s) => s.epoch);
  const connected = useStore((s) => s.conn.phase === 'open');

  // What has no pushed event (limit usage, breaker and loss view) is polled while the panel shows.
  useEffect(() => {
    if (!visible || !connected) return;
    void refreshRiskStatus();
    void refreshLimits();
    void refreshMetrics();
    void refreshStateLog();
    const fast = setInterval(() => {
      void refreshRiskStatus();
      void refreshLimits();
    }, POLL_MS);
    const slow = setInterval(() => void refreshMetrics(), HISTORY_POLL_MS);
    return () => {
      clearInterval(fast);
      clearInterval(slow);
    };
  }, [visible, connected, epoch]);

  return (
    <div
      className="rk"
      ref={(el) => registerFocus('risk', el)}
      tabIndex={-1}
      role="region"
      aria-label="Risk"
    >
      <div className="rk-grid">
        <StateSection />
        <FlagsSection />
        <MetricsSection m={m} />
        <LimitsSection />
        <VarSection m={m} />
        <DrawdownChart m={m} />
        <ExposureSection m={m} />
        <CorrelationSection m={m} />
        <BreakersSection />
        <TiersSection />
        <StressSection />
      </div>
    </div>
  );
}
