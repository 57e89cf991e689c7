import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { isTerminal } from '../../../../src/contract/index.ts';
import type { InstrumentDto, OrderDto, RiskFlagDto, TcaDto } from '../../../../src/contract/index.ts';
import { STYLE_LABEL, URGENCY_LABEL, fmtDuration, isWorkingParent, scheduledNow } from './exec.ts';
import { DASH, fmtMoney, fmtNum, fmtTime, isNum } from '../../shared/format.ts';
import { onBeforeFocus, registerFocus } from '../../shared/focus.ts';
import { Tabs } from '../../shared/Tabs.tsx';
import { orderTypeLong } from '../../shared/order-kind.ts';
import { orderStatusText } from '../../shared/order-status.ts';
import { useEngineNow } from '../../shared/time.ts';
import { call, childrenOf, errorText, findOrder, loadChildren, selectOrder, setSideTab, useStore } from '../../state/index.ts';
import { PositionsGrid, PositionsTotals } from './Positions.tsx';
import { severityRank } from '../../shared/risk-format.ts';

const TCA_POLL_MS = 2000;

type TcaState = { id: string; tca: TcaDto } | { id: string; error: string } | null;

/** Live TCA of a working parent (polled), the final one from the `tca` event, or fetched once. */
function useTca(o: OrderDto | undefined): TcaState {
  const id = o && o.execution && !o.parentId ? o.id : null;
  const working = o ? isWorkingParent(o) : false;
  const final = useStore((s) => (id ? s.tca[id] : undefined));
  const epoch = useStore((s) => s.epoch);
  const [state, setState] = useState<TcaState>(null);
  useEffect(() => {
    if (!id || final) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      call('orders.tca', { orderId: id })
        .then((tca) => {
          if (live) setState({ id, tca });
        })
        .catch((err: unknown) => {
          if (!live) return;
          const e = errorText(err);
          setState({ id, error: `${e.code}: ${e.message}` });
        })
        .finally(() => {
          if (live && working) timer = setTimeout(load, TCA_POLL_MS);
        });
    };
    load();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [id, working, final, epoch]);
  if (!id) return null;
  if (final) return { id, tca: final };
  return state && state.id === id ? state : null;
}

function Field({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }): ReactNode {
  return (
    <div className={wide ? 'wide' : undefined}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** bps with sign; positive is a cost (red), negative a gain (green). */
function Bps({ v }: { v: number | null | undefined }): ReactNode {
  if (!isNum(v)) return <span className="muted">{DASH}</span>;
  const cls = v > 0.005 ? 'neg' : v < -0.005 ? 'pos' : '';
  return <span className={`mono ${cls}`}>{`${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v).toFixed(2)}`} bps</span>;
}

function pct(v: number | null | undefined, d = 1): string {
  return isNum(v) ? `${(v * 100).toFixed(d)}%` : DASH;
}

function TcaView({ t, inst, working }: { t: TcaDto; inst: InstrumentDto | undefined; working: boolean }): ReactNode {
  const pd = inst?.priceDecimals;
  const qd = inst?.qtyDecimals;
  const parts: [string, number][] = [
    ['Delay', t.delayBps],
    ['Impact', t.impactBps],
    ['Timing', t.timingBps],
    ['Opportunity', t.opportunityBps],
    ['Fees', t.feesBps],
  ];
  const scale = Math.max(1, ...parts.map(([, v]) => (isNum(v) ? Math.abs(v) : 0)), isNum(t.shortfallBps) ? Math.abs(t.shortfallBps) : 0);
  return (
    <section className="tca" aria-label="Transaction cost analysis">
      <h3 className="detail-sub">
        TCA <span className={`tca-kind ${t.final ? 'final' : 'live'}`}>{t.final ? 'final' : working ? 'live' : 'so far'}</span>
        <span className="muted tca-note">vs decision price · positive = cost</span>
      </h3>
      <div className="tca-grid">
        <div className="tca-headline">
          <span className="tca-big-wrap">
            <span className="muted">Implementation shortfall</span>
            <span className="tca-big">
              <Bps v={t.shortfallBps} />
            </span>
          </span>
          <span className="tca-big-wrap">
            <span className="muted">Slippage vs interval VWAP</span>
            <span className="tca-mid">
              <Bps v={t.slippageVsVwapBps} />
            </span>
          </span>
        </div>
        <table className="tca-parts" aria-label="Shortfall breakdown">
          <tbody>
            {parts.map(([name, v]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="tca-bar-cell" aria-hidden="true">
                  <span className="tca-axis" />
                  {isNum(v) && v !== 0 && (
                    <span
                      className={`tca-bar ${v > 0 ? 'cost' : 'gain'}`}
                      style={v > 0 ? { left: '50%', width: `${(Math.abs(v) / scale) * 50}%` } : { right: '50%', width: `${(Math.abs(v) / scale) * 50}%` }}
                    />
                  )}
                </td>
                <td className="num">
                  <Bps v={v} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="detail-fields tca-fields">
        <Field label="Decision price">{fmtNum(t.decisionPrice, pd)}</Field>
        <Field label="Arrival price">{fmtNum(t.arrivalPrice, pd)}</Field>
        <Field label="Avg fill price">{fmtNum(t.avgFillPrice, pd)}</Field>
        <Field label={t.final ? 'End price' : 'Mid now'}>{fmtNum(t.endPrice, pd)}</Field>
        <Field label="Interval VWAP">{fmtNum(t.intervalVwap, pd)}</Field>
        <Field label="Fill rate">{pct(t.fillRate)}</Field>
        <Field label="Participation">{pct(t.participation)}</Field>
        <Field label="Market volume">{fmtNum(t.marketVolume, qd)}</Field>
        <Field label="Duration">{isNum(t.durationMs) ? fmtDuration(t.durationMs / 1000) : DASH}</Field>
        <Field label="Pre-trade estimate">{isNum(t.estimatedBps) ? <Bps v={t.estimatedBps} /> : DASH}</Field>
      </dl>
    </section>
  );
}

function Detail({ o, inst }: { o: OrderDto; inst: InstrumentDto | undefined }): ReactNode {
  const pd = inst?.priceDecimals;
  const qd = inst?.qtyDecimals;
  const ex = o.execution;
  const working = isWorkingParent(o);
  const tca = useTca(o);
  const now = useEngineNow(1000, working);
  // The children come from the engine (orders.children), not from the events this page happened to
  // see since it loaded: refetched when the parent is shown and whenever its child count changes.
  const childCount = ex?.childCount ?? 0;
  const epoch = useStore((s) => s.epoch);
  useEffect(() => {
    if (ex) void loadChildren(o.id);
  }, [o.id, childCount, ex !== null, epoch]);
  const known = ex ? childrenOf(o.id) : [];
  const childFilled = known.filter((c) => c.status === 'FILLED').length;
  const sched = scheduledNow(o, now);
  const filledPct = o.qty > 0 ? (o.filledQty / o.qty) * 100 : 0;
  return (
    <>
      <div className="detail-head">
        <span className="mono detail-id">{o.id}</span>
        <span className={`side side-${o.side}`}>{o.side === 'buy' ? 'BUY' : 'SELL'}</span>
        <span className="mono">
          {fmtNum(o.qty, qd)} {o.symbol}
        </span>
        {ex ? <span className="algo-tag">{STYLE_LABEL[ex.algo] ?? ex.algo}</span> : <span className="muted">{o.parentId ? 'child' : 'direct'}</span>}
        {/* The same display status as the blotter's (WORKING, WAITING FOR TRIGGER), not the engine's PENDING. */}
        <span className={`status st-${o.status}`} title={o.status} data-testid="detail-status">
          {orderStatusText(o)}
        </span>
        {ex?.paused && !isTerminal(o.status) && <span className="status st-PAUSED">PAUSED</span>}
      </div>
      {o.reason && (
        <div className="detail-reason reason">
          <strong>{o.reason.code}</strong> {o.reason.message}
        </div>
      )}
      <dl className="detail-fields">
        <Field label="Filled" wide>
          <span className="mono">
            {fmtNum(o.filledQty, qd)} / {fmtNum(o.qty, qd)}
          </span>{' '}
          <span className="muted">({filledPct.toFixed(filledPct > 0 && filledPct < 100 ? 1 : 0)}%)</span>
        </Field>
        <Field label="Avg price">
          <span className="mono">{fmtNum(o.avgPrice, pd)}</span>
        </Field>
        {o.trigger?.stopPrice != null && (
          <Field label={o.trigger.kind === 'trailing-stop' ? 'Stop (trailing)' : 'Stop price'}>
            <span className="mono">{fmtNum(o.trigger.stopPrice, pd)}</span>{' '}
            <span className="muted">{o.trigger.triggeredAt !== null ? `triggered ${fmtTime(o.trigger.triggeredAt)}` : `on ${o.trigger.by === 'bid-ask' ? 'bid/ask' : 'last'}`}</span>
          </Field>
        )}
        <Field label={ex ? 'Price cap' : o.trigger?.stopPrice != null ? 'Limit price' : 'Price'}>
          <span className="mono">{o.price !== null ? fmtNum(o.price, pd) : ex ? 'none' : 'market'}</span>
        </Field>
        <Field label="Fees">
          <span className="mono">{fmtMoney(o.fees, 4)}</span>
        </Field>
        <Field label="Urgency">{URGENCY_LABEL[o.urgency] ?? o.urgency}</Field>
        {!ex && (
          <Field label="Type">
            {orderTypeLong(o)} {o.tif.toUpperCase()}
          </Field>
        )}
        <Field label="Created">
          <span className="mono">{fmtTime(o.createdAt)}</span>
        </Field>
        <Field label="Updated">
          <span className="mono" title={new Date(o.updatedAt).toString()} data-testid="detail-updated">
            {fmtTime(o.updatedAt)}
          </span>
        </Field>
        {o.parentId && (
          <Field label="Parent">
            <button type="button" className="link-btn mono" onClick={() => selectOrder(o.parentId)}>
              {o.parentId}
            </button>
          </Field>
        )}
        {!ex && (
          <Field label="Venue id">
            <span className="mono">{o.venueOrderId ?? DASH}</span>
          </Field>
        )}
        {ex && (
          <>
            <Field label="Window" wide>
              <span className="mono">
                {fmtTime(ex.startAt)} → {fmtTime(ex.endAt)}
              </span>{' '}
              <span className="muted">({fmtDuration((ex.endAt - ex.startAt) / 1000)})</span>
            </Field>
            {isNum(ex.params.slices) && <Field label="Slices">{ex.params.slices}</Field>}
            {isNum(ex.params.jitterPct) && <Field label="Jitter">{pct(ex.params.jitterPct, 0)}</Field>}
            {isNum(ex.params.participation) && <Field label="Participation">{pct(ex.params.participation)}</Field>}
            {isNum(ex.params.displayQty) && <Field label="Display qty">{fmtNum(ex.params.displayQty, qd)}</Field>}
            {isNum(ex.params.minChildQty) && <Field label="Min child">{fmtNum(ex.params.minChildQty, qd)}</Field>}
            {isNum(ex.params.maxChildQty) && <Field label="Max child">{fmtNum(ex.params.maxChildQty, qd)}</Field>}
            <Field label="Children">
              <span className="mono" data-testid="child-count">
                {ex.childCount}
              </span>
              {known.length > 0 && (
                <span className="muted">
                  {' '}
                  ({childFilled} filled{known.length < ex.childCount ? `, ${known.length} loaded` : ''})
                </span>
              )}
            </Field>
            <Field label="Working">
              <span className="mono">{fmtNum(ex.workingQty, qd)}</span>
            </Field>
            {sched !== null && (
              <Field label="Scheduled by now">
                <span className="mono">{fmtNum(sched, qd)}</span>
              </Field>
            )}
          </>
        )}
      </dl>
      {ex &&
        (tca && 'tca' in tca ? (
          <TcaView t={tca.tca} inst={inst} working={working} />
        ) : tca && 'error' in tca ? (
          <div className="muted detail-note">TCA unavailable: {tca.error}</div>
        ) : (
          <div className="muted detail-note">Loading TCA…</div>
        ))}
    </>
  );
}

export function OrderDetail(): ReactNode {
  const id = useStore((s) => s.selectedOrder);
  useStore((s) => s.ordersRev);
  const instruments = useStore((s) => s.instruments);
  const o = id ? findOrder(id) : undefined;
  return (
    <section className="detail" role="region" aria-label="Order detail" tabIndex={-1} ref={(el) => registerFocus('detail', el)}>
      {o ? (
        <Detail o={o} inst={instruments[o.symbol]} />
      ) : (
        <div className="empty">{id ? `Order ${id} is not loaded.` : 'Select an order in the blotter to see its detail and execution quality.'}</div>
      )}
    </section>
  );
}

/**
 * Bottom-right of the trading screen: Positions, the detail of the order selected in the blotter, and
 * the compact Risk panel. The risk view belongs to the risk feature, so the shell hands it in.
 */
export function SidePanel({ risk }: { risk: (visible: boolean) => ReactNode }): ReactNode {
  const tab = useStore((s) => s.sideTab);
  useEffect(() => {
    const a = onBeforeFocus('positions', () => flushSync(() => setSideTab('positions')));
    const b = onBeforeFocus('detail', () => flushSync(() => setSideTab('detail')));
    const c = onBeforeFocus('risk', () => flushSync(() => setSideTab('risk')));
    return () => {
      a();
      b();
      c();
    };
  }, []);
  const flags = useStore((s) => s.riskFlags);
  const mode = useStore((s) => s.tradingState?.mode ?? null);
  const worst = flags.reduce<RiskFlagDto['severity'] | null>((w, f) => (w === null || severityRank(f.severity) > severityRank(w) ? f.severity : w), null);
  const riskLabel = (
    <>
      Risk
      {mode && mode !== 'ACTIVE' && <span className={`tab-mode tab-mode-${mode}`}>{mode}</span>}
      {flags.length > 0 && (
        <span className={`count sev-count sev-count-${worst ?? 'info'}`} aria-label={`${flags.length} flag${flags.length === 1 ? '' : 's'}`}>
          {flags.length}
        </span>
      )}
    </>
  );
  return (
    <section className="panel side-panel" aria-label="Positions panel">
      <header className="panel-head">
        <Tabs
          label="Positions and order detail"
          active={tab}
          onSelect={setSideTab}
          tabs={[
            { id: 'positions', label: 'Positions' },
            { id: 'detail', label: 'Order detail' },
            { id: 'risk', label: riskLabel, title: 'Risk: trading state, limits, flags, VaR (Alt+R; full screen: Ctrl+2)' },
          ]}
        />
      </header>
      {/* The totals sit under the grid, not beside the tabs: there they were cut at 1280 px. */}
      <div className="panel-body positions-body" id="tabpanel-positions" role="tabpanel" aria-labelledby="tab-positions" hidden={tab !== 'positions'}>
        <div className="positions-grid-box">
          <PositionsGrid />
        </div>
        <PositionsTotals />
      </div>
      <div className="panel-body scroll" id="tabpanel-detail" role="tabpanel" aria-labelledby="tab-detail" hidden={tab !== 'detail'}>
        <OrderDetail />
      </div>
      <div className="panel-body scroll" id="tabpanel-risk" role="tabpanel" aria-labelledby="tab-risk" hidden={tab !== 'risk'}>
        {risk(tab === 'risk')}
      </div>
    </section>
  );
}
