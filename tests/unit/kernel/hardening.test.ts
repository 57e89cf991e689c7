import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcError } from '../../../src/contract/errors.ts';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import type { Client } from '../../../src/contract/rpc.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';
import type { Engine, EngineOptions } from '../../../src/kernel/engine.ts';
import { applyLimitCommand, defaultLimitBook, parseLimitCommand } from '../../../src/risk/limits.ts';
import type { LimitBook } from '../../../src/risk/limits.ts';

/** Issue 8: defects found by trying to break the engine, each pinned through the contract on a real SQLite file. */

const START = Date.UTC(2025, 0, 6, 14, 30);
const dirs: string[] = [];
const open: { engine: Engine; client: Client }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.client.close();
    await o.engine.stop();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-unit-harden-'));
  dirs.push(d);
  return d;
}

interface Booted {
  engine: Engine;
  client: Client;
  clock: SimClock;
  logs: string[];
}

async function boot(dir: string, opts: Partial<EngineOptions> = {}): Promise<Booted> {
  const clock = new SimClock(START);
  const logs: string[] = [];
  const engine = createEngine({ dataDir: dir, clock, seed: 7, warmUpMinutes: 1, log: (level, msg) => logs.push(`${level}: ${msg}`), ...opts });
  await engine.start();
  const [server, end] = createMemoryPair();
  serveEndpoint(server, engine.handlers, engine.feed, { onInternalError: (err) => logs.push(`INTERNAL: ${String(err)}`) });
  const client = createClient(end, { timeoutMs: 5_000 });
  open.push({ engine, client });
  return { engine, client, clock, logs };
}

async function restart(b: Booted, dir: string, opts: Partial<EngineOptions> = {}): Promise<Booted> {
  const i = open.findIndex((o) => o.engine === b.engine);
  open.splice(i, 1);
  b.client.close();
  await b.engine.stop();
  return boot(dir, opts);
}

async function failure(p: Promise<unknown>): Promise<RpcError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof RpcError)) throw new Error(`expected an RpcError, got ${String(e)}`);
  return e;
}

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

describe('D2: groups named after Object.prototype members', () => {
  it('when limits are set on groups constructor, __proto__ and toString then each is refused as UNKNOWN_GROUP and risk.limits.get works, also after a restart', async () => {
    const dir = newDir();
    let b = await boot(dir);
    for (const g of PROTO_NAMES) {
      const err = await failure(b.client.call('risk.limits.set', { name: 'max_gross_exposure_pct_nav', hard: '50', group: g }));
      expect(err.code).toBe('LIMIT_REJECTED');
      expect(err.issues?.[0]?.path).toBe('UNKNOWN_GROUP');
      const limits = await b.client.call('risk.limits.get', {});
      expect(Object.keys(limits.groups).sort()).toEqual(['crypto', 'equity']);
    }
    // A later, valid change still works.
    await b.client.call('risk.limits.set', { name: 'max_gross_exposure_pct_nav', hard: '60', group: 'crypto' });
    b = await restart(b, dir);
    const after = await b.client.call('risk.limits.get', {});
    expect(after.limits.find((l) => l.scope === 'group:crypto' && l.name === 'max_gross_exposure_pct_nav')?.hard).toBe('60');
    expect(b.logs.filter((l) => l.startsWith('INTERNAL'))).toEqual([]);
  });

  it('when the account defines groups constructor, __proto__ and toString with limits on them then get, set and a restart all work', async () => {
    let book: LimitBook = defaultLimitBook();
    for (const g of PROTO_NAMES) {
      for (const text of [`group ${g} BTC/USDT`, `set max_gross_exposure_pct_nav 40 --group ${g}`]) {
        const c = parseLimitCommand(text);
        if (!c.ok) throw new Error(c.error.message);
        const r = applyLimitCommand(book, c.command);
        if (!r.ok) throw new Error(r.error.message);
        book = r.book;
      }
    }
    const dir = newDir();
    let b = await boot(dir, { risk: { limits: book } });
    const first = await b.client.call('risk.limits.get', {});
    expect(Object.keys(first.groups).sort()).toEqual([...PROTO_NAMES, 'crypto', 'equity'].sort());
    await b.client.call('risk.limits.set', { name: 'max_gross_exposure_pct_nav', hard: '45', group: 'constructor' });
    b = await restart(b, dir);
    const again = await b.client.call('risk.limits.get', {});
    for (const g of PROTO_NAMES) expect(again.groups[g]).toEqual(['BTC/USDT']);
    expect(again.limits.find((l) => l.scope === 'group:constructor')?.hard).toBe('45');
    expect(again.limits.find((l) => l.scope === 'group:__proto__')?.hard).toBe('40');
    expect(b.logs.filter((l) => l.startsWith('INTERNAL'))).toEqual([]);
  });
});

describe('D3: unbounded fields never reach the journal; orders.list pages', () => {
  it.each([
    ['a 900 KB quantity string', { qty: '9'.repeat(900_000) }, 'qty'],
    ['a quantity with 40 decimals', { qty: '0.' + '1'.repeat(40) }, 'qty'],
    ['a quantity of 1e300', { qty: 1e300 }, 'qty'],
    ['a 900 KB price string', { type: 'limit', price: '1' + '0'.repeat(900_000) }, 'price'],
    ['a decision time far in the future', { decisionTs: 1e17 }, 'decisionTs'],
  ] as const)('when an order comes with %s then BAD_REQUEST with a short message, and nothing is journaled', async (_what, over, path) => {
    const b = await boot(newDir());
    b.clock.advanceBy(2_000);
    const before = await b.client.call('orders.list', { scope: 'all' });
    const err = await failure(b.client.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '0.01', ...over } as never));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.issues?.map((i) => i.path)).toContain(path);
    expect(JSON.stringify(err.toDto()).length).toBeLessThan(2_000);
    expect(await b.client.call('orders.list', { scope: 'all' })).toHaveLength(before.length);
  });

  it('when a limit level is 1e999 then LIMIT_REJECTED BAD_VALUE and the limit is unchanged', async () => {
    const b = await boot(newDir());
    const before = await b.client.call('risk.limits.get', {});
    for (const hard of ['1e999', '1e16', 'Infinity']) {
      const err = await failure(b.client.call('risk.limits.set', { name: 'max_order_notional', hard }));
      expect(err.code).toBe('LIMIT_REJECTED');
      expect(err.issues?.[0]?.path).toBe('BAD_VALUE');
    }
    expect((await b.client.call('risk.limits.get', {})).limits).toEqual(before.limits);
  });

  it('when more orders exist than a page holds then pages with the before cursor list each order once, newest first', async () => {
    const b = await boot(newDir(), { risk: { limits: { entries: [], groups: Object.create(null) as Record<string, string[]> } } });
    b.clock.advanceBy(2_000);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await b.client.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '0.01', type: 'limit', price: String(1000 + i) })).id);
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await b.client.call('orders.list', { scope: 'all', limit: 3, ...(before ? { before } : {}) });
      seen.push(...page.map((o) => o.id));
      if (page.length < 3) break;
      before = page.at(-1)!.id;
    }
    expect(seen).toEqual([...ids].reverse());
    const err = await failure(b.client.call('orders.list', { scope: 'all', before: 'NO-SUCH' }));
    expect(err.code).toBe('UNKNOWN_ORDER');
    const tooMany = await failure(b.client.call('orders.list', { scope: 'all', limit: 5001 }));
    expect(tooMany.code).toBe('BAD_REQUEST');
  });
});
