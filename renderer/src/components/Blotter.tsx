import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { isTerminal } from '../../../src/contract/index.ts';
import type { FillDto, InstrumentDto, OrderDto } from '../../../src/contract/index.ts';
import { fmtMoney, fmtNum, fmtTime } from '../format.ts';
import { onBeforeFocus, registerFocus } from '../focus.ts';
import { cancelAll, cancelOrder, fills, orders, useStore } from '../store.ts';
import { VirtualGrid } from './VirtualGrid.tsx';
import type { Column } from './VirtualGrid.tsx';

type Tab = 'orders' | 'fills';

function useInstruments(): Record<string, InstrumentDto> {
  return useStore((s) => s.instruments);
}

const pd = (inst: Record<string, InstrumentDto>, sym: string): number | undefined => inst[sym]?.priceDecimals;
const qd = (inst: Record<string, InstrumentDto>, sym: string): number | undefined => inst[sym]?.qtyDecimals;

function SideCell({ side }: { side: string }): ReactNode {
  return <span className={`side side-${side}`}>{side === 'buy' ? 'BUY' : side === 'sell' ? 'SELL' : side}</span>;
}

function orderColumns(inst: Record<string, InstrumentDto>): Column<OrderDto>[] {
  return [
    { key: 'time', header: 'Time', width: '64px', render: (o) => fmtTime(o.createdAt), title: (o) => new Date(o.createdAt).toString() },
    { key: 'id', header: 'ID', width: 'minmax(112px, 0.6fr)', render: (o) => <span className="mono">{o.id}</span>, title: (o) => o.id },
    { key: 'symbol', header: 'Symbol', width: 'minmax(74px, 0.6fr)', render: (o) => o.symbol },
    { key: 'side', header: 'Side', width: '44px', render: (o) => <SideCell side={o.side} /> },
    {
      key: 'type',
      header: 'Type',
      width: '52px',
      render: (o) => (
        <span className="muted">
          {o.type === 'limit' ? 'LMT' : 'MKT'}
          {o.tif === 'ioc' ? ' IOC' : ''}
        </span>
      ),
      title: (o) => `${o.type} ${o.tif.toUpperCase()}${o.source === 'api' ? ' · via API' : ''}`,
    },
    { key: 'qty', header: 'Qty', width: 'minmax(66px, 0.6fr)', align: 'right', render: (o) => fmtNum(o.qty, qd(inst, o.symbol)) },
    { key: 'filled', header: 'Filled', width: 'minmax(66px, 0.6fr)', align: 'right', render: (o) => fmtNum(o.filledQty, qd(inst, o.symbol)) },
    {
      key: 'price',
      header: 'Price',
      width: 'minmax(78px, 0.7fr)',
      align: 'right',
      render: (o) => (o.type === 'market' ? <span className="muted">MKT</span> : fmtNum(o.price, pd(inst, o.symbol))),
    },
    { key: 'avg', header: 'Avg price', width: 'minmax(78px, 0.7fr)', align: 'right', render: (o) => fmtNum(o.avgPrice, pd(inst, o.symbol)) },
    {
      key: 'status',
      header: 'Status',
      width: 'minmax(120px, 2fr)',
      render: (o) => (
        <>
          <span className={`status st-${o.status}`}>{o.status.replace('_', ' ')}</span>
          {o.cancelRequested && !isTerminal(o.status) && <span className="muted"> cancelling…</span>}
          {o.reason && (
            <span className="reason">
              {' '}
              <strong>{o.reason.code}</strong> {o.reason.message}
            </span>
          )}
        </>
      ),
      title: (o) => (o.reason ? `${o.reason.code}: ${o.reason.message}` : undefined),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      width: '28px',
      align: 'center',
      render: (o) =>
        isTerminal(o.status) ? null : (
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
        ),
    },
  ];
}

function fillColumns(inst: Record<string, InstrumentDto>, currency: string): Column<FillDto>[] {
  return [
    { key: 'time', header: 'Time', width: '96px', render: (f) => fmtTime(f.ts, true), title: (f) => new Date(f.ts).toString() },
    { key: 'id', header: 'Fill ID', width: 'minmax(80px, 0.8fr)', render: (f) => <span className="mono">{f.id}</span>, title: (f) => f.id },
    { key: 'order', header: 'Order ID', width: 'minmax(112px, 0.9fr)', render: (f) => <span className="mono">{f.orderId}</span> },
    { key: 'symbol', header: 'Symbol', width: 'minmax(76px, 0.7fr)', render: (f) => f.symbol },
    { key: 'side', header: 'Side', width: '48px', render: (f) => <SideCell side={f.side} /> },
    { key: 'qty', header: 'Qty', width: 'minmax(70px, 0.7fr)', align: 'right', render: (f) => fmtNum(f.qty, qd(inst, f.symbol)) },
    { key: 'price', header: 'Price', width: 'minmax(80px, 0.8fr)', align: 'right', render: (f) => fmtNum(f.price, pd(inst, f.symbol)) },
    { key: 'fee', header: `Fee (${currency})`, width: 'minmax(70px, 0.7fr)', align: 'right', render: (f) => fmtMoney(f.fee, 4) },
    {
      key: 'liq',
      header: 'Liquidity',
      width: '70px',
      render: (f) => <span className={`liq liq-${f.liquidity}`}>{f.liquidity === 'maker' ? 'Maker' : f.liquidity === 'taker' ? 'Taker' : f.liquidity}</span>,
    },
  ];
}

export function OrdersGrid({ openOnly }: { openOnly: boolean }): ReactNode {
  const rev = useStore((s) => s.ordersRev);
  const inst = useInstruments();
  const [selected, setSelected] = useState<string | null>(null);
  const columns = useMemo(() => orderColumns(inst), [inst]);

  // With "open only" the rows are a filtered copy (O(n) per change, only while the filter is on).
  const openRows = useMemo(() => (openOnly ? orders.filterNewest((o) => !isTerminal(o.status)) : null), [openOnly, rev]);
  const openIndex = useMemo(() => {
    if (!openRows) return null;
    const m = new Map<string, number>();
    openRows.forEach((o, i) => m.set(o.id, i));
    return m;
  }, [openRows]);

  const rowCount = openRows ? openRows.length : orders.size;
  const rowAt = (i: number): OrderDto | undefined => (openRows ? openRows[i] : orders.newest(i));
  const indexOf = (id: string): number => {
    if (openIndex) return openIndex.get(id) ?? -1;
    return orders.positionOf(id);
  };

  return (
    <VirtualGrid<OrderDto>
      label="Orders"
      columns={columns}
      rowCount={rowCount}
      rowAt={rowAt}
      rowKey={(o) => o.id}
      indexOf={indexOf}
      rev={rev}
      selectedKey={selected}
      onSelect={setSelected}
      onDeleteRow={(o) => {
        if (!isTerminal(o.status) && !o.cancelRequested) void cancelOrder(o.id);
      }}
      rowClassName={(o) => (isTerminal(o.status) ? 'done' : 'open')}
      emptyText={openOnly ? 'No open orders' : 'No orders yet — use the ticket (F2) to place one'}
      gridRef={(el) => registerFocus('orders', el)}
    />
  );
}

export function FillsGrid(): ReactNode {
  const rev = useStore((s) => s.fillsRev);
  const inst = useInstruments();
  const currency = useStore((s) => s.session?.currency ?? '');
  const [selected, setSelected] = useState<string | null>(null);
  const columns = useMemo(() => fillColumns(inst, currency), [inst, currency]);
  const indexOf = (id: string): number => fills.positionOf(id);
  return (
    <VirtualGrid<FillDto>
      label="Fills"
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
  const [tab, setTab] = useState<Tab>('orders');
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
        <div role="tablist" aria-label="Blotter views" className="tabs">
          <button
            type="button"
            role="tab"
            id="tab-orders"
            aria-selected={tab === 'orders'}
            aria-controls="tabpanel-orders"
            className={`tab ${tab === 'orders' ? 'active' : ''}`}
            onClick={() => setTab('orders')}
          >
            Orders <span className="count">{counts.open > 0 ? `${counts.open} open / ${counts.total}` : counts.total}</span>
          </button>
          <button
            type="button"
            role="tab"
            id="tab-fills"
            aria-selected={tab === 'fills'}
            aria-controls="tabpanel-fills"
            className={`tab ${tab === 'fills' ? 'active' : ''}`}
            onClick={() => setTab('fills')}
          >
            Fills <span className="count">{fillCount}</span>
          </button>
        </div>
        <div className="panel-tools">
          {tab === 'orders' && (
            <label className="check">
              <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> Open only
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
