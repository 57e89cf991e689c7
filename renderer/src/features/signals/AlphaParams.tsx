import { useEffect, useId, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { RpcError } from '../../../../src/contract/index.ts';
import type { AlphaDto } from '../../../../src/contract/index.ts';
import { valueText } from '../../shared/l2-format.ts';
import { errorText, setAlphaParam, toast, useStore } from '../../state/index.ts';

/**
 * One alpha's parameters, editable. A record of scalars (e.g. strategic `targets`) is shown per
 * entry and sent whole: its entries are checked together (targets must sum to 1), so changing SPY
 * and CASH is one change, an entry can be added, and clearing an entry's value removes it. Other
 * values go to the engine as typed; it reads JSON where it parses ("0.5", "[\"SPY\"]",
 * "{\"everyMs\":60000}") and plain text otherwise ("weekly"), like `strata signals set`.
 */

interface ParamRow {
  /** Top-level parameter. */
  key: string;
  /** Entry of a record parameter, else null. */
  entry: string | null;
  text: string;
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function isRecordParam(key: string, v: unknown): v is Record<string, unknown> {
  return key !== 'cadence' && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v as Record<string, unknown>).every(isScalar);
}

/** Param rows in the order the engine gives them; records of scalars are expanded one level. */
export function paramRows(params: Record<string, unknown>): ParamRow[] {
  const rows: ParamRow[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (isRecordParam(k, v)) for (const [sub, x] of Object.entries(v)) rows.push({ key: k, entry: sub, text: valueText(x) });
    else rows.push({ key: k, entry: null, text: valueText(v) });
  }
  return rows;
}

/** Text typed into a record entry as the scalar it means: a number, true/false/null, or the text. */
function scalarOf(text: string): string | number | boolean | null {
  const t = text.trim();
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  return t;
}

const pathOf = (r: ParamRow): string => (r.entry === null ? r.key : `${r.key}.${r.entry}`);

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
  const records = Object.entries(alpha.params).filter(([k, v]) => isRecordParam(k, v)).map(([k]) => k);
  const [draft, setDraft] = useState<Record<string, string>>({});
  /** New entries of record parameters: record key → [entry name, value]. */
  const [added, setAdded] = useState<Record<string, [string, string]>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const busy = useStore((s) => Boolean(s.alphaBusy[alpha.name]));
  // Another alpha, or the engine's answer: what is typed starts again from what the engine has.
  useEffect(() => {
    setDraft({});
    setAdded({});
  }, [alpha]);
  useEffect(() => setErrors({}), [alpha.name]);

  const dirty = (r: ParamRow): boolean => draft[pathOf(r)] !== undefined && draft[pathOf(r)] !== r.text;
  const changedKeys = new Set([...rows.filter(dirty).map((r) => r.key), ...Object.entries(added).filter(([, [k]]) => k.trim() !== '').map(([rk]) => rk)]);

  /** What one top-level key is set to: the whole record (edited, added, cleared entries) or the typed text. */
  const valueFor = (key: string): string | Record<string, string | number | boolean | null> => {
    if (!records.includes(key)) return (draft[key] ?? rows.find((r) => r.key === key)?.text ?? '').trim();
    const rec: Record<string, string | number | boolean | null> = {};
    for (const r of rows.filter((x) => x.key === key && x.entry !== null)) {
      const text = draft[pathOf(r)] ?? r.text;
      if (text.trim() !== '') rec[r.entry as string] = scalarOf(text);
    }
    const add = added[key];
    if (add && add[0].trim() !== '' && add[1].trim() !== '') rec[add[0].trim()] = scalarOf(add[1]);
    return rec;
  };

  const apply = async (only?: string): Promise<void> => {
    const keys = [...changedKeys].filter((k) => only === undefined || k === only);
    const nextErrors: Record<string, string> = { ...errors };
    for (const key of keys) {
      const value = valueFor(key);
      try {
        await setAlphaParam(alpha.name, key, value);
        delete nextErrors[key];
        toast('info', `${alpha.name}: ${key} set to ${valueText(value)}`);
      } catch (err) {
        nextErrors[key] = refusal(err);
      }
    }
    setErrors(nextErrors);
  };

  const onKey =
    (key: string, reset: () => void) =>
    (e: KeyboardEvent<HTMLInputElement>): void => {
      if (e.key === 'Enter') {
        e.preventDefault();
        void apply(key);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        reset();
      }
    };

  const errorRow = (key: string, fid: string): ReactNode =>
    errors[key] ? (
      <tr>
        <td colSpan={2}>
          <div id={`${fid}-err`} className="sg-error" role="alert">
            {errors[key]}
          </div>
        </td>
      </tr>
    ) : null;

  return (
    <div className="sg-params" role="group" aria-label={`Parameters of ${alpha.name}`}>
      <table className="table l2-table">
        <tbody>
          {rows.map((r, i) => {
            const path = pathOf(r);
            const fid = `${id}-${path.replace(/[^\w-]/g, '_')}`;
            const last = rows[i + 1]?.key !== r.key;
            const add = added[r.key] ?? ['', ''];
            return [
              <tr key={path} className={dirty(r) ? 'sg-dirty' : ''}>
                <th scope="row">
                  <label htmlFor={fid} className="mono">
                    {path}
                  </label>
                </th>
                <td>
                  <input
                    id={fid}
                    className="sg-input mono"
                    type="text"
                    value={draft[path] ?? r.text}
                    aria-invalid={errors[r.key] !== undefined}
                    onChange={(e) => setDraft((d) => ({ ...d, [path]: e.target.value }))}
                    onKeyDown={onKey(r.key, () =>
                      setDraft((d) => {
                        const n = { ...d };
                        delete n[path];
                        return n;
                      }),
                    )}
                    placeholder={r.entry !== null ? 'empty: remove' : undefined}
                    disabled={busy}
                  />
                </td>
              </tr>,
              last && r.entry !== null ? (
                <tr key={`${r.key}+`} className="sg-add">
                  <th scope="row">
                    <input
                      className="sg-input mono"
                      type="text"
                      value={add[0]}
                      aria-label={`New entry of ${r.key}`}
                      placeholder={`+ ${r.key} entry`}
                      onChange={(e) => setAdded((a) => ({ ...a, [r.key]: [e.target.value, add[1]] }))}
                      disabled={busy}
                    />
                  </th>
                  <td>
                    <input
                      className="sg-input mono"
                      type="text"
                      value={add[1]}
                      aria-label={`Value of the new ${r.key} entry`}
                      placeholder="value"
                      onChange={(e) => setAdded((a) => ({ ...a, [r.key]: [add[0], e.target.value] }))}
                      onKeyDown={onKey(r.key, () => setAdded((a) => ({ ...a, [r.key]: ['', ''] })))}
                      disabled={busy}
                    />
                  </td>
                </tr>
              ) : null,
              last ? errorRow(r.key, `${id}-${r.key}`) : null,
            ];
          })}
        </tbody>
      </table>
      <div className="sg-params-foot">
        <span className="muted">Enter applies a field (a record as a whole); values are JSON where they parse.</span>
        <button type="button" className="btn btn-ok" disabled={busy || changedKeys.size === 0} onClick={() => void apply()}>
          {busy ? 'Setting…' : changedKeys.size ? `Apply ${changedKeys.size} change${changedKeys.size === 1 ? '' : 's'}` : 'Apply changes'}
        </button>
      </div>
    </div>
  );
}
