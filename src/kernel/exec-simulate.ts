import { EMPTY_LIMIT_BOOK } from '../risk/limits.ts';
import type { ExecutionStyle, FillDto, OrderDto, Side, TcaDto } from '../contract/dto.ts';
import { SimClock, SimClockDriver } from '../core/clock.ts';
import { isTerminal } from '../contract/dto.ts';
import type { TradeRow } from '../marketdata/csv.ts';
import { inferTapeInstrument } from '../marketdata/tape-instrument.ts';
import { computeTca } from '../execution/tca.ts';
import { createEngine } from './engine.ts';

/**
 * `strata exec simulate`: one parent order against a recorded tape, through the same OMS,
 * algorithms and simulated venue as live trading, on a simulated clock. Reproducible for a seed.
 */
const WARM_UP_MS = 30 * 60_000;

export interface SimulateOptions {
  rows: readonly TradeRow[];
  symbol: string;
  side: Side;
  qty: string;
  algo: ExecutionStyle;
  /** Epoch ms when the order is placed; default one hour into the tape. */
  startAt?: number;
  durationSec?: number;
  participation?: number;
  displayQty?: string;
  limit?: string;
  seed?: number;
}

export interface SimulateResult {
  order: OrderDto;
  children: OrderDto[];
  fills: FillDto[];
  tca: TcaDto;
  /** From arrival to the last fill (or to the end of the run if not complete), ms. */
  completionMs: number | null;
  complete: boolean;
  tape: { from: number; to: number; trades: number };
}

export async function simulateExecution(o: SimulateOptions): Promise<SimulateResult> {
  if (o.rows.length === 0) throw new Error('the tape has no trades');
  const first = o.rows[0]!.timestampMs;
  const last = o.rows[o.rows.length - 1]!.timestampMs;
  const startAt = o.startAt ?? first + 3_600_000;
  if (startAt < first || startAt >= last) throw new Error(`start ${new Date(startAt).toISOString()} is outside the tape (${new Date(first).toISOString()} .. ${new Date(last).toISOString()})`);
  const instrument = inferTapeInstrument(o.symbol, o.rows);
  // The venue positions the tape at the clock's first step: half an hour of tape before the
  // order is enough for the recent-volume estimates routing uses, and skips replaying the rest.
  const clock = new SimClock(Math.max(first - 1_000, startAt - WARM_UP_MS));
  const driver = new SimClockDriver(clock);
  // A backtest in memory: no data directory, nothing written anywhere.
  const engine = createEngine({
    mode: 'backtest',
    durability: 'memory',
    clock,
    seed: o.seed ?? 42,
    idPrefix: 'SIM',
    warmUpMinutes: 0,
    venueLatencyMs: 4,
    market: { kind: 'tape', instrument, trades: o.rows },
    // A simulation measures execution, not the account: cash and limits never bind.
    initialCash: '1000000000',
    risk: { limits: EMPTY_LIMIT_BOOK },
    // The PMS watches an account the simulation does not have: a slow cycle keeps it out of the figures.
    pms: { intervalMs: 300_000 },
    // One order's execution: no signal cycle, no proposals.
    l2: { cycleEveryMs: 0 },
    log: () => undefined,
  });
  try {
    await engine.start();
    const h = engine.handlers;
    driver.runToEnd(startAt);
    const snap = await h['market.snapshot']({ symbol: o.symbol });
    const bid = snap.quote.bid;
    const ask = snap.quote.ask;
    const mid = bid !== null && ask !== null ? (bid + ask) / 2 : snap.quote.last;
    const algoParams: Record<string, number | string> = {};
    if (o.durationSec !== undefined) algoParams.durationSec = o.durationSec;
    if (o.participation !== undefined) algoParams.participation = o.participation;
    if (o.displayQty !== undefined) algoParams.displayQty = o.displayQty;
    const direct = o.algo === 'market' || o.algo === 'limit';
    const order = await h['orders.place']({
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      type: o.algo === 'limit' ? 'limit' : 'market',
      tif: 'gtc',
      source: 'api',
      urgency: direct ? 'immediate' : 'medium',
      algo: o.algo,
      ...(o.limit !== undefined ? { price: o.limit } : {}),
      ...(direct ? {} : { algoParams }),
    });
    if (order.status === 'DENIED') throw new Error(`order denied: ${order.reason?.code} ${order.reason?.message}`);
    // Run until the order ends or the tape does, checking every simulated 5 s.
    let current = order;
    while (clock.now() < last + 60_000) {
      driver.runToEnd(clock.now() + 5_000);
      current = await h['orders.get']({ orderId: order.id });
      if (isTerminal(current.status)) break;
    }
    if (!isTerminal(current.status)) {
      await h['orders.cancel']({ orderId: order.id });
      driver.runToEnd(clock.now() + 5_000);
      current = await h['orders.get']({ orderId: order.id });
    }
    const children = direct ? [] : await h['orders.children']({ orderId: order.id });
    const ids = new Set([order.id, ...children.map((c) => c.id)]);
    const fills = (await h['fills.list']({ limit: 10_000 })).filter((f) => ids.has(f.orderId)).reverse();
    let tca: TcaDto;
    if (direct) {
      // Direct orders have no parent record: the same TCA, computed from their fills here.
      const endSnap = await h['market.snapshot']({ symbol: o.symbol });
      const eb = endSnap.quote.bid;
      const ea = endSnap.quote.ask;
      tca = computeTca({
        orderId: order.id,
        symbol: o.symbol,
        side: o.side,
        algo: o.algo,
        qty: current.qty,
        decisionPrice: mid,
        arrivalPrice: mid,
        arrivalTs: order.createdAt,
        endPrice: eb !== null && ea !== null ? (eb + ea) / 2 : endSnap.quote.last,
        endTs: clock.now(),
        fills: fills.map((f) => ({ price: f.price, qty: f.qty, fee: f.fee, mid: null, ts: f.ts })),
        marketVolume: 0,
        marketNotional: 0,
        final: true,
      });
    } else {
      tca = await h['orders.tca']({ orderId: order.id });
    }
    const lastFill = fills.length > 0 ? Math.max(...fills.map((f) => f.ts)) : null;
    return {
      order: current,
      children,
      fills,
      tca,
      completionMs: lastFill !== null ? lastFill - order.createdAt : null,
      complete: current.status === 'FILLED',
      tape: { from: first, to: last, trades: o.rows.length },
    };
  } finally {
    await engine.stop();
  }
}
