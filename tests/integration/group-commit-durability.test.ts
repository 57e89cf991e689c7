import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderDto } from '../../src/contract/dto.ts';
import { WallClock } from '../../src/core/clock.ts';
import type { VenuePort } from '../../src/core/ports.ts';
import { buildKernel } from '../../src/kernel/engine.ts';
import { simMarket } from '../../src/kernel/modes/markets.ts';
import { openStores, resolveIds } from '../../src/kernel/modes/stores.ts';
import { DEFAULT_BREAKERS } from '../../src/risk/circuit-breakers.ts';
import { EMPTY_LIMIT_BOOK } from '../../src/risk/limits.ts';
import { SqliteOrderJournal } from '../../src/store/sqlite/order-journal.ts';
import type { WalSync } from '../../src/store/sqlite/wal-sync.ts';

/** The database and WAL bytes as they were when a sync began: what is on disk once it returns. */
interface DiskImage {
  db: Buffer;
  wal: Buffer | undefined;
}

/**
 * A WAL sync the test holds: `begin` records what the files held (all a real fdatasync started then
 * would make durable) and waits for `release()`. `durable` is the image of the last sync that
 * returned: what a power loss at this instant would leave on disk.
 */
class HeldWalSync implements WalSync {
  durable: DiskImage | undefined;
  private readonly held: { image: DiskImage; done: (err: Error | null) => void }[] = [];
  private onBegin: (() => void) | undefined;
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  private image(): DiskImage {
    const wal = `${this.path}-wal`;
    return { db: readFileSync(this.path), wal: existsSync(wal) ? readFileSync(wal) : undefined };
  }

  begin(done: (err: Error | null) => void): void {
    this.held.push({ image: this.image(), done });
    this.onBegin?.();
  }

  now(): void {
    this.durable = this.image();
  }

  close(): void {}

  /** Resolves once a sync is waiting to be released. */
  waitingSync(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((r) => {
      this.onBegin = () => {
        this.onBegin = undefined;
        r();
      };
    });
  }

  release(): void {
    const s = this.held.shift();
    if (!s) throw new Error('no sync is waiting');
    this.durable = s.image;
    s.done(null);
  }

  get waiting(): number {
    return this.held.length;
  }
}

/** Orders visible to another connection: committed, whether or not synced. */
const countOn = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const RISK = { limits: EMPTY_LIMIT_BOOK, breakers: { ...DEFAULT_BREAKERS, orderRate: { enabled: false, maxPerMinute: 600 } } };
/** One turn of the event loop: every microtask (a released reply, a released venue call) has run. */
const turn = () => new Promise<void>((r) => setImmediate(r));
const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function paperEngine() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-durable-'));
  dirs.push(dir);
  const path = join(dir, 'strata.sqlite');
  const sync = new HeldWalSync(path);
  const clock = new WallClock();
  const stores = openStores('full', dir, true, true, { walSync: sync });
  const ids = resolveIds(stores.journal, { initialCash: '1000000000' });
  const { venue, marketData } = simMarket({ kind: 'demo' }, { clock, store: stores.venueStore, seed: 3, latencyMs: 0 });
  // What reaches the venue, in order: the kernel's venue gate must hold it until the sync returns.
  const sent: string[] = [];
  const submit = venue.submit.bind(venue);
  (venue as VenuePort).submit = (req) => {
    sent.push(req.clientOrderId);
    return submit(req);
  };
  const engine = buildKernel({ mode: 'paper', clock, venue, marketData, ...stores, ids, log: () => undefined, durability: 'full' }, { seed: 3, warmUpMinutes: 1, risk: RISK, pms: { intervalMs: 3_600_000 } });
  await engine.start();
  stops.push(async () => {
    // Release what the test held and let the venue take it before stopping, so nothing it was sent
    // lands on a closed store.
    while (sync.waiting > 0) sync.release();
    const journal = stores.journal as SqliteOrderJournal;
    for (let i = 0; i < 100_000 && journal.loadOrders().some((o) => o.status === 'NEW'); i++) await turn();
    await engine.stop();
  });
  const place = (price: number) => engine.handlers['orders.place']({ symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', price, tif: 'gtc', source: 'api', urgency: 'immediate', algo: 'market' }) as Promise<OrderDto>;
  const snap = await engine.handlers['market.snapshot']({ symbol: 'SPY' });
  // Far below the market: the orders rest, nothing fills.
  const price = Math.round(snap.book.bids[0]!.price * 0.8);
  // What the engine's subscribers (a WebSocket server, the desktop UI) were told, in order.
  const told: string[] = [];
  engine.feed.subscribe((event, data) => told.push(`${event} ${(data as OrderDto).id} ${(data as OrderDto).status}`), ['order.updated']);
  return { dir, path, sync, sent, told, place: () => place(price), journal: stores.journal as SqliteOrderJournal };
}

/** Acknowledged replies, recorded as they arrive. */
function track(ps: Promise<OrderDto>[]): { acked: OrderDto[] } {
  const out = { acked: [] as OrderDto[] };
  for (const p of ps) void p.then((o) => out.acked.push(o));
  return out;
}

/** Opens what a power loss would have left: the last durable image, in a directory of its own. */
function recoverFrom(image: DiskImage): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'strata-durable-crash-'));
  dirs.push(dir);
  const path = join(dir, 'strata.sqlite');
  writeFileSync(path, image.db);
  if (image.wal) writeFileSync(`${path}-wal`, image.wal);
  const j = new SqliteOrderJournal(path);
  try {
    return j.loadOrders().map((o) => o.id);
  } finally {
    j.close();
  }
}

describe('full durability with group commit: the durable point is the WAL sync, not the COMMIT', () => {
  it('when orders are committed but their WAL sync has not returned then nothing reached the venue and no reply went out', async () => {
    const e = await paperEngine();
    if (e.sync.waiting > 0) {
      // Start-up writes (none expected with a fresh journal) are released before the burst.
      while (e.sync.waiting > 0) e.sync.release();
      await turn();
    }
    const sentBefore = e.sent.length;
    const replies = track([e.place(), e.place(), e.place()]);
    await e.sync.waitingSync();
    await turn();
    // Committed (the COMMIT ran: another connection reads the rows) but not synced.
    expect(e.journal.commits).toBeGreaterThan(0);
    expect(countOn(e.path)).toBe(3);
    expect(e.sent.length).toBe(sentBefore);
    expect(replies.acked).toEqual([]);
    // Nor was any subscriber told of them (journal before send holds for events too).
    expect(e.told).toEqual([]);

    e.sync.release();
    await turn();
    await turn();
    expect(replies.acked).toHaveLength(3);
    expect(e.told.slice(0, 3).sort()).toEqual(replies.acked.map((o) => `order.updated ${o.id} NEW`).sort());
    expect([...e.sent.slice(sentBefore)].sort()).toEqual(replies.acked.map((o) => o.id).sort());
  });

  it('when orders arrive while a sync is in flight then they wait for the next one, which covers them all', async () => {
    const e = await paperEngine();
    while (e.sync.waiting > 0) e.sync.release();
    const first = track([e.place()]);
    await e.sync.waitingSync();
    const syncsAtFirst = e.journal.syncs;
    // Two more arrive in later tasks while the first sync is held: they join one open batch.
    const second = track([e.place()]);
    await turn();
    const third = track([e.place()]);
    await turn();
    expect(e.sync.waiting).toBe(1);
    e.sync.release();
    await turn();
    expect(first.acked).toHaveLength(1);
    expect(second.acked).toEqual([]);
    expect(third.acked).toEqual([]);
    // The sync that returned committed the waiting batch and started one sync for both.
    await e.sync.waitingSync();
    expect(e.journal.syncs).toBe(syncsAtFirst + 1);
    e.sync.release();
    await turn();
    await turn();
    expect(second.acked).toHaveLength(1);
    expect(third.acked).toHaveLength(1);
  });

  it('when the power fails between COMMIT and WAL sync then every acknowledged order is on disk and nothing lost was sent', async () => {
    const e = await paperEngine();
    while (e.sync.waiting > 0) e.sync.release();
    // Round 1: acknowledged.
    const round1 = track([e.place(), e.place()]);
    await e.sync.waitingSync();
    e.sync.release();
    await turn();
    await turn();
    expect(round1.acked).toHaveLength(2);
    // Round 2: committed, its sync never returns (the power fails during it).
    const round2 = track([e.place(), e.place()]);
    await e.sync.waitingSync();
    await turn();
    const committed = e.journal.loadOrders().map((o) => o.id);
    const round2Ids = committed.filter((id) => !round1.acked.some((o) => o.id === id));
    expect(round2Ids).toHaveLength(2);

    const onDisk = recoverFrom(e.sync.durable!);
    for (const o of round1.acked) expect(onDisk).toContain(o.id);
    // What the crash lost was never acknowledged and never reached the venue.
    expect(round2.acked).toEqual([]);
    for (const id of round2Ids) {
      expect(onDisk).not.toContain(id);
      expect(e.sent).not.toContain(id);
      expect(e.told.filter((t) => t.includes(id))).toEqual([]);
    }
  });
});
