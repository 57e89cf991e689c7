import type { ReactNode } from 'react';
import { fixed } from './bt-format.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Monthly returns as a year × month grid, green up and red down, deeper with size (±10% saturates). */
export function MonthlyHeatmap({ monthly }: { monthly: { period: string; return: number }[] }): ReactNode {
  const byYear = new Map<string, (number | null)[]>();
  for (const m of monthly) {
    const [y, mm] = m.period.split('-');
    if (!y || !mm) continue;
    let row = byYear.get(y);
    if (!row) byYear.set(y, (row = Array<number | null>(12).fill(null)));
    row[Number(mm) - 1] = m.return;
  }
  const years = [...byYear.keys()].sort();
  const colour = (r: number) => {
    const a = Math.min(1, Math.abs(r) / 0.1);
    return r >= 0 ? `rgba(46,160,67,${0.15 + 0.75 * a})` : `rgba(229,83,75,${0.15 + 0.75 * a})`;
  };
  return (
    <table className="bt-heatmap" aria-label="Monthly returns">
      <thead>
        <tr>
          <th scope="col">Year</th>
          {MONTHS.map((m) => (
            <th key={m} scope="col">
              {m}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {years.map((y) => (
          <tr key={y}>
            <th scope="row">{y}</th>
            {byYear.get(y)!.map((r, i) => (
              <td key={i} style={r === null ? undefined : { background: colour(r) }} title={r === null ? '' : `${y}-${MONTHS[i]}: ${(r * 100).toFixed(2)}%`}>
                {r === null ? '' : fixed(r * 100, 1)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
