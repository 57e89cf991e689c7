import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { BacktestFidelitiesDto, BacktestFidelityDto } from '../../../../src/contract/index.ts';
import { call, errorText } from '../../state/index.ts';
import { fix, levelGuards, levelVenue, money, pct, signed } from './bt-format.ts';
import type { RunSettings } from './bt-format.ts';
import { LinesChart } from './LinesChart.tsx';

const LEVEL_NAMES: Record<string, string> = { bar: 'bar (textbook)', l1: 'L1 signal-only', l2: 'L2 execution-aware', l3: 'L3 full simulation' };

type Row = [string, (l: BacktestFidelityDto) => string];

const ROWS: Row[] = [
  ['final value', (l) => money(l.finalValue)],
  ['total return', (l) => pct(l.totalReturn)],
  ['Sharpe', (l) => fix(l.sharpe, 3)],
  ['max drawdown', (l) => pct(l.maxDrawdown)],
  ['costs: fees', (l) => money(l.costs?.fees)],
  ['costs: spread / haircut', (l) => money(l.costs?.spread)],
  ['costs: impact', (l) => money(l.costs?.impact)],
  ['costs: total', (l) => money(l.costs?.total)],
  ['fills', (l) => (l.fills === null ? '–' : String(l.fills))],
  ['trades', (l) => (l.trades === null ? '–' : String(l.trades))],
  ['venue fills', levelVenue],
  ['trading state', levelGuards],
];

/**
 * `refused`: why the host would refuse the comparison for the picked strategy (a target strategy),
 * shown beside the disabled button and read as its description; null when it runs.
 *
 * The same strategy, data and costs at every fidelity level side by side, each column labelled
 * with its fill assumption, and for each step up the ladder how much of the change in final value
 * the extra fees, spread and impact explain, and how much the fill price and timing do.
 */
export function FidelityView({ settings, tape, refused }: { settings: RunSettings | null; tape: boolean; refused: string | null }): ReactNode {
  const [result, setResult] = useState<BacktestFidelitiesDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const lines = useMemo(() => (result?.levels ?? []).filter((l) => l.available).map((l) => ({ label: LEVEL_NAMES[l.fidelity] ?? l.fidelity, points: l.equity })), [result]);

  const compare = async () => {
    if (!settings || refused) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await call('backtest.fidelities', settings));
    } catch (err) {
      const e = errorText(err);
      setError(`${e.code}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="bt-fidelity">
      <div className="bt-toolbar">
        <button type="button" className="btn btn-primary" disabled={!settings || busy || refused !== null} aria-describedby={refused ? 'bt-fid-refused' : undefined} onClick={() => void compare()}>
          Compare fidelities
        </button>
        {/* For a target strategy, why the button is off (the host refuses its comparison) in place of what it runs. */}
        <span className="muted" id={refused ? 'bt-fid-refused' : undefined}>
          {refused ??
            (busy
              ? tape
                ? 'running bar, L1 and L2 on the tape’s bars and L3 through the engine on the tape, on worker threads…'
                : 'running bar, L1 and L2 on worker threads…'
              : tape
                ? 'Runs the settings above at bar, L1 and L2 on the tape’s bars, and at L3 through the engine on the same tape.'
                : 'Runs the settings above at every fidelity level the data allows (L3 needs a trade tape).')}
        </span>
        {error && !refused && (
          <span role="alert" className="neg">
            {error}
          </span>
        )}
      </div>
      {result && busy && (
        <p className="bt-previous-note" role="note">
          Showing the previous comparison until the new one finishes.
        </p>
      )}
      {result && (
        <div className={busy ? 'bt-previous' : undefined}>
          {/* The picture first: in full on opening at 1600 × 960 (below the tables it was cut at the fold). */}
          <LinesChart lines={lines} label="Equity at each fidelity level (return %)" />
          <table className="bt-metrics bt-fid-table" aria-label="Fidelity comparison">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                {result.levels.map((l) => (
                  <th key={l.fidelity} scope="col" title={l.costModel || undefined}>
                    {LEVEL_NAMES[l.fidelity] ?? l.fidelity}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ROWS.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  {result.levels.map((l) => (
                    <td key={l.fidelity}>{l.available ? value(l) : '–'}</td>
                  ))}
                </tr>
              ))}
              <tr className="bt-assumption">
                <th scope="row">fill assumption</th>
                {result.levels.map((l) => (
                  <td key={l.fidelity}>
                    {l.fillAssumption}
                    {l.reason && <em className="bt-na"> Not run ({l.reasonCode}): {l.reason}</em>}
                  </td>
                ))}
              </tr>
              <tr className="bt-assumption">
                <th scope="row">cost model</th>
                {result.levels.map((l) => (
                  <td key={l.fidelity}>{l.costModel || '–'}</td>
                ))}
              </tr>
            </tbody>
          </table>
          <h3>What each assumption explains</h3>
          <table className="bt-metrics" aria-label="Fidelity attribution">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Change in final value</th>
                <th scope="col">Fees</th>
                <th scope="col">Spread / haircut</th>
                <th scope="col">Impact</th>
                <th scope="col" title="fill price and timing: the deciding close vs the next open, participation caps, and the sizes they lead to">
                  Fill price &amp; timing
                </th>
              </tr>
            </thead>
            <tbody>
              {result.attribution.map((s) => (
                <tr key={`${s.from}-${s.to}`}>
                  <th scope="row">
                    {LEVEL_NAMES[s.from] ?? s.from} → {LEVEL_NAMES[s.to] ?? s.to}
                  </th>
                  <td>{signed(s.change)}</td>
                  <td>{signed(s.fees)}</td>
                  <td>{signed(s.spread)}</td>
                  <td>{signed(s.impact)}</td>
                  <td>{signed(s.rest)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted bt-assume">Each step’s parts sum to its change: costs are what the next level paid beyond the previous one; the rest is what its fill prices and timing changed.</p>
        </div>
      )}
    </div>
  );
}
