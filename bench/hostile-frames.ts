/**
 * `node bench/hostile-frames.ts [--frames N] [--runs R]`: sends N hostile frames (very large, very
 * deep and odd payloads, null params, prototype names) over a loopback WebSocket to a fresh
 * `strata serve`, R times, and reports the engine's RSS before and after each run, how each frame
 * was answered, and any untyped error (a reply without a known code, INTERNAL, a crash).
 * Bounded: N defaults to 1,600 frames per run (100 of each kind) (issue 8 used 10,796), loopback only, temp data dir.
 */
import { ERROR_CODES } from '../src/contract/errors.ts';
import { rawConnect, startServeChild } from './serve-child.ts';
import type { RawConn } from './serve-child.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const FRAMES = arg('frames', 1_600);
const RUNS = arg('runs', 2);
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

const req = (id: number, method: string, params?: unknown): string => JSON.stringify(params === undefined ? { t: 'req', id, method } : { t: 'req', id, method, params });

/** The i-th hostile frame: a rotating mix of every kind the issue's run used. */
function hostile(i: number): { kind: string; frame: string } {
  const id = 1_000_000 + i;
  const p = PROTO[i % PROTO.length]!;
  switch (i % 16) {
    case 0:
      return { kind: 'huge qty (900 KB)', frame: req(id, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '9'.repeat(900_000) }) };
    case 1:
      return { kind: 'deep array (100k)', frame: `{"t":"req","id":${id},"method":"orders.place","params":{"symbol":${'['.repeat(100_000)}${']'.repeat(100_000)}}}` };
    case 2:
      return { kind: 'deep object (20k)', frame: `{"t":"req","id":${id},"method":"risk.stress","params":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}` };
    case 3:
      return { kind: 'null params', frame: req(id, i % 32 === 3 ? 'orders.cancelAll' : 'orders.list', null) };
    case 4:
      return { kind: 'missing params', frame: req(id, 'orders.cancel') };
    case 5:
      return { kind: 'prototype method', frame: req(id, p, {}) };
    case 6:
      return { kind: 'prototype group', frame: req(id, 'risk.limits.set', { name: 'max_gross_exposure_pct_nav', hard: '50', group: p }) };
    case 7:
      return { kind: 'prototype symbol', frame: req(id, 'market.snapshot', { symbol: p }) };
    case 8:
      return { kind: 'absurd limit', frame: req(id, 'risk.limits.set', { name: 'max_order_notional', hard: i % 2 ? '1e999' : '9'.repeat(40) }) };
    case 9:
      return { kind: 'many keys (30k)', frame: req(id, 'orders.place', Object.fromEntries(Array.from({ length: 30_000 }, (_, k) => [`k${k}`, k]))) };
    case 10:
      return { kind: 'not JSON', frame: '{"t":"req","id":' + id + ',"method":' + 'x'.repeat(1000) };
    case 11:
      return { kind: 'odd numbers', frame: `{"t":"req","id":${id},"method":"orders.place","params":{"symbol":"BTC/USDT","side":"buy","qty":1e400}}` };
    case 12:
      return { kind: 'big reason (700 KB)', frame: req(id, 'risk.killSwitch', { reason: 'r'.repeat(700_000) }) };
    case 13:
      return { kind: 'huge list page', frame: req(id, 'orders.list', { scope: 'all', limit: 1e9 }) };
    case 14:
      return { kind: 'unicode symbol', frame: req(id, 'orders.place', { symbol: '\u202e\u0000💥'.repeat(8), side: 'buy', qty: '1' }) };
    default:
      return { kind: 'array params', frame: req(id, 'orders.place', [1, 2, 3]) };
  }
}

async function run(url: string): Promise<{ answers: Map<string, number>; untyped: string[]; reconnects: number }> {
  const answers = new Map<string, number>();
  const untyped: string[] = [];
  let reconnects = 0;
  let conn: RawConn = await rawConnect(url);
  for (let i = 0; i < FRAMES; i++) {
    const { kind, frame } = hostile(i);
    const r = await conn.request(frame);
    let key: string;
    if (r === 'closed' || r === 'timeout') {
      key = r;
      if (r === 'timeout') untyped.push(`${kind}: no reply`);
      conn.close();
      conn = await rawConnect(url);
      reconnects++;
    } else if (r.ok) key = 'ok';
    else {
      const code = r.error?.code ?? '(none)';
      key = code;
      if (!(ERROR_CODES as readonly string[]).includes(code) || code === 'INTERNAL') untyped.push(`${kind}: ${code} ${r.error?.message.slice(0, 120) ?? ''}`);
    }
    answers.set(`${kind} → ${key}`, (answers.get(`${kind} → ${key}`) ?? 0) + 1);
  }
  conn.close();
  return { answers, untyped, reconnects };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const engine = await startServeChild('hostile', [], {}, { inspect: true });
try {
  await settle(3_000);
  const rss = [engine.rssMb()];
  const heap = [await engine.heapAfterGcMb()];
  const all: Awaited<ReturnType<typeof run>>[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = Date.now();
    all.push(await run(engine.url));
    await settle(3_000);
    rss.push(engine.rssMb());
    heap.push(await engine.heapAfterGcMb());
    console.log(`run ${r + 1}: ${FRAMES} frames in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${all[r]!.reconnects} reconnects, ${all[r]!.untyped.length} untyped errors`);
  }
  console.log(`live heap after a full GC, MB: ${heap.map((x) => x.toFixed(1)).join(' → ')} (before, then after each run)`);
  if (heap.length >= 3) console.log(`live heap growth per repeat run: ${heap.slice(2).map((x, k) => (x - heap[k + 1]!).toFixed(1)).join(', ')} MB`);
  console.log(`RSS MB: ${rss.map((x) => x.toFixed(0)).join(' → ')} (before, then after each run)`);
  if (rss.length >= 3) console.log(`growth of the repeat run: ${(rss[rss.length - 1]! - rss[rss.length - 2]!).toFixed(0)} MB (first run: ${(rss[1]! - rss[0]!).toFixed(0)} MB)`);
  console.log(`alive after the runs: ${engine.child.exitCode === null ? 'yes' : `no (exit ${engine.child.exitCode})`}`);
  console.log('answers (last run):');
  for (const [k, n] of [...all.at(-1)!.answers.entries()].sort()) console.log(`  ${k}: ${n}`);
  const untyped = all.flatMap((x) => x.untyped);
  if (untyped.length > 0) console.log(`untyped errors:\n  ${untyped.slice(0, 20).join('\n  ')}`);
  process.exitCode = untyped.length > 0 || engine.child.exitCode !== null ? 1 : 0;
} finally {
  await engine.stop();
}
