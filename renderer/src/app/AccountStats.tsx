import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { fmtMoney, fmtSigned, pnlClass } from '../shared/format.ts';
import { useStore } from '../state/index.ts';

interface StatSpec {
  key: string;
  label: string;
  value: string;
  cls?: string;
  /** 1 = shown first; the highest numbers give way first when the bar is narrow. */
  priority: number;
}

/** Width of the "more figures" button and its gap, reserved whenever a figure is left out. */
const MORE_PX = 40;

function Stat({ s }: { s: StatSpec }): ReactNode {
  return (
    <div className="stat" title={`${s.label}: ${s.value}`} data-stat={s.key}>
      <span className="stat-label">{s.label}</span>
      <span className={`stat-value mono ${s.cls ?? ''}`}>{s.value}</span>
    </div>
  );
}

/**
 * Which figures fit in `avail` px: by priority, each at its natural width, keeping room for the
 * "more" button once one is left out. The ones shown keep their declared order. Pure (tested).
 */
export function fitStats(specs: readonly { key: string; priority: number }[], widths: Readonly<Record<string, number>>, avail: number): Set<string> {
  const byPriority = [...specs].sort((a, b) => a.priority - b.priority);
  const total = byPriority.reduce((s, x) => s + (widths[x.key] ?? 0), 0);
  if (total <= avail) return new Set(specs.map((s) => s.key));
  const shown = new Set<string>();
  let used = MORE_PX;
  for (const s of byPriority) {
    const w = widths[s.key] ?? 0;
    if (used + w > avail) break;
    used += w;
    shown.add(s.key);
  }
  return shown;
}

/**
 * The account figures of the top bar. Each shows in full or not at all: the bar measures what it has
 * room for and the figures that do not fit (least important first: fees, reserved cash, realized,
 * cash…) move into a "more" menu, rather than squeezing into each other as they did at 1280 px.
 */
export function AccountStats(): ReactNode {
  const session = useStore((s) => s.session);
  const account = useStore((s) => s.account);
  const cur = account?.currency ?? session?.currency ?? '';
  const day = account ? account.equity - account.initialCash : null;
  const specs: StatSpec[] = [
    { key: 'cash', label: `Cash ${cur}`, value: fmtMoney(account?.cash), priority: 5 },
    { key: 'reserved', label: 'Reserved', value: fmtMoney(account?.reservedCash), priority: 6 },
    { key: 'equity', label: `Equity ${cur}`, value: fmtMoney(account?.equity), priority: 1 },
    { key: 'total', label: 'Total P&L', value: fmtSigned(day), cls: pnlClass(day), priority: 2 },
    { key: 'realized', label: 'Realized', value: fmtSigned(account?.realizedPnl), cls: pnlClass(account?.realizedPnl), priority: 4 },
    { key: 'unrealized', label: 'Unrealized', value: fmtSigned(account?.unrealizedPnl), cls: pnlClass(account?.unrealizedPnl), priority: 3 },
    { key: 'fees', label: 'Fees', value: fmtMoney(account?.fees), priority: 7 },
  ];

  const boxRef = useRef<HTMLDivElement | null>(null);
  const measureRef = useRef<HTMLDivElement | null>(null);
  const [avail, setAvail] = useState<number | null>(null);
  const [widths, setWidths] = useState<Record<string, number>>({});
  // While the popover is open, which figures sit in the bar and which in the popover is pinned to
  // what it was when the operator opened it: a P&L that changes length as marks move would otherwise
  // move a figure from the popover to the bar (or back) under the operator's eyes. A resize unpins
  // (closes) it, since the pinned split may no longer fit.
  const [pinned, setPinned] = useState<Set<string> | null>(null);
  const open = pinned !== null;

  useLayoutEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    let last = -1;
    const measure = (): void => {
      if (el.clientWidth === last) return;
      last = el.clientWidth;
      setAvail(last);
      setPinned(null);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  // Natural widths from an invisible copy of every figure: only when a value's text changed length
  // would a width change, so compare before setting (no render loop).
  const sig = specs.map((s) => `${s.label}${s.value}`).join('|');
  useLayoutEffect(() => {
    const m = measureRef.current;
    if (!m) return;
    const next: Record<string, number> = {};
    for (const el of m.querySelectorAll<HTMLElement>('[data-stat]')) next[el.dataset.stat ?? ''] = Math.ceil(el.getBoundingClientRect().width);
    setWidths((cur) => (Object.keys(next).every((k) => cur[k] === next[k]) ? cur : next));
  }, [sig]);

  const fitted = avail === null ? new Set(specs.map((s) => s.key)) : fitStats(specs, widths, avail);
  const shown = pinned ?? fitted;
  const rest = specs.filter((s) => !shown.has(s.key));
  const setOpen = (v: boolean): void => setPinned(v ? fitted : null);

  return (
    <div className="stats-box" ref={boxRef}>
      <div className="stats" aria-label="Account">
        {specs.filter((s) => shown.has(s.key)).map((s) => (
          <Stat key={s.key} s={s} />
        ))}
      </div>
      {rest.length > 0 && (
        <MoreFigures rest={rest} open={open} setOpen={setOpen} />
      )}
      {/* In a zero-size clipping box: the copy must not widen the page. */}
      <div className="stats-measure-box" aria-hidden="true">
        <div className="stats stats-measure" ref={measureRef}>
          {specs.map((s) => (
            <Stat key={s.key} s={s} />
          ))}
        </div>
      </div>
    </div>
  );
}

function MoreFigures({ rest, open, setOpen }: { rest: StatSpec[]; open: boolean; setOpen: (v: boolean) => void }): ReactNode {
  const ref = useRef<HTMLDivElement | null>(null);
  const descId = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown, true);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open]);
  // The name stays 'More figures' whatever is left out: specs and assistive tech find the Account
  // group by its exact name, and a button called 'More account figures…' matched it too.
  const hidden = rest.map((s) => s.label).join(', ');
  return (
    <div className="stats-more" ref={ref}>
      <button type="button" className="icon-btn stats-more-btn" aria-label="More figures" aria-describedby={descId} aria-haspopup="dialog" aria-expanded={open} title={`More figures: ${hidden}`} onClick={() => setOpen(!open)}>
        +{rest.length}
      </button>
      <span id={descId} className="sr-only">
        {hidden}
      </span>
      {open && (
        <div className="stats-pop" role="dialog" aria-label="More figures">
          <dl>
            {rest.map((s) => (
              <div key={s.key} className="stats-pop-row">
                <dt>{s.label}</dt>
                <dd className={`mono ${s.cls ?? ''}`}>{s.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}
