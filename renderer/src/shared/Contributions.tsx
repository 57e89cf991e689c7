import type { ReactNode } from 'react';
import type { ContributionDto, SizingFactorDto } from '../../../src/contract/index.ts';
import { DASH, isNum } from './format.ts';
import { convictionPct, valueText, weightPct } from './l2-format.ts';

/**
 * Attribution of a combined target: each alpha's own target (or delta), its conviction, its share
 * of the book and what it adds (share × conviction × value). Shown on a proposal and on a target row.
 */
export function ContributionsTable({ rows, label }: { rows: readonly ContributionDto[]; label: string }): ReactNode {
  if (rows.length === 0) return <div className="l2-empty muted">No alpha contributes.</div>;
  const total = rows.reduce((s, r) => s + (isNum(r.contribution) ? r.contribution : 0), 0);
  return (
    <table className="table l2-table" aria-label={label}>
      <thead>
        <tr>
          <th>Alpha</th>
          <th className="num">Wants</th>
          <th className="num">Conviction</th>
          <th className="num">Share</th>
          <th className="num">Adds</th>
          <th className="num">Exp. return</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={`${c.alpha}-${c.kind}`}>
            <th scope="row" className="mono">
              {c.alpha}
            </th>
            <td className="num">
              {c.kind === 'delta' ? 'Δ ' : ''}
              {weightPct(c.value)}
            </td>
            <td className="num">{convictionPct(c.conviction)}</td>
            <td className="num" title={`alpha weight ${valueText(c.alphaWeight)}`}>
              {weightPct(c.share, 0)}
            </td>
            <td className="num">{weightPct(c.contribution, 2)}</td>
            <td className="num">{isNum(c.expectedReturn) ? weightPct(c.expectedReturn, 2) : DASH}</td>
          </tr>
        ))}
      </tbody>
      {rows.length > 1 && (
        <tfoot>
          <tr>
            <th scope="row">Combined</th>
            <td colSpan={3} />
            <td className="num">{weightPct(total, 2)}</td>
            <td />
          </tr>
        </tfoot>
      )}
    </table>
  );
}

const FACTOR_LABEL: Record<SizingFactorDto['name'], string> = {
  confidence: 'Confidence',
  volatility: 'Volatility',
  drawdown: 'Drawdown',
  correlation: 'Correlation',
  capacity: 'Capacity',
  gate: 'L1 gate',
};

/** The dynamic sizing's inputs and what each did to the size (×1 = no effect). */
export function SizingTable({ rows, label }: { rows: readonly SizingFactorDto[]; label: string }): ReactNode {
  if (rows.length === 0) return null;
  return (
    <table className="table l2-table" aria-label={label}>
      <thead>
        <tr>
          <th>Input</th>
          <th className="num">Value</th>
          <th className="num">Effect</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={f.name}>
            <th scope="row">{FACTOR_LABEL[f.name] ?? f.name}</th>
            <td className="num">{typeof f.input === 'number' ? valueText(f.input) : f.input}</td>
            <td className={`num ${isNum(f.effect) && f.effect < 1 ? 'neg' : ''}`}>{isNum(f.effect) ? `×${f.effect.toFixed(2)}` : DASH}</td>
            <td className="l2-note">{f.note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
