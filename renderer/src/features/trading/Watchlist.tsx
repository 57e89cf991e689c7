import { useEffect, useMemo, useRef } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { fmtNum, fmtPct, isNum, pnlClass } from '../../shared/format.ts';
import { registerFocus } from '../../shared/focus.ts';
import { addToWatchlist, loadOffered, removeFromWatchlist, restoreWatchlist, selectSymbol, useStore, watchedSymbols } from '../../state/index.ts';

function Row({ symbol, selected }: { symbol: string; selected: boolean }): ReactNode {
  const inst = useStore((s) => s.instruments[symbol]);
  const q = useStore((s) => s.quotes[symbol]);
  const ref = useStore((s) => s.refPrice[symbol]);
  const prevLast = useRef<number | null>(null);
  const dir = useRef<'up' | 'down' | ''>('');
  const last = q?.last ?? null;
  if (isNum(last) && isNum(prevLast.current) && last !== prevLast.current) dir.current = last > prevLast.current ? 'up' : 'down';
  prevLast.current = last;
  const chg = isNum(last) && isNum(ref) && ref !== 0 ? (last - ref) / ref : null;
  const pd = inst?.priceDecimals;
  return (
    <tr
      aria-selected={selected}
      className={selected ? 'selected' : ''}
      onMouseDown={() => selectSymbol(symbol)}
      data-symbol={symbol}
    >
      <th scope="row">
        <span className="wl-sym">{symbol}</span>
        <span className="wl-kind">{inst?.kind === 'equity' ? 'EQ' : 'CRYPTO'}</span>
      </th>
      <td className="num bid">{fmtNum(q?.bid, pd)}</td>
      <td className="num ask">{fmtNum(q?.ask, pd)}</td>
      <td className={`num last tick-${dir.current}`}>{fmtNum(last, pd)}</td>
      <td className={`num ${pnlClass(chg)}`}>{fmtPct(chg)}</td>
      <td className="wl-act">
        <button
          type="button"
          className="icon-btn wl-remove"
          aria-label={`Remove ${symbol} from the watchlist`}
          title={`Remove ${symbol} from the watchlist`}
          tabIndex={-1}
          onMouseDown={(e) => e.stopPropagation()}
          onClick={() => removeFromWatchlist(symbol)}
        >
          ×
        </button>
      </td>
    </tr>
  );
}

/** Instruments the venue offers that the watchlist does not show yet (loaded when the menu opens). */
function AddInstrument({ shown }: { shown: readonly string[] }): ReactNode {
  const offered = useStore((s) => s.offered);
  const known = useStore((s) => s.instruments);
  const choices = offered.filter((i) => !shown.includes(i.symbol) && known[i.symbol] !== undefined);
  return (
    <select
      className="wl-add"
      aria-label="Add an instrument to the watchlist"
      value=""
      onFocus={() => void loadOffered()}
      onMouseDown={() => void loadOffered()}
      onChange={(e) => {
        if (e.target.value) addToWatchlist(e.target.value);
      }}
    >
      {/* An ASCII plus: the fullwidth one had no glyph in Debian's Chromium fonts and read "▯Add". */}
      <option value="">+ Add</option>
      {choices.map((i) => (
        <option key={i.symbol} value={i.symbol}>
          {i.symbol}
        </option>
      ))}
    </select>
  );
}

export function Watchlist(): ReactNode {
  // Two plain selections and a memo: a selector building a new array would re-render forever.
  const all = useStore((s) => s.symbols);
  const watch = useStore((s) => s.watchlist);
  const symbols = useMemo(() => watchedSymbols({ symbols: all, watchlist: watch }), [all, watch]);
  const selected = useStore((s) => s.selected);
  useEffect(() => {
    restoreWatchlist();
    void loadOffered();
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = selected ? symbols.indexOf(selected) : -1;
    const next = symbols[Math.max(0, Math.min(symbols.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) selectSymbol(next);
  };

  return (
    <section className="panel watchlist" aria-label="Watchlist">
      <header className="panel-head">
        <h2 className="panel-title">Watchlist</h2>
        <span className="panel-hint muted" title="Change against the oldest 5m bar of the last 24 h">chg 24h</span>
        <AddInstrument shown={symbols} />
      </header>
      <div className="panel-body scroll">
        <table className="table wl-table" tabIndex={0} onKeyDown={onKeyDown} aria-label="Watchlist" ref={(el) => registerFocus('watchlist', el)}>
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col" className="num">
                Bid
              </th>
              <th scope="col" className="num">
                Ask
              </th>
              <th scope="col" className="num">
                Last
              </th>
              <th scope="col" className="num">
                Chg
              </th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {symbols.map((s) => (
              <Row key={s} symbol={s} selected={s === selected} />
            ))}
          </tbody>
        </table>
        {symbols.length === 0 && <div className="empty">{all.length ? 'No instruments: add one with + Add' : 'Waiting for instruments…'}</div>}
      </div>
    </section>
  );
}
