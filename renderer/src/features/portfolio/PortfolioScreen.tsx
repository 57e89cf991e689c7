import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import type { FrontierDto, PortfolioTargetDto, RebalanceDto } from '../../../../src/contract/index.ts';
import { ContributionsTable, SizingTable } from '../../shared/Contributions.tsx';
import { DASH, fmtMoney, fmtNum, fmtTime } from '../../shared/format.ts';
import { registerFocus } from '../../shared/focus.ts';
import { URGENCY_LABELS, STYLE_LABELS, convictionPct, weightDelta, weightPct } from '../../shared/l2-format.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { layoutId, layoutStorage, rebalance, refreshFrontier, setScreen, useStore, watchPortfolio } from '../../state/index.ts';
import { ConstructionSettings } from './ConstructionSettings.tsx';
import { FrontierChart } from './FrontierChart.tsx';
import type { FrontierMarker } from './FrontierChart.tsx';

/**
 * The Portfolio screen: current against target weight per instrument (with each alpha's share, the
 * sizing inputs and L1's gate), a rebalance into proposals (or a preview of one), the efficient
 * frontier with the current and target books marked, and where the risk comes from.
 */

function WeightBar({ current, target }: { current: number; target: number }): ReactNode {
  const c = Math.max(0, Math.min(1, Math.abs(current))) * 100;
  const t = Math.max(0, Math.min(1, Math.abs(target))) * 100;
  return (
    <div className="pf-bar" aria-hidden="true">
      <div className="pf-bar-cur" style={{ width: `${c}%` }} />
      <div className="pf-bar-tgt" style={{ left: `${t}%` }} />
    </div>
  );
}

function WeightsTable({ t }: { t: PortfolioTargetDto }): ReactNode {
  return (
    <table className="table l2-table pf-weights" aria-label="Current and target weights">
      <thead>
        <tr>
          <th>Instrument</th>
          <th className="num">Current</th>
          <th className="num">Target</th>
          <th className="num">Drift</th>
          <th className="pf-bar-col">
            <span className="sr-only">Current (bar) and target (mark)</span>
          </th>
          <th className="num">Support</th>
          <th>Urgency</th>
          <th>L1 gate</th>
        </tr>
      </thead>
      <tbody>
        {t.rows.map((r) => (
          <tr key={r.symbol} className={r.gate.refused ? 'pf-gated' : ''}>
            <th scope="row">{r.symbol}</th>
            <td className="num">{weightPct(r.currentWeight, 2)}</td>
            <td className="num" title={r.combinedTarget !== null && r.combinedTarget !== r.targetWeight ? `combined ${weightPct(r.combinedTarget, 2)} before sizing` : undefined}>
              <strong>{weightPct(r.targetWeight, 2)}</strong>
            </td>
            <td className={`num ${r.targetWeight - r.currentWeight > 0 ? 'pos' : r.targetWeight - r.currentWeight < 0 ? 'neg' : ''}`}>{weightDelta(r.targetWeight - r.currentWeight)}</td>
            <td className="pf-bar-col">
              <WeightBar current={r.currentWeight} target={r.targetWeight} />
            </td>
            <td className="num">{convictionPct(r.support)}</td>
            <td>{URGENCY_LABELS[r.urgency] ?? r.urgency}</td>
            <td title={r.gate.message ?? undefined}>{r.gate.refused ? <span className="verdict v-deny">{r.gate.codes.join(', ') || 'REFUSED'}</span> : <span className="muted">open</span>}</td>
          </tr>
        ))}
        <tr className="pf-cash">
          <th scope="row">Cash</th>
          <td className="num">{weightPct(t.currentCash, 2)}</td>
          <td className="num">
            <strong>{weightPct(t.cash, 2)}</strong>
          </td>
          <td className="num">{weightDelta(t.cash - t.currentCash)}</td>
          <td className="pf-bar-col">
            <WeightBar current={t.currentCash} target={t.cash} />
          </td>
          <td colSpan={3} />
        </tr>
      </tbody>
    </table>
  );
}

function TargetDetails({ t }: { t: PortfolioTargetDto }): ReactNode {
  const rows = t.rows.filter((r) => r.contributions.length > 0 || r.sizing.length > 0);
  if (rows.length === 0) return null;
  return (
    <div className="pf-details">
      {rows.map((r) => (
        <details key={r.symbol} className="pf-detail">
          <summary>
            <strong>{r.symbol}</strong> <span className="muted">why {weightPct(r.targetWeight, 2)}</span>
          </summary>
          <ContributionsTable rows={r.contributions} label={`Alpha contributions to ${r.symbol}`} />
          <SizingTable rows={r.sizing} label={`Sizing of ${r.symbol}`} />
          {r.gate.refused && <div className="ap-error">L1 would refuse: {r.gate.message}</div>}
        </details>
      ))}
    </div>
  );
}

function RebalanceResult({ r }: { r: RebalanceDto }): ReactNode {
  return (
    <section className="pf-rebalance" aria-label="Rebalance result">
      <h3 className="ap-sec-title">
        {r.dryRun ? 'Rebalance preview' : `Rebalance ${r.batchId ?? ''}`} <span className="muted">· turnover {weightPct(r.turnover, 1)}</span>
      </h3>
      {r.proposals.length > 0 ? (
        <table className="table l2-table" aria-label={r.dryRun ? 'Orders a rebalance would propose' : 'Proposed orders'}>
          <thead>
            <tr>
              <th>Symbol</th>
              <th>Side</th>
              <th className="num">Qty</th>
              <th className="num">Weight</th>
              <th>Execution</th>
              <th>L1</th>
            </tr>
          </thead>
          <tbody>
            {r.proposals.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.symbol}</th>
                <td>
                  <span className={`side side-${p.side}`}>{p.side.toUpperCase()}</span>
                </td>
                <td className="num">{p.qty}</td>
                <td className="num">
                  {weightPct(p.currentWeight)} → {weightPct(p.targetWeight)}
                </td>
                <td>
                  {p.urgency} → {STYLE_LABELS[p.algo]}
                </td>
                <td>
                  <span className={`verdict v-${p.verdict.verdict}`}>{p.verdict.verdict === 'pass' ? 'PASS' : (p.verdict.code ?? p.verdict.verdict)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="l2-empty muted">Nothing to trade.</div>
      )}
      {[...r.notes, ...r.warnings].length > 0 && (
        <ul className="pf-notes">
          {r.warnings.map((w) => (
            <li key={`w-${w}`} className="neg">
              {w}
            </li>
          ))}
          {r.notes.map((n) => (
            <li key={`n-${n}`} className="muted">
              {n}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Frontier({ f, busy, error }: { f: FrontierDto | null; busy: boolean; error: string | null }): ReactNode {
  const markers: FrontierMarker[] = [];
  if (f?.current) markers.push({ label: 'Current', kind: 'current', volatility: f.current.volatility, expectedReturn: f.current.expectedReturn });
  if (f?.target) markers.push({ label: 'Target', kind: 'target', volatility: f.target.volatility, expectedReturn: f.target.expectedReturn });
  return (
    <section className="pf-sec" aria-label="Efficient frontier">
      <header className="pf-sec-head">
        <h3 className="ap-sec-title">Efficient frontier</h3>
        <button type="button" className="btn rk-tool" onClick={() => void refreshFrontier()} disabled={busy} aria-busy={busy}>
          {busy ? 'Computing…' : 'Recompute frontier'}
        </button>
      </header>
      {error && (
        <div className="ap-error" role="alert">
          {error}
        </div>
      )}
      {f?.unavailable ? (
        <div className="l2-empty muted">{f.unavailable}</div>
      ) : f ? (
        <>
          <FrontierChart points={f.points} markers={markers} label={`Efficient frontier of ${f.symbols.join(', ')} with the current and target portfolios`} />
          <div className="muted pf-note">
            {f.symbols.join(', ')} · {f.observations} bars · risk-free {weightPct(f.riskFreeRate, 1)}
            {f.current ? ` · current Sharpe ${fmtNum(f.current.sharpe, 2)}` : ''}
            {f.target ? ` · target Sharpe ${fmtNum(f.target.sharpe, 2)}` : ''}
          </div>
        </>
      ) : (
        <div className="l2-empty muted">{busy ? 'Computing the frontier…' : 'No frontier yet.'}</div>
      )}
    </section>
  );
}

/** The engine's risk contributions (src/kernel/l2-portfolio.ts bookRisk): displayed as sent, nothing computed here. */
function RiskContribTable({ t }: { t: PortfolioTargetDto | null }): ReactNode {
  const r = t?.risk ?? null;
  const current = r?.current ?? null;
  const target = r?.target ?? null;
  const symbols = [...new Set([...(current?.rows ?? []), ...(target?.rows ?? [])].map((x) => x.symbol))];
  return (
    <section className="pf-sec" aria-label="Risk contributions">
      <h3 className="ap-sec-title">Risk contributions</h3>
      {symbols.length === 0 ? (
        <div className="l2-empty muted">{r?.unavailable ?? 'No risk to attribute: neither book holds an instrument.'}</div>
      ) : (
        <table className="table l2-table" aria-label="Share of portfolio volatility">
          <thead>
            <tr>
              <th>Instrument</th>
              <th className="num">Volatility</th>
              <th className="num">Current</th>
              <th className="num">Target</th>
            </tr>
          </thead>
          <tbody>
            {symbols.map((s) => {
              const c = current?.rows.find((x) => x.symbol === s);
              const g = target?.rows.find((x) => x.symbol === s);
              return (
                <tr key={s}>
                  <th scope="row">{s}</th>
                  <td className="num">{weightPct(c?.volatility ?? g?.volatility, 1)}</td>
                  <td className="num" title={c ? `${weightPct(c.contribution, 2)} of volatility` : undefined}>{c ? weightPct(c.share, 1) : DASH}</td>
                  <td className="num" title={g ? `${weightPct(g.contribution, 2)} of volatility` : undefined}>{g ? weightPct(g.share, 1) : DASH}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Portfolio volatility</th>
              <td />
              <td className="num">{current ? weightPct(current.volatility, 2) : DASH}</td>
              <td className="num">{target ? weightPct(target.volatility, 2) : DASH}</td>
            </tr>
          </tfoot>
        </table>
      )}
      <div className="muted pf-note">
        {r && r.observations > 0 ? `Euler shares of volatility from ${r.observations} daily returns (sample covariance, ×${r.periodsPerYear} a year).` : ''}
        {r && r.missing.length > 0 ? ` No daily history yet for ${r.missing.join(', ')}: left out.` : ''}
      </div>
    </section>
  );
}

export function PortfolioScreen(): ReactNode {
  const t = useStore((s) => s.portfolioTarget);
  const f = useStore((s) => s.frontier);
  const fBusy = useStore((s) => s.frontierBusy);
  const fError = useStore((s) => s.frontierError);
  const last = useStore((s) => s.lastRebalance);
  const busy = useStore((s) => s.rebalanceBusy);
  const waiting = useStore((s) => s.waitingCount);
  const connected = useStore((s) => s.conn.phase === 'open');
  const epoch = useStore((s) => s.epoch);
  const layout = useDefaultLayout({ id: layoutId('portfolio', 'columns'), storage: layoutStorage, onlySaveAfterUserInteractions: true });
  useEffect(() => (connected ? watchPortfolio() : undefined), [connected, epoch]);

  return (
    <div className="pf" role="region" aria-label="Portfolio" tabIndex={-1} ref={(el) => registerFocus('portfolio', el)}>
      <Group orientation="horizontal" id="g-portfolio" className="workspace" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
        <Panel id="p-pf-weights" defaultSize="55%" minSize="460px">
          <PanelBoundary name="Target weights">
            <div className="panel">
              <header className="panel-head">
                <h2 className="panel-title">Weights</h2>
                <span className="muted">{t ? `NAV ${fmtMoney(t.nav, 0)} ${t.currency} · target at ${fmtTime(t.at)}` : ''}</span>
                <div className="panel-tools">
                  <button type="button" className="btn" disabled={busy || !connected} onClick={() => void rebalance(true)} title="Show the orders a rebalance would propose, without queueing them">
                    Preview rebalance
                  </button>
                  <button type="button" className="btn btn-ok" disabled={busy || !connected} onClick={() => void rebalance(false)} title="Queue the rebalance orders for approval">
                    Rebalance now
                  </button>
                  {waiting > 0 && (
                    <button type="button" className="link-btn" onClick={() => setScreen('approvals')}>
                      {waiting} waiting for approval
                    </button>
                  )}
                </div>
              </header>
              <div className="panel-body scroll pf-left">
                <ConstructionSettings />
                {t ? (
                  <>
                    {t.constructionError && (
                      <div role="alert" className="pf-error">
                        Construction failed ({t.constructionError.code}): {t.constructionError.message}. Targets are held at the current weights; nothing is proposed.
                      </div>
                    )}
                    {t.cycleId === null && <div className="l2-empty muted">No signal cycle has run yet: the target is all cash until the alphas signal.</div>}
                    <WeightsTable t={t} />
                    <TargetDetails t={t} />
                  </>
                ) : (
                  <div className="empty">No portfolio target loaded.</div>
                )}
                {last && <RebalanceResult r={last} />}
              </div>
            </div>
          </PanelBoundary>
        </Panel>
        <Separator className="sep sep-h" />
        <Panel id="p-pf-risk" minSize="380px">
          <PanelBoundary name="Frontier and risk">
            <div className="panel">
              <header className="panel-head">
                <h2 className="panel-title">Risk</h2>
                <span className="muted">{t ? `daily history · as of ${fmtTime(t.at)}` : ''}</span>
              </header>
              <div className="panel-body scroll pf-right">
                <Frontier f={f} busy={fBusy} error={fError} />
                <RiskContribTable t={t} />
              </div>
            </div>
          </PanelBoundary>
        </Panel>
      </Group>
    </div>
  );
}
