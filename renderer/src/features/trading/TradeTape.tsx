import type { ReactNode } from 'react';
import { fmtNum, fmtTime } from '../../shared/format.ts';
import { useStore } from '../../state/index.ts';

const SHOWN = 80;

export function TradeTape(): ReactNode {
  const symbol = useStore((s) => s.selected);
  const trades = useStore((s) => (s.selected ? s.trades[s.selected] : undefined));
  const inst = useStore((s) => (s.selected ? s.instruments[s.selected] : undefined));
  const rows = (trades ?? []).slice(0, SHOWN);
  return (
    <section className="panel tape" aria-label="Trades">
      <header className="panel-head">
        <h2 className="panel-title">Trades</h2>
        <span className="panel-hint muted">{symbol ?? ''}</span>
      </header>
      <div className="panel-body scroll">
        <table className="table tape-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} className={`tr-${t.side}`}>
                <td className="muted">{fmtTime(t.ts)}</td>
                <td className={`num ${t.side === 'buy' ? 'pos' : 'neg'}`}>{fmtNum(t.price, inst?.priceDecimals)}</td>
                <td className="num">{fmtNum(t.qty, inst?.qtyDecimals)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <div className="empty">No trades yet</div>}
      </div>
    </section>
  );
}
