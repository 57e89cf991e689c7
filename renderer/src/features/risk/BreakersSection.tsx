import type { ReactNode } from 'react';
import type { BreakerStatusDto } from '../../../../src/contract/index.ts';
import { DASH, fmtTime } from '../../shared/format.ts';
import { useStore } from '../../state/index.ts';
import { Section } from './common.tsx';

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

export function BreakersSection(): ReactNode {
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

export function TiersSection(): ReactNode {
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
