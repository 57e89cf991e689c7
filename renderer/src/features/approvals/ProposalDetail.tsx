import type { ReactNode } from 'react';
import type { ImpactDto, ProposalDto, RiskBreachDto } from '../../../../src/contract/index.ts';
import { ContributionsTable, SizingTable } from '../../shared/Contributions.tsx';
import { DASH, fmtDateTime, fmtMoney, fmtNum, fmtTime, isNum } from '../../shared/format.ts';
import { STYLE_LABELS, URGENCY_LABELS, VERDICT_TEXT, bps, convictionPct, weightDelta, weightPct } from '../../shared/l2-format.ts';
import { fmtAge, pct } from '../../shared/risk-format.ts';
import { useEngineNow } from '../../shared/time.ts';
import { isWaiting, useStore } from '../../state/index.ts';
import { impliedWeight } from '../../../../src/contract/index.ts';

/**
 * Everything the operator needs to decide on one proposal: the order and why (alphas, conviction,
 * current → target weight, sizing), L1's verdict now, the what-if before → after, the expected
 * cost, and the audit of what was done and shown.
 */

function Sec({ title, children }: { title: string; children: ReactNode }): ReactNode {
  return (
    <section className="ap-sec" aria-label={title}>
      <h3 className="ap-sec-title">{title}</h3>
      {children}
    </section>
  );
}

function Kv({ label, children, title }: { label: string; children: ReactNode; title?: string }): ReactNode {
  return (
    <div title={title}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function lev(v: number | null | undefined): string {
  return isNum(v) ? `${v.toFixed(3)}×` : DASH;
}

function ImpactRow({ label, before, after, worse }: { label: string; before: string; after: string; worse: boolean }): ReactNode {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">{before}</td>
      <td className={`num ${worse ? 'ap-worse' : ''}`}>{after}</td>
    </tr>
  );
}

/** The VaR row says how the figure was measured: early in a session it comes from daily closes. */
function varLabel(a: ImpactDto): string {
  const v = a.varBasis;
  if (v?.source === 'daily-closes') return `VaR 99% 1d (historical, ${v.observations ?? ''} daily returns)`;
  if (v?.source === 'pms-1m-returns') return 'VaR 99% 1d (parametric, 1m returns)';
  return 'VaR 99% 1d';
}

function WhatIf({ b, a, qtyDecimals, cur }: { b: ImpactDto; a: ImpactDto; qtyDecimals: number | undefined; cur: string }): ReactNode {
  return (
    <table className="table l2-table" aria-label="What-if before and after">
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
        <ImpactRow label="Position % NAV" before={pct(b.positionPctNav, 2)} after={pct(a.positionPctNav, 2)} worse={Math.abs(a.positionPctNav ?? 0) > Math.abs(b.positionPctNav ?? 0)} />
        <ImpactRow label="Position" before={fmtNum(b.positionQty, qtyDecimals)} after={fmtNum(a.positionQty, qtyDecimals)} worse={false} />
        <ImpactRow label={`Gross exposure ${cur}`.trim()} before={fmtMoney(b.grossExposure, 0)} after={fmtMoney(a.grossExposure, 0)} worse={a.grossExposure > b.grossExposure} />
        <ImpactRow label="Leverage" before={lev(b.leverage)} after={lev(a.leverage)} worse={(a.leverage ?? 0) > (b.leverage ?? 0)} />
        <ImpactRow label={varLabel(a)} before={fmtMoney(b.var99, 0)} after={fmtMoney(a.var99, 0)} worse={(a.var99 ?? 0) > (b.var99 ?? 0)} />
      </tbody>
    </table>
  );
}

function Breach({ b }: { b: RiskBreachDto }): ReactNode {
  return (
    <li className={`ap-breach lvl-${b.level}`}>
      <span className={`wi-lvl wi-lvl-${b.level}`}>{b.level}</span> <strong className="mono">{b.code}</strong> <span>{b.message}</span>
    </li>
  );
}

export function StatusChip({ p }: { p: ProposalDto }): ReactNode {
  return <span className={`ap-status ap-status-${p.status}`}>{p.status}</span>;
}

export function ProposalDetail({ p, actions, note }: { p: ProposalDto | null; actions: ReactNode; note: ReactNode }): ReactNode {
  const inst = useStore((s) => (p ? s.instruments[p.symbol] : undefined));
  const cur = useStore((s) => s.session?.currency ?? '');
  const now = useEngineNow(1000);
  if (!p) {
    return (
      <div className="ap-detail ap-detail-empty" role="group" aria-label="Proposal detail">
        <div className="empty">Select a proposal (↑ / ↓ in the queue) to see why it was proposed, L1's verdict and its cost.</div>
        {actions}
      </div>
    );
  }
  const v = p.verdict;
  const implied = impliedWeight(p);
  const waiting = isWaiting(p);
  const cost = p.expectedCost;
  return (
    <div className="ap-detail" role="group" aria-label={`Proposal ${p.id}`}>
      <header className="ap-detail-head">
        <span className={`side side-${p.side}`}>{p.side.toUpperCase()}</span>
        <strong className="mono">{p.qty}</strong>
        <strong>{p.symbol}</strong>
        <StatusChip p={p} />
        <span className="muted mono ap-id">{p.id}</span>
      </header>
      {actions}
      {note}
      {p.reason && !waiting && (
        <div className="ap-reason">
          <span className="muted">Reason:</span> {p.reason}
        </div>
      )}
      <div className="ap-detail-body">
        <Sec title="Order">
          <dl className="ap-kv">
            <Kv label="Execution" title={p.routing}>
              {URGENCY_LABELS[p.urgency]} → {STYLE_LABELS[p.algo]}
              {p.algoChosen ? ' (chosen)' : ''}
            </Kv>
            <Kv label="Weight">
              {weightPct(p.currentWeight)} → {weightPct(implied.weight)} <span className="muted">({weightDelta(implied.weight - p.currentWeight)})</span>
              {implied.modified && <span className="muted"> (modified quantity; target was {weightPct(p.targetWeight)})</span>}
            </Kv>
            <Kv label="Conviction">{convictionPct(p.conviction)}</Kv>
            <Kv label="Value">
              {fmtMoney(p.estimatedValue, 0)} {cur}
            </Kv>
            <Kv label="Decision price" title={`Expires if the price moves more than ${pct(p.priceBand, 1)} from it`}>
              {fmtNum(p.decisionPrice, inst?.priceDecimals)} <span className="muted">± {pct(p.priceBand, 1)}</span>
            </Kv>
            <Kv label={waiting ? 'Expires in' : 'Decided'}>
              {waiting ? fmtAge(now, p.expiresAt) : p.decidedAt ? `${fmtTime(p.decidedAt)}${p.decidedBy ? ` by ${p.decidedBy}` : ''}` : DASH}
            </Kv>
            {p.orderId && (
              <Kv label="Order">
                <span className="mono">{p.orderId}</span>
              </Kv>
            )}
            <Kv label="Batch">
              <span className="mono">{p.batchId}</span>
            </Kv>
          </dl>
          <div className="muted ap-routing">{p.routing}</div>
        </Sec>
        <Sec title="L1 verdict">
          <div className="ap-verdict">
            <span className={`verdict v-${v.verdict}`} data-testid="proposal-verdict">
              {VERDICT_TEXT[v.verdict]}
            </span>
            {v.code && <strong className="mono">{v.code}</strong>}
            <span className="muted">
              checked {fmtTime(p.checkedAt)} · {v.tier} · vol {v.volRegime}
            </span>
          </div>
          {v.breaches.length > 0 && (
            <ul className="ap-breaches" aria-label="Limit breaches">
              {v.breaches.map((b, i) => (
                <Breach key={`${b.code}-${b.scope ?? ''}-${i}`} b={b} />
              ))}
            </ul>
          )}
        </Sec>
        <Sec title="What-if">
          <WhatIf b={p.before} a={p.after} qtyDecimals={inst?.qtyDecimals} cur={cur} />
        </Sec>
        <Sec title="Expected cost">
          {cost ? (
            <dl className="ap-kv">
              <Kv label="Total">
                {bps(cost.bps)} <span className="muted">({fmtMoney(cost.amount, 2)} {cur})</span>
              </Kv>
              <Kv label="Impact">{bps(cost.impactBps)}</Kv>
              <Kv label="Half spread">{bps(cost.spreadBps)}</Kv>
              <Kv label="Fees">{bps(cost.feeBps)}</Kv>
              <Kv label="Participation">{isNum(cost.participation) ? pct(cost.participation, 1) : DASH}</Kv>
            </dl>
          ) : (
            <div className="l2-empty muted">No cost estimate (no volume or volatility yet).</div>
          )}
        </Sec>
        <Sec title="Alphas">
          <ContributionsTable rows={p.contributions} label={`Alpha contributions to ${p.symbol}`} />
        </Sec>
        {p.sizing.length > 0 && (
          <Sec title="Sizing">
            <SizingTable rows={p.sizing} label={`Sizing of ${p.symbol}`} />
          </Sec>
        )}
        <Sec title="Audit">
          <ol className="ap-audit">
            {p.audit.map((a, i) => (
              <li key={`${a.at}-${i}`}>
                <span className="mono muted">{fmtDateTime(a.at)}</span> <strong>{a.action}</strong> by {a.by}: {a.shown.qty} · {a.shown.urgency} → {STYLE_LABELS[a.shown.algo]} ·{' '}
                {VERDICT_TEXT[a.shown.verdict]}
                {a.shown.codes.length ? ` (${a.shown.codes.join(', ')})` : ''}
                {a.note ? ` — ${a.note}` : ''}
              </li>
            ))}
          </ol>
        </Sec>
      </div>
    </div>
  );
}
