import { useId } from 'react';
import type { ReactNode } from 'react';
import { isNum } from '../../shared/format.ts';

/**
 * The efficient frontier as a small SVG: expected return against volatility (both annualised), with
 * the current and target portfolios marked. A plain SVG rather than lightweight-charts: that library
 * draws time series, and a frontier is a curve over risk, not over time.
 */

export interface RiskReturnPoint {
  volatility: number;
  expectedReturn: number;
}

export interface FrontierMarker extends RiskReturnPoint {
  label: string;
  kind: 'current' | 'target' | 'other';
}

const W = 420;
const H = 240;
const PAD = { left: 46, right: 14, top: 12, bottom: 32 };

function pctText(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Round tick steps (1, 2, 5 × 10^k) spanning [lo, hi] with about `n` ticks. */
function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(12)));
  return out;
}

export function FrontierChart({ points, markers, label }: { points: readonly RiskReturnPoint[]; markers: readonly FrontierMarker[]; label: string }): ReactNode {
  const descId = useId();
  const all = [...points, ...markers].filter((p) => isNum(p.volatility) && isNum(p.expectedReturn));
  if (all.length === 0) return <div className="empty">No frontier to draw yet.</div>;
  const xs = all.map((p) => p.volatility);
  const ys = all.map((p) => p.expectedReturn);
  // Margins so markers at the edges stay inside the plot; volatility starts at 0 when it is close to it.
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  const dx = (x1 - x0 || Math.abs(x1) || 0.01) * 0.08;
  const dy = (y1 - y0 || Math.abs(y1) || 0.01) * 0.1;
  x0 = x0 - dx < 0 && x0 >= 0 ? 0 : x0 - dx;
  x1 += dx;
  y0 -= dy;
  y1 += dy;
  const sx = (x: number): number => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number): number => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const curve = [...points].filter((p) => isNum(p.volatility) && isNum(p.expectedReturn)).sort((a, b) => a.expectedReturn - b.expectedReturn);
  const path = curve.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.volatility).toFixed(1)},${sy(p.expectedReturn).toFixed(1)}`).join(' ');
  const xt = ticks(x0, x1, 5);
  const yt = ticks(y0, y1, 4);
  const summary = markers.map((m) => `${m.label}: volatility ${pctText(m.volatility)}, expected return ${pctText(m.expectedReturn)}`).join('; ');
  return (
    <figure className="pf-frontier">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} aria-describedby={descId} preserveAspectRatio="xMidYMid meet">
        {yt.map((y) => (
          <g key={`y${y}`}>
            <line className="pf-grid" x1={PAD.left} x2={W - PAD.right} y1={sy(y)} y2={sy(y)} />
            <text className="pf-tick" x={PAD.left - 5} y={sy(y) + 3} textAnchor="end">
              {pctText(y)}
            </text>
          </g>
        ))}
        {xt.map((x) => (
          <g key={`x${x}`}>
            <line className="pf-grid" x1={sx(x)} x2={sx(x)} y1={PAD.top} y2={H - PAD.bottom} />
            <text className="pf-tick" x={sx(x)} y={H - PAD.bottom + 13} textAnchor="middle">
              {pctText(x)}
            </text>
          </g>
        ))}
        <text className="pf-axis" x={(PAD.left + W - PAD.right) / 2} y={H - 4} textAnchor="middle">
          Volatility (annualised)
        </text>
        <text className="pf-axis" x={10} y={(PAD.top + H - PAD.bottom) / 2} textAnchor="middle" transform={`rotate(-90 10 ${(PAD.top + H - PAD.bottom) / 2})`}>
          Expected return
        </text>
        {path && <path className="pf-curve" d={path} />}
        {markers.map((m) => (
          <g key={m.label} className={`pf-mark pf-mark-${m.kind}`}>
            <circle cx={sx(m.volatility)} cy={sy(m.expectedReturn)} r={5} />
            <text x={sx(m.volatility) + 8} y={sy(m.expectedReturn) - 6}>
              {m.label}
            </text>
          </g>
        ))}
      </svg>
      <figcaption id={descId} className="pf-caption muted">
        {curve.length} frontier point{curve.length === 1 ? '' : 's'}
        {summary ? `. ${summary}` : ''}
      </figcaption>
    </figure>
  );
}
