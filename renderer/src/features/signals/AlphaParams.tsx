import { useEffect, useId, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { RpcError } from '../../../../src/contract/index.ts';
import type { AlphaDto } from '../../../../src/contract/index.ts';
import { valueText } from '../../shared/l2-format.ts';
import { errorText, setAlphaParam, toast, useStore } from '../../state/index.ts';

/**
 * One alpha's parameters, editable. A record of scalars (e.g. strategic `targets`) is edited per
 * entry (`targets.SPY`), anything else as one value; the text goes to the engine as typed and it
 * reads JSON where it parses ("0.5", "[\"SPY\"]", "{\"everyMs\":60000}") and plain text otherwise
 * ("weekly"), exactly like `strata signals set`. A refused value shows the engine's reason.
 */

interface ParamRow {
  path: string;
  text: string;
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/** Param rows in the order the engine gives them; records of scalars are expanded one level. */
export function paramRows(params: Record<string, unknown>): ParamRow[] {
  const rows: ParamRow[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (k !== 'cadence' && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v as Record<string, unknown>).every(isScalar) && Object.keys(v).length > 0) {
      for (const [sub, x] of Object.entries(v as Record<string, unknown>)) rows.push({ path: `${k}.${sub}`, text: valueText(x) });
    } else {
      rows.push({ path: k, text: valueText(v) });
    }
  }
  return rows;
}

function refusal(err: unknown): string {
  if (err instanceof RpcError) {
    const first = err.issues?.[0];
    return `${err.code}${first?.path ? ` · ${first.path}` : ''}: ${first?.message || err.message}`;
  }
  const e = errorText(err);
  return `${e.code}: ${e.message}`;
}

export function AlphaParams({ alpha }: { alpha: AlphaDto }): ReactNode {
  const id = useId();
  const rows = paramRows(alpha.params);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const busy = useStore((s) => Boolean(s.alphaBusy[alpha.name]));
  // Another alpha, or the engine's answer: what is typed starts again from what the engine has.
  useEffect(() => {
    setDraft({});
    setErrors({});
  }, [alpha]);

  const changed = rows.filter((r) => draft[r.path] !== undefined && draft[r.path] !== r.text);

  const apply = async (only?: string): Promise<void> => {
    const todo = changed.filter((r) => only === undefined || r.path === only);
    const nextErrors: Record<string, string> = { ...errors };
    for (const r of todo) {
      try {
        await setAlphaParam(alpha.name, r.path, (draft[r.path] ?? r.text).trim());
        delete nextErrors[r.path];
        toast('info', `${alpha.name}: ${r.path} set to ${(draft[r.path] ?? '').trim()}`);
      } catch (err) {
        nextErrors[r.path] = refusal(err);
      }
    }
    setErrors(nextErrors);
  };

  const onKey = (path: string) => (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void apply(path);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setDraft((d) => {
        const n = { ...d };
        delete n[path];
        return n;
      });
    }
  };

  return (
    <div className="sg-params" role="group" aria-label={`Parameters of ${alpha.name}`}>
      <table className="table l2-table">
        <tbody>
          {rows.map((r) => {
            const fid = `${id}-${r.path.replace(/[^\w-]/g, '_')}`;
            const err = errors[r.path];
            const dirty = draft[r.path] !== undefined && draft[r.path] !== r.text;
            return (
              <tr key={r.path} className={dirty ? 'sg-dirty' : ''}>
                <th scope="row">
                  <label htmlFor={fid} className="mono">
                    {r.path}
                  </label>
                </th>
                <td>
                  <input
                    id={fid}
                    className="sg-input mono"
                    type="text"
                    value={draft[r.path] ?? r.text}
                    aria-invalid={err !== undefined}
                    aria-describedby={err ? `${fid}-err` : undefined}
                    onChange={(e) => setDraft((d) => ({ ...d, [r.path]: e.target.value }))}
                    onKeyDown={onKey(r.path)}
                    disabled={busy}
                  />
                  {err && (
                    <div id={`${fid}-err`} className="sg-error" role="alert">
                      {err}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="sg-params-foot">
        <span className="muted">Enter sets one field; values are JSON where they parse.</span>
        <button type="button" className="btn btn-ok" disabled={busy || changed.length === 0} onClick={() => void apply()}>
          {busy ? 'Setting…' : changed.length ? `Apply ${changed.length} change${changed.length === 1 ? '' : 's'}` : 'Apply changes'}
        </button>
      </div>
    </div>
  );
}
