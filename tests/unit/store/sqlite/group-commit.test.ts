import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteOrderJournal } from '../../../../src/store/sqlite/order-journal.ts';
import type { WalSync } from '../../../../src/store/sqlite/wal-sync.ts';
import { orderRecord } from '../order-record.ts';

/** A WAL sync the test answers: each begin() waits until answer() (null: durable, an Error: failed). */
class ManualWalSync implements WalSync {
  readonly pending: ((err: Error | null) => void)[] = [];
  nowCalls = 0;
  begin(done: (err: Error | null) => void): void {
    this.pending.push(done);
  }
  now(): void {
    this.nowCalls++;
  }
  close(): void {}
  answer(err: Error | null = null): void {
    this.pending.shift()!(err);
  }
}

const file = () => join(mkdtempSync(join(tmpdir(), 'strata-gc-')), 'strata.sqlite');
const countOn = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('SqliteOrderJournal with group commit', () => {
  it('when orders arrive in one turn then they commit together on the next, and what waited runs after the commit in order', async () => {
    const path = file();
    const j = new SqliteOrderJournal(path, { groupCommit: true });
    const sent: string[] = [];
    for (const id of ['A', 'B', 'C']) {
      j.insertOrder(orderRecord(id, j.nextOrderSeq()), 'placed');
      j.afterCommit(() => sent.push(id));
    }
    // Readable on the journal's own connection, invisible (uncommitted) to another, nothing sent yet.
    expect(j.loadOrders()).toHaveLength(3);
    expect(countOn(path)).toBe(0);
    expect(sent).toEqual([]);
    const done = j.committed();
    expect(done).toBeInstanceOf(Promise);
    await done;
    expect(sent).toEqual(['A', 'B', 'C']);
    expect(countOn(path)).toBe(3);
    expect(j.commits).toBe(1);
    j.close();
  });

  it('when nothing is pending then afterCommit runs at once and committed() is undefined', () => {
    const j = new SqliteOrderJournal(file(), { groupCommit: true });
    let ran = false;
    j.afterCommit(() => (ran = true));
    expect(ran).toBe(true);
    expect(j.committed()).toBeUndefined();
    j.close();
  });

  it('when writes arrive while a batch is open then they join it; later turns open a new one', async () => {
    const j = new SqliteOrderJournal(file(), { groupCommit: true });
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    j.insertOrder(orderRecord('B', j.nextOrderSeq()), 'placed');
    await nextTurn();
    j.insertOrder(orderRecord('C', j.nextOrderSeq()), 'placed');
    await j.committed();
    expect(j.commits).toBe(2);
    j.close();
  });

  it('when closed with a batch open then the batch is committed first', () => {
    const path = file();
    const j = new SqliteOrderJournal(path, { groupCommit: true });
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    j.close();
    expect(countOn(path)).toBe(1);
  });

  it('without group commit every write is committed when the call returns', () => {
    const path = file();
    const j = new SqliteOrderJournal(path);
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    expect(countOn(path)).toBe(1);
    expect(j.committed()).toBeUndefined();
    j.close();
  });

  it('when the COMMIT has run but the WAL sync has not returned then nothing waiting is released; when it returns, all is', async () => {
    const sync = new ManualWalSync();
    const j = new SqliteOrderJournal(file(), { groupCommit: true, walSync: sync });
    const sent: string[] = [];
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    j.afterCommit(() => sent.push('A'));
    const done = j.committed()!;
    let resolved = false;
    void done.then(() => (resolved = true));
    await nextTurn();
    expect(j.commits).toBe(1);
    expect(sync.pending).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(resolved).toBe(false);
    // Written meanwhile: joins a batch that stays open until the sync returns.
    j.insertOrder(orderRecord('B', j.nextOrderSeq()), 'placed');
    j.afterCommit(() => sent.push('B'));
    await nextTurn();
    expect(j.commits).toBe(1);
    sync.answer();
    await done;
    expect(sent).toEqual(['A']);
    // The answer committed B's batch and started its sync.
    expect(j.commits).toBe(2);
    expect(sync.pending).toHaveLength(1);
    sync.answer();
    await nextTurn();
    expect(sent).toEqual(['A', 'B']);
    j.close();
  });

  it('when a WAL sync fails then what waited is never released, its requests fail, and the journal refuses further writes', async () => {
    const sync = new ManualWalSync();
    const j = new SqliteOrderJournal(file(), { groupCommit: true, walSync: sync });
    const sent: string[] = [];
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    j.afterCommit(() => sent.push('A'));
    const done = j.committed()!;
    await nextTurn();
    sync.answer(new Error('EIO'));
    await expect(done).rejects.toThrow(/WAL sync failed: EIO/);
    expect(sent).toEqual([]);
    expect(() => j.insertOrder(orderRecord('B', j.nextOrderSeq()), 'placed')).toThrow(/earlier WAL sync failed/);
    j.close();
    expect(sent).toEqual([]);
  });

  it('when closed while a sync is in flight then close syncs itself and releases everything, in order', async () => {
    const sync = new ManualWalSync();
    const path = file();
    const j = new SqliteOrderJournal(path, { groupCommit: true, walSync: sync });
    const nowAtOpen = sync.nowCalls;
    const sent: string[] = [];
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    j.afterCommit(() => sent.push('A'));
    await nextTurn();
    j.insertOrder(orderRecord('B', j.nextOrderSeq()), 'placed');
    j.afterCommit(() => sent.push('B'));
    j.close();
    expect(sync.nowCalls).toBe(nowAtOpen + 1);
    expect(sent).toEqual(['A', 'B']);
    expect(countOn(path)).toBe(2);
    // The superseded sync's late answer changes nothing.
    sync.answer();
    expect(sent).toEqual(['A', 'B']);
  });

  it('when one statement of an order write is refused inside a batch then the write leaves nothing behind and the batch goes on', async () => {
    const path = file();
    const j = new SqliteOrderJournal(path, { groupCommit: true });
    const events = () => (j.db.prepare('SELECT order_id, event, status FROM order_events ORDER BY seq').all() as { order_id: string; event: string; status: string }[]).map((e) => `${e.order_id} ${e.event} ${e.status}`);
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    // The order row is written, then its event is refused (NOT NULL): the row must not stay.
    expect(() => j.insertOrder(orderRecord('B', j.nextOrderSeq()), null as unknown as string)).toThrow(/NOT NULL/);
    // A duplicate id is refused by the first statement.
    expect(() => j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed')).toThrow(/UNIQUE/);
    // The event is written, then the row's CHECK refuses more filled than ordered: the event must not stay.
    expect(() => j.updateOrder(orderRecord('A', 1, { filledUnits: 5000n, status: 'FILLED' }), 'fill')).toThrow(/CHECK/);
    // An unknown order: its event's foreign key refuses it.
    expect(() => j.updateOrder(orderRecord('Z', 99, { status: 'PENDING' }), 'accepted')).toThrow(/FOREIGN KEY/);
    j.updateOrder(orderRecord('A', 1, { status: 'PENDING', venueOrderId: 'V1' }), 'accepted', 'V1');
    j.insertOrder(orderRecord('C', j.nextOrderSeq()), 'placed');
    await j.committed();
    expect(j.commits).toBe(1);
    expect(j.loadOrders().map((o) => `${o.id} ${o.status} ${o.filledUnits}`)).toEqual(['A PENDING 0', 'C NEW 0']);
    expect(events()).toEqual(['A placed NEW', 'A accepted PENDING', 'C placed NEW']);
    j.close();
    expect(countOn(path)).toBe(2);
  });

  it('when an order write is refused outside a batch (one commit per write) then it leaves nothing behind either', () => {
    const j = new SqliteOrderJournal(file());
    j.insertOrder(orderRecord('A', j.nextOrderSeq()), 'placed');
    expect(() => j.insertOrder(orderRecord('B', j.nextOrderSeq()), null as unknown as string)).toThrow(/NOT NULL/);
    expect(() => j.updateOrder(orderRecord('A', 1, { filledUnits: 5000n, status: 'FILLED' }), 'fill')).toThrow(/CHECK/);
    expect(j.loadOrders().map((o) => `${o.id} ${o.status}`)).toEqual(['A NEW']);
    expect(j.db.prepare('SELECT COUNT(*) AS n FROM order_events').get()).toEqual({ n: 1 });
    j.close();
  });
});
