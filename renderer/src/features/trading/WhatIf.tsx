import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { ImpactDto, InstrumentDto, ParamsIn, RiskBreachDto, WhatIfDto } from '../../../../src/contract/index.ts';
import { DASH, fmtMoney, fmtNum, isNum } from '../../shared/format.ts';
import { pct } from '../../shared/risk-format.ts';
import { call, errorText, useStore } from '../../state/index.ts';

/**
 * The ticket's pre-trade what-if: L1's verdict on exactly the order the ticket would send, and the
 * portfolio before and after a full fill. Asked again (debounced) on every ticket change, when the
 * trading state or the limits change, and every few seconds while the ticket stands (prices move).
 */

const DEBOUNCE_MS = 250;
const REFRESH_MS = 5000;

export interface WhatIfState {
  /** The last answer and the request (JSON of the params) it answers. */
  data: WhatIfDto | null;
  dataKey: string | null;
  loading: boolean;
  error: { key: string; code: string; message: string } | null;
}

/** Soft breaches the engine reported when it refused an unconfirmed order (RISK_CONFIRM_REQUIRED). */
export interface HeldBreaches {
  key: string;
  message: string;
  breaches: { code: string; message: string }[];
}

const IDLE: WhatIfState = { data: null, dataKey: null, loading: false, error: null };

export function useWhatIf(params: ParamsIn<'risk.whatIf'> | null, connected: boolean): WhatIfState {
  const [state, setState] = useState<WhatIfState>(IDLE);
  const mode = useStore((s) => s.tradingState?.mode ?? null);
  const limitsRev = useStore((s) => s.limitsRev);
  const key = params && connected ? JSON.stringify(params) : '';
  useEffect(() => {
    if (!key) {
      setState(IDLE);
      return;
    }
    const req = JSON.parse(key) as ParamsIn<'risk.whatIf'>;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((s) => ({ ...s, loading: true }));
    const run = (): void => {
      call('risk.whatIf', req)
        .then((data) => {
          if (live) setState({ data, dataKey: key, loading: false, error: null });
        })
        .catch((err: unknown) => {
          if (!live) return;
          const e = errorText(err);
          setState((s) => ({ ...s, loading: false, error: { key, code: e.code, message: e.message } }));
        })
        .finally(() => {
          if (live) timer = setTimeout(run, REFRESH_MS);
        });
    };
    timer = setTimeout(run, DEBOUNCE_MS);
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [key, mode, limitsRev]);
  return state;
}

export interface Gate {
  /** L1 denies this exact order: submit is disabled. */
  denied: { code: string; message: string } | null;
  /** Soft breaches only: the operator must confirm before it is sent. */
  needsConfirm: boolean;
  breaches: { code: string; message: string }[];
}

/** What the ticket must do before sending, from an answer for the current parameters only. */
export function whatIfGate(w: WhatIfState, key: string, held: HeldBreaches | null): Gate {
  const fresh = w.data && w.dataKey === key && key !== '' ? w.data : null;
  const check = fresh?.check;
  // Lot, tick and minimum-notional problems are the ticket's own warnings; the order still goes out
  // and the engine records the denial, as for any order. Only L1's limits and states hold it back.
  if (check?.verdict === 'deny' && check.breaches.length > 0 && check.breaches.every((b) => b.check === 'structure')) return { denied: null, needsConfirm: false, breaches: [] };
  if (check?.verdict === 'deny') {
    const hard = check.breaches.find((b) => b.level === 'hard') ?? check.breaches[0];
    return { denied: { code: check.code ?? hard?.code ?? 'DENIED', message: hard?.message ?? check.message }, needsConfirm: false, breaches: [] };
  }
  if (check?.verdict === 'soft_breach') {
    return { denied: null, needsConfirm: true, breaches: check.breaches.filter((b) => b.level === 'soft').map((b) => ({ code: b.code, message: b.message })) };
  }
  if (held && held.key === key) return { denied: null, needsConfirm: true, breaches: held.breaches.length ? held.breaches : [{ code: 'RISK_CONFIRM_REQUIRED', message: held.message }] };
  return { denied: null, needsConfirm: false, breaches: [] };
}

function lev(v: number | null | undefined): string {
  return isNum(v) ? `${v.toFixed(3)}×` : DASH;
}

function Row({ label, before, after, worse }: { label: string; before: string; after: string; worse: boolean }): ReactNode {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">{before}</td>
      <td className={`num wi-after ${worse ? 'wi-worse' : ''}`}>{after}</td>
    </tr>
  );
}

function Breach({ b }: { b: RiskBreachDto }): ReactNode {
  return (
    <li className={`wi-breach lvl-${b.level}`}>
      <span className={`wi-lvl wi-lvl-${b.level}`}>{b.level}</span> <strong className="mono">{b.code}</strong> <span className="wi-msg">{b.message}</span>
      {b.factor !== 1 && <span className="muted"> (level ×{b.factor})</span>}
    </li>
  );
}

const VERDICT_TEXT = { pass: 'PASS', soft_breach: 'SOFT BREACH', deny: 'DENY' } as const;

export function WhatIfView({
  whatIf,
  riskKey,
  inst,
  blocked,
}: {
  whatIf: WhatIfState;
  riskKey: string;
  inst: InstrumentDto | undefined;
  /** Why the ticket cannot be checked yet (its first validation error), shown instead of a verdict. */
  blocked?: string | null;
}): ReactNode {
  const cur = useStore((s) => s.session?.currency ?? '');
  const d = whatIf.data;
  const stale = !d || whatIf.dataKey !== riskKey;
  const busy = whatIf.loading || (riskKey !== '' && stale);
  let body: ReactNode;
  if (riskKey === '') {
    body = (
      <div className="pv-empty muted">
        {blocked && !/quantity/i.test(blocked) ? `Not checked: ${blocked}` : "Enter a quantity to see the order's risk impact."}
      </div>
    );
  } else if (whatIf.error && whatIf.error.key === riskKey && stale) {
    body = (
      <div className="pv-error">
        Risk check unavailable: <strong className="mono">{whatIf.error.code}</strong> {whatIf.error.message}
      </div>
    );
  } else if (!d) {
    body = <div className="pv-empty muted">Checking…</div>;
  } else {
    const b: ImpactDto = d.before;
    const a: ImpactDto = d.after;
    const c = d.check;
    body = (
      <>
        <div className="wi-head">
          <span className={`verdict v-${c.verdict}`} data-testid="whatif-verdict">
            {VERDICT_TEXT[c.verdict]}
          </span>
          {c.code && <strong className="mono">{c.code}</strong>}
          <span className="muted wi-tier" title={`Checks run: ${c.checked.join(', ') || 'none'}`}>
            {c.tier} · vol {c.volRegime}
            {isNum(c.volRatio) ? ` ${c.volRatio.toFixed(2)}×` : ''}
          </span>
        </div>
        <table className="table wi-table" aria-label="Portfolio impact">
          <thead>
            <tr>
              <th>
                <span className="sr-only">Measure</span>
              </th>
              <th className="num">Before</th>
              <th className="num">After</th>
            </tr>
          </thead>
          <tbody>
            <Row
              label="Position % NAV"
              before={pct(b.positionPctNav, 2)}
              after={pct(a.positionPctNav, 2)}
              worse={Math.abs(a.positionPctNav ?? 0) > Math.abs(b.positionPctNav ?? 0)}
            />
            <Row label={`Position ${inst?.base ?? ''}`.trim()} before={fmtNum(b.positionQty, inst?.qtyDecimals)} after={fmtNum(a.positionQty, inst?.qtyDecimals)} worse={false} />
            <Row label={`Gross exposure ${cur}`.trim()} before={fmtMoney(b.grossExposure, 0)} after={fmtMoney(a.grossExposure, 0)} worse={a.grossExposure > b.grossExposure} />
            <Row label="Leverage" before={lev(b.leverage)} after={lev(a.leverage)} worse={(a.leverage ?? 0) > (b.leverage ?? 0)} />
            <Row label="VaR 99% 1d" before={fmtMoney(b.var99, 0)} after={fmtMoney(a.var99, 0)} worse={(a.var99 ?? 0) > (b.var99 ?? 0)} />
          </tbody>
        </table>
        {c.breaches.length > 0 && (
          <ul className="wi-breaches" aria-label="Limit breaches">
            {c.breaches.map((br, i) => (
              <Breach key={`${br.code}-${br.scope ?? ''}-${i}`} b={br} />
            ))}
          </ul>
        )}
        {(c.reducing || c.deferred.length > 0 || !isNum(a.var99)) && (
          <div className="wi-notes muted">
            {c.reducing && <span>Reduces a position: exposure and loss checks do not apply. </span>}
            {c.deferred.length > 0 && <span>Checked on each child: {c.deferred.join(', ')}. </span>}
            {!isNum(a.var99) && <span>VaR needs more return history. </span>}
          </div>
        )}
      </>
    );
  }
  return (
    <section className={`preview whatif ${busy ? 'busy' : ''} ${d && !stale ? `wi-${d.check.verdict}` : ''}`} aria-label="Risk check" aria-busy={busy}>
      <h3 className="pv-title">Risk check (what-if)</h3>
      {body}
    </section>
  );
}
