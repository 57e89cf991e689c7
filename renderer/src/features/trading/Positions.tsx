import { useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { InstrumentDto, PositionDto, RiskFlagDto } from '../../../../src/contract/index.ts';
import { fmtMoney, fmtNum, fmtQty, fmtSigned, pnlClass } from '../../shared/format.ts';
import { registerFocus } from '../../shared/focus.ts';
import { selectSymbol, useStore } from '../../state/index.ts';
import { FlagMarker, useFlagsBySymbol } from './Blotter.tsx';
import { PositionsWidthContext } from './panel-fit.ts';
import { VirtualGrid } from '../../shared/VirtualGrid.tsx';
import type { Column } from '../../shared/VirtualGrid.tsx';

function columns(inst: Record<string, InstrumentDto>, flags: Record<string, RiskFlagDto[]>): Column<PositionDto>[] {
  const pd = (s: string): number | undefined => inst[s]?.priceDecimals;
  return [
    {
      key: 'symbol',
      header: 'Symbol',
      width: 'minmax(56px, 1fr)',
      priority: 1,
      required: true,
      render: (p) => (
        <span className="sym-cell">
          <strong className="sym-text">{p.symbol}</strong>
          <FlagMarker symbol={p.symbol} flags={flags[p.symbol]} />
        </span>
      ),
    },
    {
      key: 'qty',
      header: 'Qty',
      width: 'minmax(40px, 1fr)',
      priority: 1,
      align: 'right',
      render: (p) => fmtQty(p.qty, inst[p.symbol]),
      className: (p) => (p.qty > 0 ? 'long' : p.qty < 0 ? 'short' : 'muted'),
    },
    {
      key: 'avg',
      header: 'Avg price',
      width: 'minmax(56px, 1fr)',
      priority: 1,
      align: 'right',
      render: (p) => fmtNum(p.avgPrice, pd(p.symbol)),
      title: (p) => `Cost basis ${fmtMoney(p.costBasis)} · market value ${fmtMoney(p.marketValue)} · fees ${fmtMoney(p.fees, 4)}`,
    },
    { key: 'mark', header: 'Mark', width: 'minmax(56px, 1fr)', priority: 1, align: 'right', render: (p) => fmtNum(p.markPrice, pd(p.symbol)) },
    {
      key: 'realized',
      header: 'Realized',
      width: 'minmax(52px, 1fr)',
      priority: 1,
      align: 'right',
      render: (p) => fmtSigned(p.realizedPnl),
      className: (p) => pnlClass(p.realizedPnl),
    },
    {
      key: 'unrealized',
      header: 'Unrealized',
      width: 'minmax(60px, 1fr)',
      priority: 1,
      align: 'right',
      render: (p) => fmtSigned(p.unrealizedPnl),
      className: (p) => pnlClass(p.unrealizedPnl),
    },
  ];
}

function usePositionRows(): PositionDto[] {
  const positions = useStore((s) => s.positions);
  // Open positions first, then flat ones that still carry realized P&L.
  return useMemo(
    () =>
      Object.values(positions)
        .filter((p) => p.qty !== 0 || p.realizedPnl !== 0 || p.fees !== 0)
        .sort((a, b) => Number(b.qty !== 0) - Number(a.qty !== 0) || a.symbol.localeCompare(b.symbol)),
    [positions],
  );
}

/** Realized and unrealized P&L over all positions, a line under the Positions grid. */
export function PositionsTotals(): ReactNode {
  const rows = usePositionRows();
  const currency = useStore((s) => s.session?.currency ?? '');
  const totals = useMemo(() => {
    let u = 0;
    let r = 0;
    for (const p of rows) {
      u += Number.isFinite(p.unrealizedPnl) ? p.unrealizedPnl : 0;
      r += Number.isFinite(p.realizedPnl) ? p.realizedPnl : 0;
    }
    return { u, r };
  }, [rows]);
  return (
    <div className="positions-totals totals" role="status" aria-label="Positions totals">
      <span>Total {currency}</span>
      <span title="Realized P&L is net of fees">
        Realized <b className={pnlClass(totals.r)}>{fmtSigned(totals.r)}</b>
      </span>
      <span>
        Unrealized <b className={pnlClass(totals.u)}>{fmtSigned(totals.u)}</b>
      </span>
    </div>
  );
}

export function PositionsGrid(): ReactNode {
  const rows = usePositionRows();
  const inst = useStore((s) => s.instruments);
  const [selected, setSelected] = useState<string | null>(null);
  const flags = useFlagsBySymbol();
  const cols = useMemo(() => columns(inst, flags), [inst, flags]);
  const index = useMemo(() => new Map(rows.map((p, i) => [p.symbol, i])), [rows]);
  // Marks move the numbers (and their widths): a new revision whenever the rows do.
  const revRef = useRef(0);
  const rev = useMemo(() => ++revRef.current, [rows]);
  const tellWidth = useContext(PositionsWidthContext);
  return (
    <VirtualGrid<PositionDto>
      label="Positions"
      className="positions-grid"
      gridId="trading.positions"
      columns={cols}
      rowCount={rows.length}
      rowAt={(i) => rows[i]}
      rowKey={(p) => p.symbol}
      indexOf={(k) => index.get(k) ?? -1}
      rev={rev}
      selectedKey={selected}
      onSelect={(k) => {
        setSelected(k);
        if (k) selectSymbol(k);
      }}
      rowClassName={(p) => (p.qty === 0 ? 'done' : undefined)}
      emptyText="No positions"
      gridRef={(el) => registerFocus('positions', el)}
      onWantWidth={tellWidth ?? undefined}
    />
  );
}
