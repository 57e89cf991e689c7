import { randomBytes } from 'node:crypto';
import type { OrderType, Side, TimeInForce } from '../../contract/dto.ts';
import { CASH_DECIMALS } from '../../core/instrument.ts';
import type { Instrument } from '../../core/instrument.ts';
import { toDecimalString } from '../../core/precision.ts';
import { fixed8 } from './accounts.ts';
import type { LoopbackOrder, LoopbackTrade } from './accounts.ts';
import type { ApiError, LoopbackEngine } from './engine.ts';

/**
 * Binance spot's REST dialect over the loopback engine: the calls ccxt makes (see the notes in
 * shared/notes/ccxt-offline.md), their parameters and their answers' shapes. Weights are Binance's
 * request weights as ccxt's cost table states them (cost × 5), so ccxt's own estimate of a
 * request's weight is what the fake charges.
 */
export interface ApiRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  /** Set for signed endpoints once the signature checked out. */
  account?: string;
}

export type ApiAnswer = { status: number; body: unknown } | ApiError;

export interface Endpoint {
  signed: boolean;
  weight: (p: URLSearchParams) => number;
  handle: (req: ApiRequest, engine: LoopbackEngine, ctx: { serverTime: number }) => ApiAnswer;
}

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
const bad = (code: number, msg: string, status = 400): ApiError => ({ status, code, msg });

/** A table entry by a caller's key, own keys only (`?type=constructor` is not Object.prototype.constructor). */
export function own<T>(table: Readonly<Record<string, T>>, key: string | null): T | undefined {
  return key !== null && Object.hasOwn(table, key) ? table[key] : undefined;
}

const ORDER_TYPES: Record<string, OrderType> = { LIMIT: 'limit', MARKET: 'market' };
const TIFS: Record<string, TimeInForce> = { GTC: 'gtc', IOC: 'ioc' };
const CLIENT_ID_RE = /^[.A-Za-z0-9:/_-]{1,36}$/;

function idOf(inst: Instrument): string {
  return inst.base + inst.quote;
}

function num(p: URLSearchParams, name: string): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function symbolParam(p: URLSearchParams, engine: LoopbackEngine, required: boolean): Instrument | ApiError | undefined {
  const raw = p.get('symbol');
  if (raw === null) return required ? bad(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.") : undefined;
  const sym = engine.symbolOf(raw);
  const inst = sym ? engine.instrument(sym) : undefined;
  return inst ?? bad(-1121, 'Invalid symbol.');
}

function isErr(x: unknown): x is ApiError {
  return typeof x === 'object' && x !== null && 'code' in x && 'msg' in x && 'status' in x;
}

export function orderJson(o: LoopbackOrder, inst: Instrument): Record<string, unknown> {
  return {
    symbol: idOf(inst),
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: o.priceUnits === null ? '0.00000000' : fixed8(o.priceUnits, inst.priceDecimals),
    origQty: fixed8(o.qtyUnits, inst.qtyDecimals),
    executedQty: fixed8(o.executedUnits, inst.qtyDecimals),
    cummulativeQuoteQty: fixed8(o.cumQuoteUnits, CASH_DECIMALS),
    status: o.status,
    timeInForce: o.tif.toUpperCase(),
    type: o.type.toUpperCase(),
    side: o.side.toUpperCase(),
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.status === 'NEW' || o.status === 'PARTIALLY_FILLED',
    workingTime: o.time,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'NONE',
  };
}

function fillJson(t: LoopbackTrade, inst: Instrument): Record<string, unknown> {
  return { price: fixed8(t.priceUnits, inst.priceDecimals), qty: fixed8(t.qtyUnits, inst.qtyDecimals), commission: fixed8(t.commissionUnits, CASH_DECIMALS), commissionAsset: inst.quote, tradeId: t.id };
}

function myTradeJson(t: LoopbackTrade, inst: Instrument): Record<string, unknown> {
  const quoteQty = (t.priceUnits * t.qtyUnits * 10n ** BigInt(CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals));
  return {
    symbol: idOf(inst),
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: fixed8(t.priceUnits, inst.priceDecimals),
    qty: fixed8(t.qtyUnits, inst.qtyDecimals),
    quoteQty: fixed8(quoteQty, CASH_DECIMALS),
    commission: fixed8(t.commissionUnits, CASH_DECIMALS),
    commissionAsset: inst.quote,
    time: t.time,
    isBuyer: t.side === 'buy',
    isMaker: t.maker,
    isBestMatch: true,
  };
}

function cancelJson(o: LoopbackOrder, inst: Instrument, now: number): Record<string, unknown> {
  // Binance answers a cancel with the cancel request's own client id and the order's as origClientOrderId.
  const { clientOrderId: _own, ...rest } = orderJson(o, inst);
  return { ...rest, origClientOrderId: o.clientOrderId, clientOrderId: randomBytes(11).toString('base64url'), transactTime: now };
}

function orderRef(p: URLSearchParams): { orderId?: number; clientOrderId?: string } | ApiError {
  const orderId = num(p, 'orderId');
  if (orderId !== undefined) return { orderId };
  const cid = p.get('origClientOrderId');
  if (cid) return { clientOrderId: cid };
  return bad(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}

const INTERVALS: Record<string, number> = { '1s': 1e3, '1m': 6e4, '3m': 18e4, '5m': 3e5, '15m': 9e5, '30m': 18e5, '1h': 36e5, '2h': 72e5, '4h': 144e5, '1d': 864e5 };

export const ENDPOINTS: Record<string, Endpoint> = {
  'GET /api/v3/ping': { signed: false, weight: () => 1, handle: () => ok({}) },
  'GET /api/v3/time': { signed: false, weight: () => 1, handle: (_r, _e, ctx) => ok({ serverTime: ctx.serverTime }) },
  'GET /api/v3/exchangeInfo': {
    signed: false,
    weight: () => 20,
    handle: (_r, engine, ctx) =>
      ok({
        timezone: 'UTC',
        serverTime: ctx.serverTime,
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
        exchangeFilters: [],
        symbols: engine.registry.all().map((i) => ({
          symbol: idOf(i),
          status: i.tradable ? 'TRADING' : 'BREAK',
          baseAsset: i.base,
          baseAssetPrecision: 8,
          quoteAsset: i.quote,
          quotePrecision: 8,
          quoteAssetPrecision: 8,
          orderTypes: ['LIMIT', 'MARKET'],
          icebergAllowed: false,
          ocoAllowed: false,
          isSpotTradingAllowed: true,
          isMarginTradingAllowed: false,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: fixed8(i.tickUnits, i.priceDecimals), maxPrice: '1000000.00000000', tickSize: fixed8(i.tickUnits, i.priceDecimals) },
            { filterType: 'LOT_SIZE', minQty: fixed8(i.lotUnits, i.qtyDecimals), maxQty: '9000.00000000', stepSize: fixed8(i.lotUnits, i.qtyDecimals) },
            { filterType: 'NOTIONAL', minNotional: fixed8(i.minNotionalUnits, CASH_DECIMALS), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          ],
          permissions: [],
          permissionSets: [['SPOT']],
        })),
      }),
  },
  'GET /api/v3/depth': {
    signed: false,
    weight: (p) => {
      const l = num(p, 'limit') ?? 100;
      return l <= 100 ? 5 : l <= 500 ? 25 : l <= 1000 ? 50 : 250;
    },
    handle: (r, engine) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const limit = Math.min(5000, num(r.params, 'limit') ?? 100);
      const book = engine.book(inst.symbol);
      const lv = (ls: { priceUnits: bigint; qtyUnits: bigint }[]) => ls.slice(0, limit).map((l) => [fixed8(l.priceUnits, inst.priceDecimals), fixed8(l.qtyUnits, inst.qtyDecimals)]);
      return ok({ lastUpdateId: book?.ts ?? 0, bids: lv(book?.bids ?? []), asks: lv(book?.asks ?? []) });
    },
  },
  'GET /api/v3/trades': {
    signed: false,
    weight: () => 10,
    handle: (r, engine) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const limit = Math.min(1000, num(r.params, 'limit') ?? 500);
      return ok(
        engine.publicTrades(inst.symbol).slice(-limit).map((t) => {
          const q = t.priceUnits * t.qtyUnits * 10n ** BigInt(CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals);
          return { id: t.id, price: fixed8(t.priceUnits, inst.priceDecimals), qty: fixed8(t.qtyUnits, inst.qtyDecimals), quoteQty: fixed8(q, CASH_DECIMALS), time: t.time, isBuyerMaker: t.buyerMaker, isBestMatch: true };
        }),
      );
    },
  },
  'GET /api/v3/klines': {
    signed: false,
    weight: () => 2,
    handle: (r, engine) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const ms = own(INTERVALS, r.params.get('interval'));
      if (ms === undefined) return bad(-1120, 'Invalid interval.');
      const limit = Math.min(1000, num(r.params, 'limit') ?? 500);
      const start = num(r.params, 'startTime');
      const bars = new Map<number, { o: bigint; h: bigint; l: bigint; c: bigint; v: bigint; n: number }>();
      for (const t of engine.publicTrades(inst.symbol)) {
        const k = t.time - (t.time % ms);
        if (start !== undefined && k < start - (start % ms)) continue;
        const b = bars.get(k);
        if (!b) bars.set(k, { o: t.priceUnits, h: t.priceUnits, l: t.priceUnits, c: t.priceUnits, v: t.qtyUnits, n: 1 });
        else {
          if (t.priceUnits > b.h) b.h = t.priceUnits;
          if (t.priceUnits < b.l) b.l = t.priceUnits;
          b.c = t.priceUnits;
          b.v += t.qtyUnits;
          b.n++;
        }
      }
      const keys = [...bars.keys()].sort((a, b) => a - b);
      const picked = start !== undefined ? keys.slice(0, limit) : keys.slice(-limit);
      const px = (u: bigint) => fixed8(u, inst.priceDecimals);
      return ok(picked.map((k) => {
        const b = bars.get(k)!;
        return [k, px(b.o), px(b.h), px(b.l), px(b.c), fixed8(b.v, inst.qtyDecimals), k + ms - 1, '0.00000000', b.n, '0.00000000', '0.00000000', '0'];
      }));
    },
  },
  'GET /api/v3/ticker/24hr': {
    signed: false,
    weight: (p) => (p.has('symbol') ? 2 : 80),
    handle: (r, engine, ctx) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const day = engine.publicTrades(inst.symbol).filter((t) => t.time >= ctx.serverTime - 864e5);
      const book = engine.book(inst.symbol);
      const px = (u: bigint | undefined) => (u === undefined ? '0.00000000' : fixed8(u, inst.priceDecimals));
      const vol = day.reduce((s, t) => s + t.qtyUnits, 0n);
      const first = day[0];
      const last = day[day.length - 1];
      const hi = day.reduce<bigint | undefined>((m, t) => (m === undefined || t.priceUnits > m ? t.priceUnits : m), undefined);
      const lo = day.reduce<bigint | undefined>((m, t) => (m === undefined || t.priceUnits < m ? t.priceUnits : m), undefined);
      return ok({
        symbol: idOf(inst),
        priceChange: first && last ? px(last.priceUnits - first.priceUnits) : '0.00000000',
        lastPrice: px(last?.priceUnits),
        lastQty: last ? fixed8(last.qtyUnits, inst.qtyDecimals) : '0.00000000',
        bidPrice: px(book?.bids[0]?.priceUnits),
        bidQty: book?.bids[0] ? fixed8(book.bids[0].qtyUnits, inst.qtyDecimals) : '0.00000000',
        askPrice: px(book?.asks[0]?.priceUnits),
        askQty: book?.asks[0] ? fixed8(book.asks[0].qtyUnits, inst.qtyDecimals) : '0.00000000',
        openPrice: px(first?.priceUnits),
        highPrice: px(hi),
        lowPrice: px(lo),
        volume: fixed8(vol, inst.qtyDecimals),
        openTime: ctx.serverTime - 864e5,
        closeTime: ctx.serverTime,
        firstId: first?.id ?? -1,
        lastId: last?.id ?? -1,
        count: day.length,
      });
    },
  },
  'GET /api/v3/account': {
    signed: true,
    weight: () => 20,
    handle: (r, engine, ctx) =>
      ok({
        makerCommission: 10,
        takerCommission: 10,
        buyerCommission: 0,
        sellerCommission: 0,
        canTrade: true,
        canWithdraw: false,
        canDeposit: false,
        updateTime: ctx.serverTime,
        accountType: 'SPOT',
        balances: engine.accounts.list(r.account!).map((b) => ({ asset: b.asset, free: toDecimalString(b.free, 8), locked: toDecimalString(b.locked, 8) })),
        permissions: ['SPOT'],
      }),
  },
  'POST /api/v3/order': {
    signed: true,
    weight: () => 1,
    handle: (r, engine, ctx) => {
      const p = r.params;
      const inst = symbolParam(p, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const side = (p.get('side') ?? '').toLowerCase();
      if (side !== 'buy' && side !== 'sell') return bad(-1100, "Illegal characters found in parameter 'side'.");
      const type = own(ORDER_TYPES, p.get('type'));
      if (!type) return bad(-1116, 'Invalid orderType.');
      const tifRaw = p.get('timeInForce');
      const tif = tifRaw === null ? 'gtc' : own(TIFS, tifRaw);
      if (!tif) return bad(-1115, 'Invalid timeInForce.');
      if (type === 'limit' && tifRaw === null) return bad(-1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
      const quantity = p.get('quantity');
      if (!quantity) return bad(-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
      const clientOrderId = p.get('newClientOrderId') ?? `loopback-${randomBytes(9).toString('base64url')}`;
      if (!CLIENT_ID_RE.test(clientOrderId)) return bad(-1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
      const placed = engine.place(r.account!, { symbol: inst.symbol, side: side as Side, type, tif: type === 'market' ? 'ioc' : tif, quantity, price: p.get('price') ?? undefined, clientOrderId });
      if (isErr(placed)) return placed;
      const { order, fills } = placed;
      const full = { ...orderJson(order, inst), transactTime: ctx.serverTime, fills: fills.map((f) => fillJson(f, inst)) };
      delete (full as Record<string, unknown>)['time'];
      delete (full as Record<string, unknown>)['updateTime'];
      delete (full as Record<string, unknown>)['isWorking'];
      return ok(full);
    },
  },
  'GET /api/v3/order': {
    signed: true,
    weight: () => 4,
    handle: (r, engine) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const ref = orderRef(r.params);
      if (isErr(ref)) return ref;
      const o = engine.find(r.account!, inst.symbol, ref);
      return o ? ok(orderJson(o, inst)) : bad(-2013, 'Order does not exist.');
    },
  },
  'DELETE /api/v3/order': {
    signed: true,
    weight: () => 1,
    handle: (r, engine, ctx) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const ref = orderRef(r.params);
      if (isErr(ref)) return ref;
      const o = engine.cancel(r.account!, inst.symbol, ref);
      return isErr(o) ? o : ok(cancelJson(o, inst, ctx.serverTime));
    },
  },
  'GET /api/v3/openOrders': {
    signed: true,
    weight: (p) => (p.has('symbol') ? 6 : 80),
    handle: (r, engine) => {
      const inst = symbolParam(r.params, engine, false);
      if (isErr(inst)) return inst;
      return ok(engine.openOrders(r.account!, inst?.symbol).map((o) => orderJson(o, engine.instrument(o.symbol)!)));
    },
  },
  'DELETE /api/v3/openOrders': {
    signed: true,
    weight: () => 1,
    handle: (r, engine, ctx) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const open = engine.openOrders(r.account!, inst.symbol);
      if (open.length === 0) return bad(-2011, 'Unknown order sent.');
      const out: unknown[] = [];
      for (const o of open) {
        const c = engine.cancel(r.account!, inst.symbol, { orderId: o.orderId });
        if (!isErr(c)) out.push(cancelJson(c, inst, ctx.serverTime));
      }
      return ok(out);
    },
  },
  'GET /api/v3/myTrades': {
    signed: true,
    weight: (p) => (p.has('orderId') ? 5 : 20),
    handle: (r, engine) => {
      const inst = symbolParam(r.params, engine, true);
      if (isErr(inst) || !inst) return inst ?? bad(-1121, 'Invalid symbol.');
      const f: Parameters<LoopbackEngine['myTrades']>[2] = { limit: Math.min(1000, num(r.params, 'limit') ?? 500) };
      const orderId = num(r.params, 'orderId');
      const fromId = num(r.params, 'fromId');
      const startTime = num(r.params, 'startTime');
      const endTime = num(r.params, 'endTime');
      if (orderId !== undefined) f.orderId = orderId;
      if (fromId !== undefined) f.fromId = fromId;
      if (startTime !== undefined) f.startTime = startTime;
      if (endTime !== undefined) f.endTime = endTime;
      return ok(engine.myTrades(r.account!, inst.symbol, f).map((t) => myTradeJson(t, inst)));
    },
  },
};
