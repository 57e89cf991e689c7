import { useContext, useEffect, useMemo, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { isTerminal } from '../../../../src/contract/index.ts';
import type { FillDto, InstrumentDto, OrderDto, RiskFlagDto } from '../../../../src/contract/index.ts';
import { STYLE_LABEL, fmtDuration, isWorkingParent, scheduledNow } from './exec.ts';
import { fmtMoney, fmtNum, fmtQty, fmtTime } from '../../shared/format.ts';
import { onBeforeFocus, registerFocus } from '../../shared/focus.ts';
import { orderChipText } from '../../shared/order-status.ts';
import { orderShownPrice, orderTypeLong, orderTypeShort } from '../../shared/order-kind.ts';
import { Tabs } from '../../shared/Tabs.tsx';
import { useEngineNow } from '../../shared/time.ts';
import { cancelAll, cancelOrder, childrenOf, fills, findOrder, orders, pauseOrder, resumeOrder, savedTab, selectOrder, setExpanded, setSavedTab, useStore } from '../../state/index.ts';
import { flagsBySymbol } from '../../shared/risk-format.ts';
import { VirtualGrid } from '../../shared/VirtualGrid.tsx';
import { BlotterKeepContext } from './panel-fit.ts';
import type { Column } from '../../shared/VirtualGrid.tsx';

type Tab = 'orders' | 'fills';

function useInstruments(): Record<string, InstrumentDto> {
  return useStore((s) => s.instruments);
}

const pd = (inst: Record<string, InstrumentDto>, sym: string): number | undefined => inst[sym]?.priceDecimals;

function SideCell({ side }: { side: string }): ReactNode {
  return <span className={`side side-${side}`}>{side === 'buy' ? 'BUY' : side === 'sell' ? 'SELL' : side}</span>;
}

/** A small severity marker for a symbol with active PMS flags; the codes are in its name and title. */
export function FlagMarker({ symbol, flags }: { symbol: string; flags: readonly RiskFlagDto[] | undefined }): ReactNode {
  const worst = flags?.[0];
  if (!flags || !worst) return null;
  const text = `Risk flag${flags.length === 1 ? '' : 's'} on ${symbol}: ${flags.map((f) => `${f.code} (${f.severity}, ${f.action.replace('_', ' ')}) ${f.message}`).join('; ')}`;
  return (
    <span className={`flag-mark sev-${worst.severity}`} role="img" aria-label={text} title={text}>
      {worst.severity === 'critical' ? '!!' : '!'}
    </span>
  );
}


function TypeCell({ o }: { o: OrderDto }): ReactNode {
  if (o.execution) return <span className="algo-tag small">{STYLE_LABEL[o.execution.algo] ?? o.execution.algo}</span>;
  return (
    <span className="muted">
      {orderTypeShort(o)}
      {o.tif === 'ioc' ? ' IOC' : ''}
    </span>
  );
}

/** A direct order's price: a held stop's stop price until it triggers, the limit price, or MKT. */
function DirectPrice({ o, decimals }: { o: OrderDto; decimals: number | undefined }): ReactNode {
  const shown = orderShownPrice(o);
  if (!shown) return <span className="muted">MKT</span>;
  return fmtNum(shown.price, decimals);
}

/** Filled share of a parent, what its children have working, and where the schedule is now. */
export function ProgressBar({ o, now }: { o: OrderDto; now: number }): ReactNode {
  const ex = o.execution;
  if (!ex) return null;
  const q = o.qty > 0 ? o.qty : 1;
  const pct = Math.max(0, Math.min(100, (o.filledQty / q) * 100));
  const work = Math.max(0, Math.min(100 - pct, (ex.workingQty / q) * 100));
  const sched = scheduledNow(o, now);
  const schedPct = sched !== null ? Math.max(0, Math.min(100, (sched / q) * 100)) : null;
  // Whole percent, rounded down: 100 means every lot is filled.
  const shown = o.filledQty >= o.qty ? 100 : Math.min(99, Math.floor(pct));
  // The engine says when a parent is behind (its own schedule and tolerance); the bar only shows it.
  const behind = ex.behindSchedule === true && isWorkingParent(o);
  const text = `${shown}% filled${work > 0 ? `, ${Math.round(work)}% working` : ''}${schedPct !== null ? `, schedule at ${Math.round(schedPct)}%` : ''}${ex.paused ? ', paused' : ''}${behind ? ', behind schedule' : ''}`;
  return (
    <div
      className={`prog ${ex.paused ? 'paused' : ''} ${behind ? 'behind' : ''} ${isWorkingParent(o) ? 'working' : 'ended'}`}
      role="progressbar"
      aria-label={`Progress of order ${o.id}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={shown}
      aria-valuetext={text}
      title={text}
    >
      <div className="prog-track">
        <div className="prog-fill" style={{ width: `${pct}%` }} />
        {work > 0 && <div className="prog-work" style={{ left: `${pct}%`, width: `${work}%` }} />}
        {schedPct !== null && <div className="prog-sched" data-testid="scheduled-marker" style={{ left: `${schedPct}%` }} />}
        <span className="prog-pct">{shown}%</span>
      </div>
    </div>
  );
}

/**
 * Declared widths are floors: the grid measures what each column's content and header need and
 * widens it to that, so a floor only has to hold an empty column. Low floors leave the room to
 * content: at 1600 px every column but Time and Reason fits beside a Positions panel sized for its
 * six columns, and at 1280 px the priority-1 columns do.
 */
function orderColumns(inst: Record<string, InstrumentDto>, now: number, expanded: Record<string, true>, flags: Record<string, RiskFlagDto[]>): Column<OrderDto>[] {
  return [
    // Time is on the row's title too: it is the first column to give way when room is short.
    { key: 'time', header: 'Time', width: '56px', priority: 5, render: (o) => fmtTime(o.createdAt), title: (o) => new Date(o.createdAt).toString() },
    {
      key: 'id',
      header: 'ID',
      width: 'minmax(96px, 0.4fr)',
      priority: 1,
      required: true,
      render: (o) => {
        if (o.parentId) {
          // Under its parent the child shows its suffix; the full id is in the text for search and AT.
          const suffix = o.id.startsWith(`${o.parentId}-`) ? o.id.slice(o.parentId.length + 1) : o.id;
          return (
            <span className="child-id">
              <span className="tree-line" aria-hidden="true">
                └
              </span>
              {suffix !== o.id && <span className="sr-only">{o.parentId}-</span>}
              <span className="mono">{suffix}</span>
            </span>
          );
        }
        if (!o.execution) return <span className="mono id-plain">{o.id}</span>;
        const open = Boolean(expanded[o.id]);
        return (
          <span className="parent-id">
            <button
              type="button"
              className={`expander ${open ? 'open' : ''}`}
              aria-expanded={open}
              aria-label={`Child orders of ${o.id}`}
              title={`${open ? 'Hide' : 'Show'} child orders (→ / ← / Enter)`}
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation();
                setExpanded(o.id, !open);
              }}
            >
              ▸
            </button>
            <span className="mono">{o.id}</span>
          </span>
        );
      },
      title: (o) => (o.execution ? `${o.id} · ${o.execution.childCount} child order${o.execution.childCount === 1 ? '' : 's'}` : o.id),
    },
    {
      key: 'symbol',
      header: 'Symbol',
      width: 'minmax(64px, 0.7fr)',
      priority: 1,
      required: true,
      render: (o) => (
        <span className="sym-cell">
          <span className="sym-text">{o.symbol}</span>
          <FlagMarker symbol={o.symbol} flags={flags[o.symbol]} />
        </span>
      ),
    },
    // A floor only: the grid widens it to "SELL" as measured.
    { key: 'side', header: 'Side', width: '34px', priority: 1, render: (o) => <SideCell side={o.side} /> },
    {
      key: 'type',
      header: 'Type',
      width: '40px',
      priority: 3,
      render: (o) => <TypeCell o={o} />,
      title: (o) =>
        o.execution
          ? `${STYLE_LABEL[o.execution.algo] ?? o.execution.algo} · ${o.urgency} urgency · ${fmtDuration((o.execution.endAt - o.execution.startAt) / 1000)}`
          : `${orderTypeLong(o).toLowerCase()} ${o.tif.toUpperCase()}${o.trigger && o.trigger.kind !== 'take-profit' ? ` · triggers on ${o.trigger.by === 'bid-ask' ? 'bid/ask' : 'last'}` : ''}${o.source === 'api' ? ' · via API' : ''}`,
    },
    // Quantity and filled are read on every order: they never give way for room (algo parents' wider
    // ID and Price columns squeezed them out at 1280 px); the layout keeps the blotter room for them.
    { key: 'qty', header: 'Qty', width: 'minmax(40px, 0.6fr)', priority: 1, align: 'right', render: (o) => fmtQty(o.qty, inst[o.symbol]) },
    { key: 'filled', header: 'Filled', width: 'minmax(40px, 0.6fr)', priority: 1, align: 'right', render: (o) => fmtQty(o.filledQty, inst[o.symbol]) },
    // An algo's progress against its schedule and the average fill price are what a trader watches.
    { key: 'progress', header: 'Progress', width: 'minmax(64px, 1.4fr)', priority: 2, render: (o) => <ProgressBar o={o} now={now} /> },
    {
      key: 'price',
      header: 'Price',
      width: 'minmax(44px, 0.7fr)',
      // A working order's price is what a trader reads first after its side and status: it stays
      // longer than Filled, Progress and Avg price when the blotter narrows.
      priority: 1,
      align: 'right',
      render: (o) =>
        o.execution ? (
          o.price !== null ? (
            <span title="Price cap">
              <span className="muted">{o.side === 'buy' ? '≤' : '≥'}</span>
              {fmtNum(o.price, pd(inst, o.symbol))}
            </span>
          ) : (
            <span className="muted">no cap</span>
          )
        ) : (
          <DirectPrice o={o} decimals={pd(inst, o.symbol)} />
        ),
      title: (o) => (o.trigger?.stopPrice != null ? `Stop ${fmtNum(o.trigger.stopPrice, pd(inst, o.symbol))}${o.price !== null ? ` · limit ${fmtNum(o.price, pd(inst, o.symbol))}` : ''}` : undefined),
    },
    { key: 'avg', header: 'Avg price', width: 'minmax(56px, 0.7fr)', priority: 2, align: 'right', render: (o) => fmtNum(o.avgPrice, pd(inst, o.symbol)) },
    {
      key: 'status',
      header: 'Status',
      width: 'minmax(80px, 0.5fr)',
      priority: 1,
      required: true,
      render: (o) => (
        <>
          {o.execution?.paused && !isTerminal(o.status) ? (
            // A paused parent says so first; how much is filled shows beside it.
            <span className="status st-PAUSED">PAUSED</span>
          ) : (
            <span className={`status st-${o.status}`}>{orderChipText(o)}</span>
          )}
          {o.cancelRequested && !isTerminal(o.status) && <span className="muted"> cancelling…</span>}
        </>
      ),
      // The engine's status, and the reason on hover even when the Reason column is hidden for room.
      title: (o) => `${o.status}${o.execution?.paused ? ' (paused)' : ''}${o.cancelRequested && !isTerminal(o.status) ? ' · cancel requested' : ''}${o.reason ? ` · ${o.reason.code}: ${o.reason.message}` : ''}`,
    },
    {
      // Why an order was denied, rejected or cancelled: the code in full, the message as room allows
      // (all of it in the title).
      key: 'reason',
      header: 'Reason',
      width: 'minmax(110px, 2fr)',
      // Wide enough for the code in full; the message takes what room is left.
      needCap: 190,
      priority: 5,
      className: () => 'reason-cell',
      render: (o) =>
        o.reason ? (
          <>
            <strong className="reason-code mono">{o.reason.code}</strong>
            <span className="reason-msg">{o.reason.message}</span>
          </>
        ) : null,
      title: (o) => (o.reason ? `${o.reason.code}: ${o.reason.message}` : undefined),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      width: '44px',
      priority: 1,
      required: true,
      align: 'center',
      render: (o) => {
        if (isTerminal(o.status) || o.parentId) return null;
        const paused = Boolean(o.execution?.paused);
        return (
          <span className="row-actions">
            {o.execution && (
              <button
                type="button"
                className={`icon-btn pause-btn ${paused ? 'resume' : ''}`}
                aria-label={`${paused ? 'Resume' : 'Pause'} order ${o.id}`}
                title={`${paused ? 'Resume' : 'Pause'} order ${o.id} (P)`}
                tabIndex={-1}
                disabled={o.cancelRequested}
                onClick={(e) => {
                  e.stopPropagation();
                  void (paused ? resumeOrder(o.id) : pauseOrder(o.id));
                }}
              >
                {paused ? '▶' : '❚❚'}
              </button>
            )}
            <button
              type="button"
              className="icon-btn cancel-btn"
              aria-label={`Cancel order ${o.id}`}
              title={`Cancel order ${o.id} (Delete)`}
              tabIndex={-1}
              disabled={o.cancelRequested}
              onClick={(e) => {
                e.stopPropagation();
                void cancelOrder(o.id);
              }}
            >
              ×
            </button>
          </span>
        );
      },
    },
  ];
}

function fillColumns(inst: Record<string, InstrumentDto>, currency: string, flags: Record<string, RiskFlagDto[]>): Column<FillDto>[] {
  return [
    { key: 'time', header: 'Time', width: '96px', priority: 2, render: (f) => fmtTime(f.ts, true), title: (f) => new Date(f.ts).toString() },
    { key: 'id', header: 'Fill ID', width: 'minmax(80px, 0.8fr)', priority: 6, render: (f) => <span className="mono">{f.id}</span>, title: (f) => f.id },
    { key: 'order', header: 'Order ID', width: 'minmax(112px, 0.9fr)', priority: 3, render: (f) => <span className="mono">{f.orderId}</span> },
    {
      key: 'symbol',
      header: 'Symbol',
      width: 'minmax(76px, 0.7fr)',
      priority: 1,
      required: true,
      render: (f) => (
        <span className="sym-cell">
          <span className="sym-text">{f.symbol}</span>
          <FlagMarker symbol={f.symbol} flags={flags[f.symbol]} />
        </span>
      ),
    },
    { key: 'side', header: 'Side', width: '48px', priority: 1, render: (f) => <SideCell side={f.side} /> },
    { key: 'qty', header: 'Qty', width: 'minmax(70px, 0.7fr)', priority: 1, align: 'right', render: (f) => fmtQty(f.qty, inst[f.symbol]) },
    { key: 'price', header: 'Price', width: 'minmax(80px, 0.8fr)', priority: 1, align: 'right', render: (f) => fmtNum(f.price, pd(inst, f.symbol)) },
    { key: 'fee', header: `Fee (${currency})`, width: 'minmax(70px, 0.7fr)', priority: 4, align: 'right', render: (f) => fmtMoney(f.fee, 4) },
    {
      key: 'liq',
      header: 'Liquidity',
      width: '70px',
      priority: 5,
      render: (f) => <span className={`liq liq-${f.liquidity}`}>{f.liquidity === 'maker' ? 'Maker' : f.liquidity === 'taker' ? 'Taker' : f.liquidity}</span>,
    },
  ];
}

export function useFlagsBySymbol(): Record<string, RiskFlagDto[]> {
  const flags = useStore((s) => s.riskFlags);
  return useMemo(() => flagsBySymbol(flags), [flags]);
}

interface Expansion {
  /** Newest-first position of the parent among the top-level rows. */
  pos: number;
  id: string;
  n: number;
}

export function OrdersGrid({ openOnly }: { openOnly: boolean }): ReactNode {
  const rev = useStore((s) => s.ordersRev);
  const openCount = useStore((s) => s.openOrders);
  const expanded = useStore((s) => s.expanded);
  const selected = useStore((s) => s.selectedOrder);
  const inst = useInstruments();
  // Schedule markers move with engine time while something is open.
  const now = useEngineNow(1000, openCount > 0);
  const flags = useFlagsBySymbol();
  const columns = useMemo(() => orderColumns(inst, now, expanded, flags), [inst, now, expanded, flags]);

  // With "open only" the rows are a filtered copy (O(n) per change, only while the filter is on).
  const openRows = useMemo(() => (openOnly ? orders.filterNewest((o) => !isTerminal(o.status)) : null), [openOnly, rev]);
  const openIndex = useMemo(() => {
    if (!openRows) return null;
    const m = new Map<string, number>();
    openRows.forEach((o, i) => m.set(o.id, i));
    return m;
  }, [openRows]);

  const baseCount = openRows ? openRows.length : orders.size;
  const baseAt = (i: number): OrderDto | undefined => (openRows ? openRows[i] : orders.newest(i));
  const basePos = (id: string): number => (openIndex ? (openIndex.get(id) ?? -1) : orders.positionOf(id));

  // Expanded parents, in row order, with how many child rows each adds (few: O(expanded) per lookup).
  const exps = useMemo(() => {
    const out: Expansion[] = [];
    for (const id of Object.keys(expanded)) {
      const pos = basePos(id);
      if (pos >= 0) out.push({ pos, id, n: childrenOf(id).length });
    }
    return out.sort((a, b) => a.pos - b.pos);
  }, [expanded, rev, openIndex]);
  const childRows = exps.reduce((a, e) => a + e.n, 0);

  const rowCount = baseCount + childRows;
  const rowAt = (i: number): OrderDto | undefined => {
    let offset = 0;
    for (const e of exps) {
      const parentRow = e.pos + offset;
      if (i <= parentRow) break;
      if (i <= parentRow + e.n) return childrenOf(e.id)[i - parentRow - 1];
      offset += e.n;
    }
    return baseAt(i - offset);
  };
  const indexOf = (id: string): number => {
    const child = findOrder(id);
    if (child?.parentId) {
      if (!expanded[child.parentId]) return -1;
      const p = indexOf(child.parentId);
      const k = childrenOf(child.parentId).findIndex((c) => c.id === id);
      return p < 0 || k < 0 ? -1 : p + 1 + k;
    }
    const pos = basePos(id);
    if (pos < 0) return -1;
    let offset = 0;
    for (const e of exps) if (e.pos < pos) offset += e.n;
    return pos + offset;
  };

  const onRowKey = (o: OrderDto, e: KeyboardEvent<HTMLDivElement>): boolean => {
    if (e.altKey || e.ctrlKey || e.metaKey) return false;
    const parent = o.execution !== null && !o.parentId;
    const open = Boolean(expanded[o.id]);
    switch (e.key) {
      case 'ArrowRight':
        if (!parent) return false;
        if (!open) setExpanded(o.id, true);
        else {
          const first = childrenOf(o.id)[0];
          if (first) selectOrder(first.id);
        }
        return true;
      case 'ArrowLeft':
        if (parent && open) {
          setExpanded(o.id, false);
          return true;
        }
        if (o.parentId) {
          selectOrder(o.parentId);
          return true;
        }
        return false;
      case 'Enter':
        if (!parent) return false;
        setExpanded(o.id, !open);
        return true;
      case 'p':
      case 'P':
        if (!parent || isTerminal(o.status) || o.cancelRequested) return false;
        void (o.execution?.paused ? resumeOrder(o.id) : pauseOrder(o.id));
        return true;
      default:
        return false;
    }
  };

  const tellKeep = useContext(BlotterKeepContext);
  return (
    <VirtualGrid<OrderDto>
      label="Orders"
      gridId="trading.orders"
      className="orders-grid"
      columns={columns}
      rowCount={rowCount}
      rowAt={rowAt}
      rowKey={(o) => o.id}
      indexOf={indexOf}
      rev={rev}
      selectedKey={selected}
      onSelect={(id) => selectOrder(id)}
      onDeleteRow={(o) => {
        // Children belong to their algorithm; Delete cancels top-level orders only.
        if (!o.parentId && !isTerminal(o.status) && !o.cancelRequested) void cancelOrder(o.id);
      }}
      onRowKey={onRowKey}
      rowAria={(o) => (o.parentId ? { level: 2 } : o.execution ? { expanded: Boolean(expanded[o.id]), level: 1 } : undefined)}
      rowClassName={(o) => `${isTerminal(o.status) ? 'done' : 'open'}${o.parentId ? ' child-row' : o.execution ? ' parent-row' : ''}`}
      emptyText={openOnly ? 'No open orders' : 'No orders yet — use the ticket (F2) to place one'}
      gridRef={(el) => registerFocus('orders', el)}
      onKeepWidth={tellKeep ?? undefined}
    />
  );
}

export function FillsGrid(): ReactNode {
  const rev = useStore((s) => s.fillsRev);
  const inst = useInstruments();
  const currency = useStore((s) => s.session?.currency ?? '');
  const [selected, setSelected] = useState<string | null>(null);
  const flags = useFlagsBySymbol();
  const columns = useMemo(() => fillColumns(inst, currency, flags), [inst, currency, flags]);
  const indexOf = (id: string): number => fills.positionOf(id);
  return (
    <VirtualGrid<FillDto>
      label="Fills"
      gridId="trading.fills"
      columns={columns}
      rowCount={fills.size}
      rowAt={(i) => fills.newest(i)}
      rowKey={(f) => f.id}
      indexOf={indexOf}
      rev={rev}
      selectedKey={selected}
      onSelect={setSelected}
      emptyText="No fills yet"
      gridRef={(el) => registerFocus('fills', el)}
    />
  );
}

export function Blotter(): ReactNode {
  // Re-render when the saved tab changes; savedTab reads it (or the operator's stored choice).
  useStore((s) => s.tabs['trading.blotter']);
  const tab = savedTab<Tab>('trading.blotter', ['orders', 'fills'], 'orders');
  const setTab = (t: Tab): void => setSavedTab('trading.blotter', t);
  const [openOnly, setOpenOnly] = useState(false);
  // Subscribing to the revisions re-renders the counts when the lists change.
  useStore((s) => s.ordersRev);
  useStore((s) => s.fillsRev);
  const counts = { open: useStore((s) => s.openOrders), total: orders.size };
  const fillCount = fills.size;

  useEffect(() => {
    const a = onBeforeFocus('orders', () => flushSync(() => setTab('orders')));
    const b = onBeforeFocus('fills', () => flushSync(() => setTab('fills')));
    return () => {
      a();
      b();
    };
  }, []);

  return (
    <section className="panel blotter" aria-label="Blotter">
      <header className="panel-head">
        <Tabs
          label="Blotter views"
          active={tab}
          onSelect={setTab}
          tabs={[
            { id: 'orders', label: <>Orders <span className="count">{counts.open > 0 ? `${counts.open} open / ${counts.total}` : counts.total}</span></> },
            { id: 'fills', label: <>Fills <span className="count">{fillCount}</span></> },
          ]}
        />
        <div className="panel-tools">
          {tab === 'orders' && (
            <label className="check" title="Open only: hide finished orders">
              <input type="checkbox" aria-label="Open only" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> <span className="check-text">Open only</span>
            </label>
          )}
          <button
            type="button"
            className="btn btn-danger-ghost"
            onClick={() => void cancelAll()}
            disabled={counts.open === 0}
            title="Cancel every open order"
          >
            Cancel all
          </button>
        </div>
      </header>
      <div className="panel-body" id="tabpanel-orders" role="tabpanel" aria-labelledby="tab-orders" hidden={tab !== 'orders'}>
        <OrdersGrid openOnly={openOnly} />
      </div>
      <div className="panel-body" id="tabpanel-fills" role="tabpanel" aria-labelledby="tab-fills" hidden={tab !== 'fills'}>
        <FillsGrid />
      </div>
    </section>
  );
}
