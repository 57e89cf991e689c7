import { Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import type { LimitAuditDto, LimitRowDto } from '../../../../src/contract/index.ts';
import { DASH, fmtTime, isNum } from '../../shared/format.ts';
import { fmtLevel, softMark, usageLevel } from '../../shared/risk-format.ts';
import { call, scopeParams, setLimit, toast, useStore } from '../../state/index.ts';
import { Section, refusalText } from './common.tsx';

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

export function LimitsSection(): ReactNode {
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
