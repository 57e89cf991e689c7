import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { ExecutionPlanDto, ExecutionStyle, InstrumentDto, ParamsIn } from '../../../../src/contract/index.ts';
import { STYLE_HINT, STYLE_LABEL, fmtDuration, isAlgo } from './exec.ts';
import { fmtNum, fmtTime, isNum } from '../../shared/format.ts';
import { call, errorText } from '../../state/index.ts';

// ---------------------------------------------------------------------------------------------
// Schedule preview: orders.preview as the ticket changes (debounced), refreshed while it stands.

export type Preview =
  | { status: 'idle' }
  | { status: 'loading'; plan: ExecutionPlanDto | null }
  | { status: 'ready'; plan: ExecutionPlanDto }
  | { status: 'error'; code: string; message: string };

const PREVIEW_DEBOUNCE_MS = 300;
const PREVIEW_REFRESH_MS = 15_000;

export function usePreview(params: ParamsIn<'orders.preview'> | null, connected: boolean): Preview {
  const [state, setState] = useState<Preview>({ status: 'idle' });
  const key = params && connected ? JSON.stringify(params) : '';
  useEffect(() => {
    if (!key) {
      setState({ status: 'idle' });
      return;
    }
    const req = JSON.parse(key) as ParamsIn<'orders.preview'>;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((s) => ({ status: 'loading', plan: s.status === 'ready' ? s.plan : s.status === 'loading' ? s.plan : null }));
    const run = (): void => {
      call('orders.preview', req)
        .then((plan) => {
          if (live) setState({ status: 'ready', plan });
        })
        .catch((err: unknown) => {
          if (!live) return;
          const e = errorText(err);
          setState({ status: 'error', code: e.code, message: e.message });
        })
        .finally(() => {
          if (live) timer = setTimeout(run, PREVIEW_REFRESH_MS);
        });
    };
    timer = setTimeout(run, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [key]);
  return state;
}

function Sparkline({ plan, qd, base }: { plan: ExecutionPlanDto; qd: number | undefined; base: string }): ReactNode {
  const slices = plan.schedule;
  const n = slices.length;
  const max = Math.max(...slices.map((s) => s.qty), 0);
  if (n === 0 || max <= 0) return null;
  const W = 100;
  const H = 30;
  const gap = n > 40 ? 0 : Math.min(1.2, (W / n) * 0.18);
  const bw = W / n - gap;
  const total = plan.qty > 0 ? plan.qty : (slices[n - 1]?.cumulativeQty ?? 1);
  const cum = slices.map((s, k) => `${((k + 1) * W) / n},${H - (s.cumulativeQty / total) * (H - 2)}`).join(' ');
  const every = n > 1 ? ((slices[n - 1]?.at ?? 0) - (slices[0]?.at ?? 0)) / (n - 1) / 1000 : 0;
  const sizes = new Set(slices.map((s) => s.qty));
  const sizeText = sizes.size === 1 ? `${fmtNum(slices[0]?.qty, qd)} ${base}` : `${fmtNum(Math.min(...sizes), qd)}–${fmtNum(max, qd)} ${base}`;
  return (
    <svg
      className="pv-spark"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${n} planned slices of ${sizeText}${every > 0 ? `, every ${fmtDuration(every)}` : ''}`}
    >
      {slices.map((s, k) => {
        const h = Math.max(1, (s.qty / max) * (H - 4));
        return (
          <rect key={k} x={(k * W) / n + gap / 2} y={H - h} width={Math.max(0.4, bw)} height={h} className="pv-bar">
            <title>{`#${k + 1} ${fmtTime(s.at)}: ${fmtNum(s.qty, qd)} (cum. ${fmtNum(s.cumulativeQty, qd)})`}</title>
          </rect>
        );
      })}
      <polyline points={`0,${H} ${cum}`} className="pv-cum" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

export function SchedulePreview({ preview, inst, style }: { preview: Preview; inst: InstrumentDto | undefined; style: ExecutionStyle }): ReactNode {
  const qd = inst?.qtyDecimals;
  const base = inst?.base ?? '';
  const plan = preview.status === 'ready' || preview.status === 'loading' ? (preview.status === 'ready' ? preview.plan : preview.plan) : null;
  const busy = preview.status === 'loading';
  let body: ReactNode;
  if (preview.status === 'idle') {
    body = <div className="pv-empty muted">Enter a quantity to see how the order will be worked.</div>;
  } else if (preview.status === 'error') {
    body = (
      <div className="pv-error">
        Preview unavailable: <strong className="mono">{preview.code}</strong> {preview.message}
      </div>
    );
  } else if (!plan) {
    body = <div className="pv-empty muted">Planning…</div>;
  } else {
    const direct = plan.algo === 'market' || plan.algo === 'limit';
    const dur = Math.max(0, (plan.endAt - plan.startAt) / 1000);
    const n = plan.schedule.length;
    body = (
      <>
        <div className="pv-head">
          <span className="algo-tag">{STYLE_LABEL[plan.algo] ?? plan.algo}</span>
          {direct ? (
            <span>{plan.algo === 'market' ? 'sent now, walks the book' : 'rests at the limit price'}</span>
          ) : (
            <span>
              {n > 0 ? `${n} slice${n === 1 ? '' : 's'} · ` : ''}
              {fmtDuration(dur)}
            </span>
          )}
          {!direct && (
            <span className="muted mono pv-window">
              {fmtTime(plan.startAt)} → {fmtTime(plan.endAt)}
            </span>
          )}
        </div>
        <div className="pv-why">
          <span className="muted">Routing:</span> {plan.rationale}
        </div>
        {n > 0 && <Sparkline plan={plan} qd={qd} base={base} />}
        {!direct && n === 0 && (
          <div className="pv-note muted">No fixed schedule: {STYLE_LABEL[plan.algo] ?? plan.algo} {STYLE_HINT[plan.algo] ?? ''}.</div>
        )}
        {!direct && (
          <div className="pv-meta muted">
            Expected participation{' '}
            <b className="mono">{isNum(plan.expectedParticipation) ? `${(plan.expectedParticipation * 100).toFixed(1)}%` : '—'}</b> of market volume
            {isNum(plan.params.participation) ? ` · target ${(plan.params.participation * 100).toFixed(1)}%` : ''}
          </div>
        )}
        {n > 0 && (
          <details className="pv-details">
            <summary>Slices ({n})</summary>
            <table className="table pv-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>At</th>
                  <th className="num">Qty</th>
                  <th className="num">Cumulative</th>
                </tr>
              </thead>
              <tbody>
                {plan.schedule.map((s, k) => (
                  <tr key={k}>
                    <td className="num">{k + 1}</td>
                    <td className="mono">
                      {fmtTime(s.at)} <span className="muted">+{Math.round((s.at - plan.startAt) / 1000)}s</span>
                    </td>
                    <td className="num">{fmtNum(s.qty, qd)}</td>
                    <td className="num">{fmtNum(s.cumulativeQty, qd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
      </>
    );
  }
  return (
    <section className={`preview ${busy ? 'busy' : ''} ${isAlgo(style) ? 'algo' : 'direct'}`} aria-label="Schedule preview" aria-busy={busy}>
      <h3 className="pv-title">Schedule preview</h3>
      {body}
    </section>
  );
}
