import { useState } from 'react';
import type { ReactNode } from 'react';
import type { BacktestRunDto, BacktestTradeDto } from '../../../../src/contract/index.ts';
import { assumptionRows, deniedText, engineLabel, fix, guardText, money, paramText, price } from './bt-format.ts';
import { EquityChart } from './EquityChart.tsx';
import { MonthlyHeatmap } from './MonthlyHeatmap.tsx';
import { TradesChart } from './TradesChart.tsx';

/** Trades listed at most; the chart marks them all. */
const TRADE_ROWS = 500;

/**
 * One kept run: equity and drawdown, prices with the trades marked, the metrics (each labelled with
 * the fidelity and fill assumption that produced it), monthly returns and the trades.
 */
export function RunView({ run, previous = false }: { run: BacktestRunDto; previous?: boolean }): ReactNode {
  const [focus, setFocus] = useState<BacktestTradeDto | null>(null);
  const fidelityRow = (name: string, value: string) => (
    <tr>
      <th scope="row">{name}</th>
      <td>{value}</td>
      <td>{run.summary.fidelity}</td>
    </tr>
  );
  return (
    <div className={previous ? 'bt-run bt-previous' : 'bt-run'}>
      <h2>
        {previous ? 'Previous: ' : ''}Run {run.summary.id}: {run.summary.strategy} {paramText(run.summary.params)} · {run.summary.fidelity} · {run.summary.dataName}
      </h2>
      <p className="muted bt-engine">{engineLabel(run.summary)}</p>
      <div className="bt-charts">
        <section aria-label="Equity and drawdown">
          <h3>Equity and drawdown</h3>
          <EquityChart run={run} />
        </section>
        <section aria-label="Trades on price">
          <h3>Trades on price</h3>
          <TradesChart run={run} focus={focus} />
        </section>
      </div>
      <div className="bt-tables">
        <div>
          <table className="bt-metrics" aria-label="Metrics">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Run {run.summary.id}</th>
                <th scope="col">Fidelity</th>
              </tr>
            </thead>
            <tbody>
              {fidelityRow('final value', fix(run.finalValue))}
              {run.metrics.map((m) => (
                <tr key={m.name}>
                  <th scope="row">{m.name}</th>
                  <td>{m.value ?? '–'}</td>
                  <td title={m.fills}>{m.fidelity}</td>
                </tr>
              ))}
              {fidelityRow('fills', String(run.fills))}
              {run.l3 && (
                <>
                  {fidelityRow('venue fills', String(run.l3.venueFills))}
                  {fidelityRow('orders filled in parts', String(run.l3.partiallyFilledOrders))}
                  {fidelityRow('orders denied', deniedText(run.l3))}
                  {fidelityRow('trading state', guardText(run.l3))}
                  {fidelityRow('tape trades', String(run.l3.tapeTrades))}
                </>
              )}
            </tbody>
          </table>
          {/* What produced the numbers above, as the CLI prints them: fidelity, fills, costs, desk guards, cash, seed, build. */}
          <table className="bt-metrics bt-assumptions" aria-label="Assumptions">
            <caption>Assumptions</caption>
            <tbody>
              {assumptionRows(run).map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {run.attribution && (
            <>
              <table className="bt-metrics" aria-label="Attribution">
                <thead>
                  <tr>
                    <th scope="col">Alpha / instrument</th>
                    <th scope="col">P&amp;L</th>
                    <th scope="col">Fees / weight</th>
                  </tr>
                </thead>
                <tbody>
                  {run.attribution.alphas.map((a) => (
                    <tr key={`a-${a.alpha}`}>
                      <th scope="row">{a.alpha}</th>
                      <td className={a.pnl >= 0 ? 'pos' : 'neg'}>{money(a.pnl)}</td>
                      <td>{(a.returnContribution * 100).toFixed(2)}% of start</td>
                    </tr>
                  ))}
                  {run.attribution.instruments.map((x) => (
                    <tr key={`i-${x.instrument}`}>
                      <th scope="row">{x.instrument}</th>
                      <td className={x.pnl >= 0 ? 'pos' : 'neg'}>{money(x.pnl)}</td>
                      <td>
                        {fix(x.fees)} / {(x.finalWeight * 100).toFixed(1)}%
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted bt-assume">Attribution: {run.attribution.rule}.</p>
            </>
          )}
        </div>
        <div className="bt-side-tables">
          <h3>Monthly returns (%)</h3>
          <MonthlyHeatmap monthly={run.monthly} />
          <h3>
            Trades ({run.trades.length}
            {run.trades.length > TRADE_ROWS ? `, first ${TRADE_ROWS} listed` : ''})
          </h3>
          <div className="bt-scroll">
            <table className="bt-trades" aria-label="Trades">
              <thead>
                <tr>
                  <th scope="col">Entry</th>
                  <th scope="col">Price</th>
                  <th scope="col">Exit</th>
                  <th scope="col">Price</th>
                  <th scope="col">Size</th>
                  <th scope="col">Fees</th>
                  <th scope="col">P&amp;L</th>
                </tr>
              </thead>
              <tbody>
                {run.trades.slice(0, TRADE_ROWS).map((t, i) => (
                  <tr key={i} className={focus === t ? 'active' : ''}>
                    <td>
                      <button type="button" className="link-btn" aria-label={`Show trade ${i + 1} on the chart`} onClick={() => setFocus(t)}>
                        {t.entryDate}
                      </button>
                    </td>
                    <td>{price(t.entryPrice)}</td>
                    <td>{t.exitDate ?? 'open'}</td>
                    <td>{price(t.exitPrice)}</td>
                    <td>{t.size}</td>
                    <td>{fix(t.commission)}</td>
                    <td className={t.pnl >= 0 ? 'pos' : 'neg'}>{money(t.pnl)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
