import { useEffect, useRef, useState } from 'react';
import type { CSSProperties, ReactNode, RefObject } from 'react';
import type { BookLevelDto } from '../../../../src/contract/index.ts';
import { fmtCompact, fmtNum, isNum } from '../../shared/format.ts';
import { pickBookLevel, useStore } from '../../state/index.ts';

const MAX_LEVELS = 25;
const LEVEL_PX = 19;
const MID_PX = 30;

/** How many whole levels fit on each side of the spread line. */
function useLevelsThatFit(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [n, setN] = useState(10);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      const h = el.clientHeight;
      setN(Math.max(1, Math.min(MAX_LEVELS, Math.floor((h - MID_PX) / 2 / LEVEL_PX))));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, n];
}

interface Level {
  price: number;
  qty: number;
  cum: number;
}

function accumulate(levels: BookLevelDto[] | undefined, max: number): Level[] {
  const out: Level[] = [];
  let cum = 0;
  if (!Array.isArray(levels)) return out;
  for (const l of levels) {
    if (out.length >= max) break;
    if (!l || !isNum(l.price) || !isNum(l.qty)) continue;
    cum += l.qty;
    out.push({ price: l.price, qty: l.qty, cum });
  }
  return out;
}

function LevelRow({ l, side, max, pd, qd }: { l: Level; side: 'bid' | 'ask'; max: number; pd?: number; qd?: number }): ReactNode {
  const pct = max > 0 ? Math.min(100, (l.cum / max) * 100) : 0;
  const price = fmtNum(l.price, pd);
  return (
    <button
      type="button"
      className={`lvl lvl-${side}`}
      style={{ '--depth': `${pct}%` } as CSSProperties}
      onClick={() => pickBookLevel(l.price)}
      aria-label={`${side === 'bid' ? 'Bid' : 'Ask'} ${price}, size ${fmtNum(l.qty, qd)}: use as limit price`}
      tabIndex={-1}
    >
      <span className="lvl-px">{price}</span>
      <span className="lvl-qty">{fmtCompact(l.qty, qd)}</span>
      <span className="lvl-cum">{fmtCompact(l.cum, qd)}</span>
    </button>
  );
}

export function DepthBook(): ReactNode {
  const symbol = useStore((s) => s.selected);
  const book = useStore((s) => (s.selected ? s.books[s.selected] : undefined));
  const inst = useStore((s) => (s.selected ? s.instruments[s.selected] : undefined));
  const [bodyRef, fit] = useLevelsThatFit();
  const bids = accumulate(book?.bids, fit);
  const asks = accumulate(book?.asks, fit);
  const max = Math.max(bids[bids.length - 1]?.cum ?? 0, asks[asks.length - 1]?.cum ?? 0);
  const bestBid = bids[0]?.price;
  const bestAsk = asks[0]?.price;
  const spread = isNum(bestBid) && isNum(bestAsk) ? bestAsk - bestBid : null;
  const mid = isNum(bestBid) && isNum(bestAsk) ? (bestAsk + bestBid) / 2 : null;
  const pd = inst?.priceDecimals;
  const qd = inst?.qtyDecimals;

  return (
    <section className="panel book" aria-label="Order book">
      <header className="panel-head">
        <h2 className="panel-title">Order book</h2>
        <span className="panel-hint muted">{symbol ?? ''} · click a level to price</span>
      </header>
      <div className="book-cols" aria-hidden="true">
        <span>Price</span>
        <span>Size</span>
        <span>Total</span>
      </div>
      <div className="panel-body book-body" ref={bodyRef}>
        <div className="book-side asks">
          {asks.map((l) => (
            <LevelRow key={l.price} l={l} side="ask" max={max} pd={pd} qd={qd} />
          ))}
        </div>
        <div className="book-mid" aria-live="off">
          <span className="mid-px">{fmtNum(mid, pd !== undefined ? pd + 1 : undefined)}</span>
          <span className="muted">
            spread {fmtNum(spread, pd)}
            {spread !== null && mid ? ` · ${((spread / mid) * 10_000).toFixed(1)} bps` : ''}
          </span>
        </div>
        <div className="book-side bids">
          {bids.map((l) => (
            <LevelRow key={l.price} l={l} side="bid" max={max} pd={pd} qd={qd} />
          ))}
        </div>
        {!book && <div className="empty">No book yet</div>}
      </div>
    </section>
  );
}
