import type Database from 'better-sqlite3';
import type { Proposal } from '../../approval/proposal.ts';
import type { ApprovalStorePort } from '../../approval/store.ts';
import type { AutoApprovePolicyDto } from '../../contract/l2-dto.ts';
import { MetaTable, openDb } from './db.ts';
import type { Db } from './db.ts';
import { ENGINE_MIGRATIONS } from './order-journal.ts';

/**
 * The approval journal on SQLite, in the engine database next to the order journal: one row per
 * proposal (the fields the queue filters on as columns, the whole record as JSON), tables prefixed
 * `approval_`, migrations versioned in `approval_schema` (user_version belongs to the engine).
 * synchronous=FULL at `full` durability: an approval is durable before its order is sent, which is
 * what makes "approving twice sends once" hold across a crash.
 */
export const APPROVAL_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE approval_proposals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    batch_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('PROPOSED', 'MODIFIED', 'APPROVED', 'REJECTED', 'EXPIRED')),
    symbol TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX approval_proposals_status ON approval_proposals(status, seq);
  CREATE TABLE approval_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

const SEQ = 'seq';
const POLICIES = 'auto_approve';

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS approval_schema (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM approval_schema').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > APPROVAL_MIGRATIONS.length) throw new Error(`approval schema version ${current} is newer than this build (${APPROVAL_MIGRATIONS.length})`);
  for (let v = current; v < APPROVAL_MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(APPROVAL_MIGRATIONS[v]!);
      db.prepare('DELETE FROM approval_schema').run();
      db.prepare('INSERT INTO approval_schema (version) VALUES (?)').run(v + 1);
    })();
  }
}

export class SqliteApprovalStore implements ApprovalStorePort {
  readonly db: Db;
  private readonly meta: MetaTable;
  private readonly stmts: Record<'upsert' | 'get' | 'all' | 'pendingDesc' | 'pending' | 'unlinked', Database.Statement>;

  /** Opens (creating if needed) the database at `path`, normally the engine's strata.sqlite. */
  constructor(path: string, opts: { synchronous: 'FULL' | 'NORMAL' } = { synchronous: 'FULL' }) {
    this.db = openDb(path, ENGINE_MIGRATIONS, opts);
    migrate(this.db);
    this.meta = new MetaTable(this.db, 'approval_meta');
    const db = this.db;
    this.stmts = {
      upsert: db.prepare(
        `INSERT INTO approval_proposals (id, batch_id, status, symbol, created_at, updated_at, body) VALUES (@id, @batch_id, @status, @symbol, @created_at, @updated_at, @body)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, body = excluded.body`,
      ),
      get: db.prepare('SELECT body FROM approval_proposals WHERE id = ?'),
      all: db.prepare('SELECT body FROM approval_proposals ORDER BY seq DESC LIMIT ?'),
      pendingDesc: db.prepare("SELECT body FROM approval_proposals WHERE status IN ('PROPOSED', 'MODIFIED') ORDER BY seq DESC LIMIT ?"),
      pending: db.prepare("SELECT body FROM approval_proposals WHERE status IN ('PROPOSED', 'MODIFIED') ORDER BY seq"),
      // Few APPROVED rows lack an order (only after a crash): the status index narrows, the JSON test finishes.
      unlinked: db.prepare("SELECT body FROM approval_proposals WHERE status = 'APPROVED' AND json_extract(body, '$.orderId') IS NULL ORDER BY seq"),
    };
  }

  takeSeq(): number {
    return this.db.transaction(() => {
      const next = Number(this.meta.get(SEQ) ?? '0') + 1;
      this.meta.set(SEQ, String(next));
      return next;
    })();
  }

  save(proposals: readonly Proposal[]): void {
    this.db.transaction(() => {
      for (const p of proposals) {
        this.stmts.upsert.run({ id: p.id, batch_id: p.batchId, status: p.status, symbol: p.symbol, created_at: p.createdAt, updated_at: p.updatedAt, body: JSON.stringify(p) });
      }
    })();
  }

  get(id: string): Proposal | undefined {
    const r = this.stmts.get.get(id) as { body: string } | undefined;
    return r ? (JSON.parse(r.body) as Proposal) : undefined;
  }

  list(q: { pendingOnly: boolean; limit: number }): Proposal[] {
    const rows = (q.pendingOnly ? this.stmts.pendingDesc : this.stmts.all).all(q.limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Proposal);
  }

  pending(): Proposal[] {
    return (this.stmts.pending.all() as { body: string }[]).map((r) => JSON.parse(r.body) as Proposal);
  }

  unlinked(): Proposal[] {
    return (this.stmts.unlinked.all() as { body: string }[]).map((r) => JSON.parse(r.body) as Proposal);
  }

  loadPolicies(): AutoApprovePolicyDto[] {
    const v = this.meta.get(POLICIES);
    return v === undefined ? [] : (JSON.parse(v) as AutoApprovePolicyDto[]);
  }

  savePolicies(policies: readonly AutoApprovePolicyDto[]): void {
    this.meta.set(POLICIES, JSON.stringify(policies));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
