import { useState } from 'react';
import type { ReactNode } from 'react';
import type { StressDto } from '../../../../src/contract/index.ts';
import { DASH, fmtMoney, fmtSigned, fmtTime, isNum, pnlClass } from '../../shared/format.ts';
import { pct } from '../../shared/risk-format.ts';
import { call, errorText, useStore } from '../../state/index.ts';
import { Section } from './common.tsx';

// ---------------------------------------------------------------------------------------------
// Stress, on demand.

export function StressSection(): ReactNode {
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
