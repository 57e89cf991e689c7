import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteOrderJournal } from '../../../../src/store/sqlite/order-journal.ts';
import { orderRecord } from '../order-record.ts';

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
});
