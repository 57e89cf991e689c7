import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { InstrumentSpec } from '../../core/instrument.ts';
import type { MarketModelParams } from '../sim/market-model.ts';
import { verifySigned } from './auth.ts';
import { ENDPOINTS, own } from './binance-api.ts';
import type { ApiAnswer } from './binance-api.ts';
import { LoopbackEngine } from './engine.ts';
import { KlineHistory } from './klines-history.ts';
import type { KlineHistoryOptions } from './klines-history.ts';
import { WeightCounter } from './weights.ts';

/**
 * A stateful fake of Binance's spot REST API on 127.0.0.1, for tests and demos: real matching
 * (the simulated venue), HMAC-SHA256 signatures, recvWindow, per-IP request weights with 429 and
 * 418, and fault injection: latency, any status (429/418 with Retry-After, 5xx) before processing,
 * a create that is processed and then never answered, a dropped connection, a clock offset, and a
 * restart that keeps its book. Run the real ccxt client against it by rewriting urls.api to its
 * URL. An admin API under /_loopback/ (header X-Loopback-Admin) drives it from another process.
 */

export interface LoopbackAccountConfig {
  apiKey: string;
  secret: string;
  balances: Record<string, string>;
}

/** One injected fault. `times` defaults to 1; Infinity keeps it until cleared. */
export interface FaultRule {
  method?: string;
  path?: string;
  times?: number;
  action:
    | { kind: 'status'; status: number; retryAfterSec?: number; code?: number; msg?: string }
    | { kind: 'latency'; ms: number }
    /** Processes the request (the order is made), then never answers: the client times out. */
    | { kind: 'hang_after_process' }
    /** Closes the connection without processing. */
    | { kind: 'drop' };
}

export interface LoopbackOptions {
  port?: number;
  seed?: number;
  accounts: LoopbackAccountConfig[];
  instruments?: readonly InstrumentSpec[];
  /** Market model per symbol; default a still market (no background trades, no drift) for tests. */
  models?: Record<string, MarketModelParams>;
  weights?: { limit: number; windowMs: number; banSeconds?: number };
  stepMs?: number;
  /** Minutes of market history generated before start (for a demo's charts). */
  warmUpMinutes?: number;
  adminToken?: string;
  /** Recorded candles answered on GET /api/v3/klines for the symbols it holds (klines-history.ts). */
  klines?: KlineHistoryOptions;
}

export const LOOPBACK_INSTRUMENTS: readonly InstrumentSpec[] = [
  { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', makerFeeBps: 10, takerFeeBps: 10, tradable: true },
  { symbol: 'ETH/USDT', base: 'ETH', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.0001', minNotional: '5', makerFeeBps: 10, takerFeeBps: 10, tradable: true },
];

/** A market that stands still: a fixed book around the start price, trades only when injected. */
export function stillModels(prices: Record<string, number> = { 'BTC/USDT': 64_000, 'ETH/USDT': 3_100 }): Record<string, MarketModelParams> {
  const out: Record<string, MarketModelParams> = {};
  for (const [symbol, startPrice] of Object.entries(prices)) {
    out[symbol] = { startPrice, volPerSqrtSecond: 0, tradesPerSecond: 0, tradeSizeLogSd: 0.5, medianTradeQty: 0.01, levelQty: 0.5, levels: 10, spreadTicks: 1, levelSpacingTicks: 100 };
  }
  return out;
}

/** A lively market for the demo. */
export function demoLoopbackModels(): Record<string, MarketModelParams> {
  return {
    'BTC/USDT': { startPrice: 64_000, volPerSqrtSecond: 0.0004, tradesPerSecond: 3, tradeSizeLogSd: 1.2, medianTradeQty: 0.02, levelQty: 0.6, levels: 12, spreadTicks: 1, levelSpacingTicks: 50 },
    'ETH/USDT': { startPrice: 3_100, volPerSqrtSecond: 0.0005, tradesPerSecond: 2, tradeSizeLogSd: 1.2, medianTradeQty: 0.3, levelQty: 9, levels: 12, spreadTicks: 1, levelSpacingTicks: 10 },
  };
}

export class LoopbackExchange {
  readonly engine: LoopbackEngine;
  readonly weights: WeightCounter;
  readonly adminToken: string;
  private readonly secrets = new Map<string, string>();
  private readonly opts: LoopbackOptions;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private faults: (FaultRule & { left: number })[] = [];
  private skewMs = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private boundPort = 0;
  private readonly history: KlineHistory | undefined;
  /** Every request seen (after admin routes), for tests: method, path, status. */
  readonly requests: { at: number; method: string; path: string; status: number }[] = [];

  constructor(opts: LoopbackOptions) {
    this.opts = opts;
    this.adminToken = opts.adminToken ?? randomBytes(16).toString('hex');
    this.engine = new LoopbackEngine({
      instruments: opts.instruments ?? LOOPBACK_INSTRUMENTS,
      models: opts.models ?? stillModels(),
      seed: opts.seed ?? 1,
      ...(opts.stepMs !== undefined ? { stepMs: opts.stepMs } : {}),
    });
    for (const a of opts.accounts) {
      this.secrets.set(a.apiKey, a.secret);
      this.engine.openAccount(a.apiKey, a.balances);
    }
    this.history = opts.klines ? new KlineHistory(opts.klines) : undefined;
    this.weights = new WeightCounter({ limit: opts.weights?.limit ?? 6000, windowMs: opts.weights?.windowMs ?? 60_000, banSeconds: opts.weights?.banSeconds ?? 120 });
    if (opts.warmUpMinutes) this.engine.warmUp(opts.warmUpMinutes * 60_000);
    this.engine.start();
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  async start(): Promise<string> {
    await this.listen(this.opts.port ?? 0);
    this.ticker ??= setInterval(() => this.engine.sync(), 50);
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    await this.closeServer();
    this.engine.stop();
  }

  /**
   * Goes down (connections refused), the matching engine restarts from its store, and comes back on
   * the same port after `downMs`: resting orders, fills and balances are all still there.
   */
  async restart(downMs = 0): Promise<void> {
    await this.closeServer();
    this.engine.restartMatching();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.listen(this.boundPort);
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule, left: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The exchange's clock runs this far ahead of ours (negative: behind): signed requests fail -1021 until resynced. */
  setClockSkew(ms: number): void {
    this.skewMs = ms;
  }

  serverTime(): number {
    return Date.now() + this.skewMs;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const addr = server.address();
        this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
        resolve();
      });
    });
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const r of this.held) r.destroy();
    this.held.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private takeFault(method: string, path: string): FaultRule | undefined {
    const i = this.faults.findIndex((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path === path));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.left--;
    if (f.left <= 0) this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (url.pathname.startsWith('/_loopback/')) return this.admin(method, url.pathname, body, req, res);
    const ip = req.socket.remoteAddress ?? '?';
    const endpoint = own(ENDPOINTS, `${method} ${url.pathname}`);
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
    const params = new URLSearchParams(method === 'POST' ? `${rawQuery}${rawQuery && body ? '&' : ''}${body}` : rawQuery);
    const now = Date.now();
    const send = (a: ApiAnswer, headers: Record<string, string> = {}) => this.answer(res, method, url.pathname, a, { ...headers, 'X-MBX-USED-WEIGHT-1M': String(this.weights.used(ip, now)) });
    if (!endpoint) return send({ status: 404, code: -1000, msg: `no endpoint ${method} ${url.pathname} on the loopback exchange` });

    const verdict = this.weights.charge(ip, endpoint.weight(params), url.pathname, now);
    if (!verdict.ok) {
      const msg = verdict.status === 418 ? `Way too much request weight used; IP banned until ${now + verdict.retryAfterSec * 1000}.` : 'Too much request weight used; current limit is exceeded. Please use WebSocket Streams for live updates to avoid polling the API.';
      return send({ status: verdict.status, code: -1003, msg }, { 'Retry-After': String(verdict.retryAfterSec) });
    }

    const fault = this.takeFault(method, url.pathname);
    if (fault?.action.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.action.kind === 'latency') await new Promise((r) => setTimeout(r, (fault.action as { ms: number }).ms));
    if (fault?.action.kind === 'status') {
      const a = fault.action;
      const headers: Record<string, string> = a.retryAfterSec !== undefined ? { 'Retry-After': String(a.retryAfterSec) } : {};
      if (a.status >= 500) return this.raw(res, method, url.pathname, a.status, a.msg ?? 'Service Unavailable', headers);
      return send({ status: a.status, code: a.code ?? -1003, msg: a.msg ?? `injected ${a.status}` }, headers);
    }

    let account: string | undefined;
    if (endpoint.signed) {
      const auth = verifySigned({ apiKey: header(req, 'x-mbx-apikey'), payload: method === 'POST' ? body : rawQuery, serverTime: this.serverTime() }, this.secrets);
      if (!auth.ok) return send(auth);
      account = auth.apiKey;
    }
    const recorded = this.history && url.pathname === '/api/v3/klines' ? this.history.answer(this.engine.symbolOf(params.get('symbol')) ?? '', params) : undefined;
    const answer = recorded ?? endpoint.handle({ method, path: url.pathname, params, ...(account ? { account } : {}) }, this.engine, { serverTime: this.serverTime() });
    if (fault?.action.kind === 'hang_after_process') {
      // The order exists now; the client hears nothing until its timeout.
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      this.requests.push({ at: now, method, path: url.pathname, status: 0 });
      return;
    }
    send(answer);
  }

  private answer(res: ServerResponse, method: string, path: string, a: ApiAnswer, headers: Record<string, string>): void {
    const isError = 'code' in a && 'msg' in a && !('body' in a);
    const status = a.status;
    const payload = isError ? { code: (a as { code: number }).code, msg: (a as { msg: string }).msg } : (a as { body: unknown }).body;
    this.requests.push({ at: Date.now(), method, path, status });
    if (res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(payload));
  }

  private raw(res: ServerResponse, method: string, path: string, status: number, text: string, headers: Record<string, string>): void {
    this.requests.push({ at: Date.now(), method, path, status });
    res.writeHead(status, { 'Content-Type': 'text/html', ...headers });
    res.end(text);
  }

  /** The operator's controls, for a loopback running in another process (demos, kill -9 tests). */
  private async admin(method: string, path: string, body: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    };
    if (header(req, 'x-loopback-admin') !== this.adminToken) return reply(401, { error: 'X-Loopback-Admin token required' });
    let input: Record<string, unknown> = {};
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    try {
      if (method === 'POST' && path === '/_loopback/faults') {
        this.addFault(input as unknown as FaultRule);
        return reply(200, { faults: this.faults.length });
      }
      if (method === 'DELETE' && path === '/_loopback/faults') {
        this.clearFaults();
        return reply(200, { faults: 0 });
      }
      if (method === 'POST' && path === '/_loopback/trade') {
        this.engine.crowdTrade(String(input['symbol']), input['side'] === 'buy' ? 'buy' : 'sell', String(input['qty']), String(input['price']));
        return reply(200, { ok: true });
      }
      if (method === 'POST' && path === '/_loopback/skew') {
        this.setClockSkew(Number(input['ms'] ?? 0));
        return reply(200, { skewMs: this.skewMs });
      }
      if (method === 'POST' && path === '/_loopback/restart') {
        reply(202, { restarting: true });
        setTimeout(() => void this.restart(Number(input['downMs'] ?? 0)), 10);
        return;
      }
      if (method === 'GET' && path === '/_loopback/state') {
        return reply(200, {
          orders: this.engine.orders().map((o) => ({ account: o.account.slice(0, 4) + '…', clientOrderId: o.clientOrderId, orderId: o.orderId, symbol: o.symbol, side: o.side, status: o.status, executed: o.executedUnits, qty: o.qtyUnits })),
          maxWeightInAnyWindow: this.weights.maxInAnyWindow(),
          refused: this.weights.refused.length,
        });
      }
      return reply(404, { error: `no admin route ${method} ${path}` });
    } catch (err) {
      return reply(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      if (s.length < 1_000_000) s += c;
    });
    req.on('end', () => resolve(s));
    req.on('error', () => resolve(s));
  });
}
