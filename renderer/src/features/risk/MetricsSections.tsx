import { useMemo } from 'react';
import type { ReactNode } from 'react';
import type { RiskMetricsDto } from '../../../../src/contract/index.ts';
import { DASH, fmtMoney, fmtNum, fmtPct, fmtSigned, fmtTime, isNum, pnlClass } from '../../shared/format.ts';
import { corrColor, pct } from '../../shared/risk-format.ts';
import { useStore } from '../../state/index.ts';
import { Section, Kv } from './common.tsx';

export function MetricsSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
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
            {fmtSigned(m.dailyPnl)} {isNum(m.dailyPnlPct) ? `(${fmtPct(m.dailyPnlPct)})` : ''}
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

export function VarSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
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

export function DrawdownChart({ m }: { m: RiskMetricsDto | null }): ReactNode {
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

export function ExposureSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
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

export function CorrelationSection({ m }: { m: RiskMetricsDto | null }): ReactNode {
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
