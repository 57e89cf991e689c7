import type Database from 'better-sqlite3';
import type { Urgency } from '../../contract/dto.ts';
import type { AlphaFailure, CycleRecord, SignalJournalPort, SignalQuery } from '../../signals/journal.ts';
import type { AlphaConfig } from '../../signals/registry.ts';
import type { JournaledSignal, SignalInputs, SignalKind } from '../../signals/signal.ts';
import { MetaTable, openDb } from './db.ts';
import { decodeAggregate, encodeAggregate } from './signal-codec.ts';
import type { Db } from './db.ts';
import { ENGINE_MIGRATIONS } from './order-journal.ts';

/**
 * The signal journal on SQLite: one row per cycle (what ran, what failed, the combined targets with
 * their attribution as JSON) and one row per signal with its inputs, in tables prefixed `signal_`.
 * Lives in the engine database next to the order journal; its migrations are versioned in
 * `signal_schema` (user_version belongs to the engine's list), like the risk store's. Signals are
 * intent, not money: synchronous=NORMAL (durable against a crash of the process).
 */
export const SIGNAL_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE signal_cycles (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at INTEGER NOT NULL,
    ran TEXT NOT NULL,
    failed TEXT NOT NULL,
    aggregate TEXT NOT NULL
  );
  CREATE TABLE signal_signals (
    id TEXT PRIMARY KEY,
    cycle_seq INTEGER NOT NULL REFERENCES signal_cycles(seq),
    ord INTEGER NOT NULL,
    alpha TEXT NOT NULL,
    instrument TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('target', 'delta')),
    value REAL NOT NULL,
    urgency TEXT NOT NULL,
    horizon_ms INTEGER,
    conviction REAL NOT NULL CHECK (conviction >= 0 AND conviction <= 1),
    expected_return REAL,
    time INTEGER NOT NULL,
    inputs TEXT NOT NULL
  );
  CREATE INDEX signal_signals_cycle ON signal_signals(cycle_seq, ord);
  CREATE INDEX signal_signals_alpha ON signal_signals(alpha, cycle_seq);
  CREATE INDEX signal_signals_instrument ON signal_signals(instrument, cycle_seq);
  CREATE TABLE signal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // v2: a cycle's journal write was ~4 ms, most of it index upkeep: the text primary key and the three
  // secondary indexes, and above all (instrument, cycle_seq), whose 100 instruments each put their
  // newest entry on a different page, so every cycle dirtied ~100 index pages (written to the WAL
  // and again at the checkpoint). No read needs them: the engine reads the newest signals and whole
  // cycles, both ranges of the key (cycle_seq, ord), which is now the table's own order (WITHOUT
  // ROWID: appends land on its last page). Filters by alpha or instrument walk that key backwards,
  // as the memory journal does. A signal id is `<cycle id>-<ord + 1>` as the cycle makes it; only
  // another id is stored (with its own uniqueness, the old primary key's promise).
  `
  CREATE TABLE signal_signals_v2 (
    cycle_seq INTEGER NOT NULL REFERENCES signal_cycles(seq),
    ord INTEGER NOT NULL,
    id TEXT,
    alpha TEXT NOT NULL,
    instrument TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('target', 'delta')),
    value REAL NOT NULL,
    urgency TEXT NOT NULL,
    horizon_ms INTEGER,
    conviction REAL NOT NULL CHECK (conviction >= 0 AND conviction <= 1),
    expected_return REAL,
    time INTEGER NOT NULL,
    inputs TEXT NOT NULL,
    PRIMARY KEY (cycle_seq, ord)
  ) WITHOUT ROWID;
  INSERT INTO signal_signals_v2 (cycle_seq, ord, id, alpha, instrument, kind, value, urgency, horizon_ms, conviction, expected_return, time, inputs)
    SELECT s.cycle_seq, s.ord, CASE WHEN s.id = c.id || '-' || (s.ord + 1) THEN NULL ELSE s.id END,
           s.alpha, s.instrument, s.kind, s.value, s.urgency, s.horizon_ms, s.conviction, s.expected_return, s.time, s.inputs
    FROM signal_signals s JOIN signal_cycles c ON c.seq = s.cycle_seq;
  DROP TABLE signal_signals;
  ALTER TABLE signal_signals_v2 RENAME TO signal_signals;
  CREATE UNIQUE INDEX signal_signals_id ON signal_signals(id) WHERE id IS NOT NULL;
  `,
];

/** Signals per multi-row INSERT: one statement per chunk instead of one per signal (13 values each). */
const CHUNK = 32;
const SIGNAL_INSERT_COLUMNS = 13;

const ALPHA_CONFIG = 'alpha_config';

export function migrateSignals(db: Db, migrations: readonly string[] = SIGNAL_MIGRATIONS): void {
  db.exec('CREATE TABLE IF NOT EXISTS signal_schema (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM signal_schema').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > migrations.length) throw new Error(`signal schema version ${current} is newer than this build (${migrations.length})`);
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.prepare('DELETE FROM signal_schema').run();
      db.prepare('INSERT INTO signal_schema (version) VALUES (?)').run(v + 1);
    })();
  }
}

interface CycleRow {
  seq: number;
  id: string;
  at: number;
  ran: string;
  failed: string;
  aggregate: string;
}
interface SignalRow {
  id: string | null;
  cycle_seq: number;
  ord: number;
  alpha: string;
  instrument: string;
  kind: SignalKind;
  value: number;
  urgency: Urgency;
  horizon_ms: number | null;
  conviction: number;
  expected_return: number | null;
  time: number;
  inputs: string;
  cycle_id: string;
}

function rowToSignal(r: SignalRow): JournaledSignal {
  return {
    id: r.id ?? derivedSignalId(r.cycle_id, r.ord),
    cycleId: r.cycle_id,
    instrument: r.instrument,
    kind: r.kind,
    value: r.value,
    urgency: r.urgency,
    horizonMs: r.horizon_ms,
    alpha: r.alpha,
    conviction: r.conviction,
    expectedReturn: r.expected_return,
    time: r.time,
    inputs: JSON.parse(r.inputs) as SignalInputs,
  };
}

/** The id the cycle gives its `ord`-th signal; ids of that form are not stored. */
function derivedSignalId(cycleId: string, ord: number): string {
  return `${cycleId}-${ord + 1}`;
}

const SIGNAL_COLUMNS = 's.id, s.cycle_seq, s.ord, s.alpha, s.instrument, s.kind, s.value, s.urgency, s.horizon_ms, s.conviction, s.expected_return, s.time, s.inputs, c.id AS cycle_id';

export class SqliteSignalJournal implements SignalJournalPort {
  readonly db: Db;
  private readonly stmts: Record<string, Database.Statement>;
  /** Multi-row signal INSERTs by row count (CHUNK, and the remainders met so far). */
  private readonly inserts = new Map<number, Database.Statement>();
  private readonly meta: MetaTable;

  /** Opens (creating if needed) the database at `path`, normally the engine's strata.sqlite. */
  constructor(path: string) {
    this.db = openDb(path, ENGINE_MIGRATIONS, { synchronous: 'NORMAL' });
    migrateSignals(this.db);
    const db = this.db;
    this.meta = new MetaTable(db, 'signal_meta');
    this.stmts = {
      maxSeq: db.prepare('SELECT MAX(seq) AS seq FROM signal_cycles'),
      insertCycle: db.prepare('INSERT INTO signal_cycles (seq, id, at, ran, failed, aggregate) VALUES (?, ?, ?, ?, ?, ?)'),
      cycles: db.prepare('SELECT * FROM signal_cycles ORDER BY seq DESC LIMIT ?'),
      cycleSignals: db.prepare(`SELECT ${SIGNAL_COLUMNS} FROM signal_signals s JOIN signal_cycles c ON c.seq = s.cycle_seq WHERE s.cycle_seq = ? ORDER BY s.ord`),
      signals: db.prepare(
        `SELECT ${SIGNAL_COLUMNS} FROM signal_signals s JOIN signal_cycles c ON c.seq = s.cycle_seq
         WHERE (@alpha IS NULL OR s.alpha = @alpha) AND (@instrument IS NULL OR s.instrument = @instrument)
         ORDER BY s.cycle_seq DESC, s.ord DESC LIMIT @limit`,
      ),
    };
  }

  loadAlphaConfig(): AlphaConfig[] | undefined {
    const v = this.meta.get(ALPHA_CONFIG);
    return v === undefined ? undefined : (JSON.parse(v) as AlphaConfig[]);
  }

  saveAlphaConfig(config: readonly AlphaConfig[]): void {
    this.meta.set(ALPHA_CONFIG, JSON.stringify(config));
  }

  nextCycleSeq(): number {
    return ((this.stmts.maxSeq!.get() as { seq: number | null }).seq ?? 0) + 1;
  }

  appendCycle(cycle: CycleRecord): void {
    const { seq, id: cycleId, signals } = cycle;
    const values: unknown[] = [];
    for (let ord = 0; ord < signals.length; ord++) {
      const s = signals[ord]!;
      values.push(seq, ord, s.id === derivedSignalId(cycleId, ord) ? null : s.id, s.alpha, s.instrument, s.kind, s.value, s.urgency, s.horizonMs, s.conviction, s.expectedReturn, s.time, JSON.stringify(s.inputs));
    }
    const aggregate = encodeAggregate(cycle.aggregate, signals);
    this.db.transaction(() => {
      this.stmts.insertCycle!.run(seq, cycleId, cycle.at, JSON.stringify(cycle.ran), JSON.stringify(cycle.failed), aggregate);
      const step = CHUNK * SIGNAL_INSERT_COLUMNS;
      for (let i = 0; i < values.length; i += step) {
        const chunk = i === 0 && values.length <= step ? values : values.slice(i, i + step);
        this.insertSignals(chunk.length / SIGNAL_INSERT_COLUMNS).run(chunk);
      }
    })();
  }

  private insertSignals(rows: number): Database.Statement {
    let stmt = this.inserts.get(rows);
    if (!stmt) {
      const row = `(${Array.from({ length: SIGNAL_INSERT_COLUMNS }, () => '?').join(', ')})`;
      stmt = this.db.prepare(
        `INSERT INTO signal_signals (cycle_seq, ord, id, alpha, instrument, kind, value, urgency, horizon_ms, conviction, expected_return, time, inputs)
         VALUES ${Array.from({ length: rows }, () => row).join(', ')}`,
      );
      this.inserts.set(rows, stmt);
    }
    return stmt;
  }

  signals(query: SignalQuery = {}): JournaledSignal[] {
    const rows = this.stmts.signals!.all({ alpha: query.alpha ?? null, instrument: query.instrument ?? null, limit: query.limit ?? 100 }) as SignalRow[];
    return rows.map(rowToSignal);
  }

  cycles(limit = 20): CycleRecord[] {
    return (this.stmts.cycles!.all(limit) as CycleRow[]).map((r) => {
      const signals = (this.stmts.cycleSignals!.all(r.seq) as SignalRow[]).map(rowToSignal);
      return {
        id: r.id,
        seq: r.seq,
        at: r.at,
        ran: JSON.parse(r.ran) as string[],
        failed: JSON.parse(r.failed) as AlphaFailure[],
        signals,
        aggregate: decodeAggregate(r.aggregate, signals),
      };
    });
  }

  lastCycle(): CycleRecord | undefined {
    return this.cycles(1)[0];
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
