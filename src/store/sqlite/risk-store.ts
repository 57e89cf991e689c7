import type { BreakerAction, BreakerEvent, BreakerName } from '../../risk/circuit-breakers.ts';
import type { BreakerCode } from '../../risk/codes.ts';
import { LIMIT_DEFS, UNIT_DECIMALS, formatLimitValue, groupRecord, isLimitName, parseScopeKey, scopeKey } from '../../risk/limits.ts';
import type { LimitBook, LimitChange, LimitEntry, LimitLevels, LimitName } from '../../risk/limits.ts';
import type { AuditMeta, AuditQuery, LimitAuditEntry, RiskStorePort } from '../../risk/ports.ts';
import type { StateCause, StateTransition, TradingMode } from '../../risk/trading-state.ts';
import { toUnits } from '../../core/precision.ts';
import { MetaTable, openDb } from './db.ts';
import type { Db } from './db.ts';
import { ENGINE_MIGRATIONS } from './order-journal.ts';

/**
 * L1's storage on SQLite: limits, their audit log, the trading-state log and the breaker log, in
 * tables prefixed `risk_`. Meant to live in the engine database next to the journal (opening it
 * applies the engine's migrations like the journal does, so either may open the file first); the
 * risk tables have their own migration list, versioned in `risk_schema` because SQLite's
 * user_version belongs to the engine's list. synchronous=FULL: a limit change or a halt is durable
 * when the call returns. Limit values are stored as exact decimal text in the limit's unit.
 */
export const RISK_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE risk_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE risk_limits (
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    soft TEXT,
    hard TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (name, scope)
  );
  CREATE TABLE risk_groups (name TEXT PRIMARY KEY, symbols TEXT NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE risk_limit_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('limit', 'group')),
    name TEXT NOT NULL,
    scope TEXT,
    old_soft TEXT,
    old_hard TEXT,
    new_soft TEXT,
    new_hard TEXT,
    old_symbols TEXT,
    new_symbols TEXT
  );
  CREATE INDEX risk_limit_audit_name ON risk_limit_audit(name);
  CREATE TABLE risk_state_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    from_mode TEXT NOT NULL CHECK (from_mode IN ('ACTIVE', 'REDUCING', 'HALTED')),
    to_mode TEXT NOT NULL CHECK (to_mode IN ('ACTIVE', 'REDUCING', 'HALTED')),
    source TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    actor TEXT,
    kill_switch INTEGER NOT NULL
  );
  CREATE TABLE risk_breaker_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    breaker TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('trip', 'reset')),
    code TEXT NOT NULL,
    symbol TEXT,
    cause TEXT NOT NULL,
    action TEXT NOT NULL
  );
  `,
];

const INITIALISED = 'limits_initialised';

/** Applies the risk migrations not yet applied, each in its own transaction. */
export function migrateRisk(db: Db, migrations: readonly string[] = RISK_MIGRATIONS): void {
  db.exec('CREATE TABLE IF NOT EXISTS risk_schema (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM risk_schema').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > migrations.length) throw new Error(`risk schema version ${current} is newer than this build (${migrations.length})`);
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.prepare('DELETE FROM risk_schema').run();
      db.prepare('INSERT INTO risk_schema (version) VALUES (?)').run(v + 1);
    })();
  }
}

interface LimitRow {
  name: string;
  scope: string;
  soft: string | null;
  hard: string;
}
interface GroupRow {
  name: string;
  symbols: string;
}
interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  source: string;
  reason: string | null;
  kind: 'limit' | 'group';
  name: string;
  scope: string | null;
  old_soft: string | null;
  old_hard: string | null;
  new_soft: string | null;
  new_hard: string | null;
  old_symbols: string | null;
  new_symbols: string | null;
}
interface StateRow {
  seq: number;
  at: number;
  from_mode: string;
  to_mode: string;
  source: string;
  code: string;
  message: string;
  actor: string | null;
  kill_switch: number;
}
interface BreakerRow {
  seq: number;
  at: number;
  breaker: string;
  type: string;
  code: string;
  symbol: string | null;
  cause: string;
  action: string;
}

function units(name: LimitName, text: string): bigint {
  return toUnits(text, UNIT_DECIMALS[LIMIT_DEFS[name].unit]);
}

function levelsFrom(name: LimitName, soft: string | null, hard: string | null): LimitLevels | null {
  if (hard === null) return null;
  return { hard: units(name, hard), soft: soft === null ? null : units(name, soft) };
}

function rowToTransition(r: StateRow): StateTransition {
  const cause: StateCause = { source: r.source as StateCause['source'], code: r.code, message: r.message };
  if (r.actor !== null) cause.actor = r.actor;
  return { seq: r.seq, at: r.at, from: r.from_mode as TradingMode, to: r.to_mode as TradingMode, cause, killSwitch: r.kill_switch !== 0 };
}

export class SqliteRiskStore implements RiskStorePort {
  readonly db: Db;
  private readonly stmts;
  private readonly meta: MetaTable;

  /** Opens (creating if needed) the database at `path`, normally the engine's strata.sqlite. */
  constructor(path: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}) {
    this.db = openDb(path, ENGINE_MIGRATIONS, { synchronous: opts.synchronous ?? 'FULL' });
    migrateRisk(this.db);
    const db = this.db;
    this.meta = new MetaTable(db, 'risk_meta');
    this.stmts = {
      limits: db.prepare('SELECT name, scope, soft, hard FROM risk_limits ORDER BY name, scope'),
      groups: db.prepare('SELECT name, symbols FROM risk_groups ORDER BY name'),
      upsertLimit: db.prepare(
        'INSERT INTO risk_limits (name, scope, soft, hard, updated_at) VALUES (@name, @scope, @soft, @hard, @at) ON CONFLICT(name, scope) DO UPDATE SET soft = excluded.soft, hard = excluded.hard, updated_at = excluded.updated_at',
      ),
      deleteLimit: db.prepare('DELETE FROM risk_limits WHERE name = ? AND scope = ?'),
      upsertGroup: db.prepare('INSERT INTO risk_groups (name, symbols, updated_at) VALUES (@name, @symbols, @at) ON CONFLICT(name) DO UPDATE SET symbols = excluded.symbols, updated_at = excluded.updated_at'),
      deleteGroup: db.prepare('DELETE FROM risk_groups WHERE name = ?'),
      audit: db.prepare(
        `INSERT INTO risk_limit_audit (at, actor, source, reason, kind, name, scope, old_soft, old_hard, new_soft, new_hard, old_symbols, new_symbols)
         VALUES (@at, @actor, @source, @reason, @kind, @name, @scope, @old_soft, @old_hard, @new_soft, @new_hard, @old_symbols, @new_symbols)`,
      ),
      appendState: db.prepare(
        'INSERT INTO risk_state_log (seq, at, from_mode, to_mode, source, code, message, actor, kill_switch) VALUES (@seq, @at, @from_mode, @to_mode, @source, @code, @message, @actor, @kill_switch)',
      ),
      stateLog: db.prepare('SELECT * FROM (SELECT * FROM risk_state_log ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
      lastState: db.prepare('SELECT * FROM risk_state_log ORDER BY seq DESC LIMIT 1'),
      appendBreaker: db.prepare('INSERT INTO risk_breaker_log (at, breaker, type, code, symbol, cause, action) VALUES (@at, @breaker, @type, @code, @symbol, @cause, @action)'),
      breakerLog: db.prepare('SELECT * FROM (SELECT * FROM risk_breaker_log ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
    };
  }

  loadLimits(): LimitBook | undefined {
    if (this.getMeta(INITIALISED) === undefined) return undefined;
    const entries: LimitEntry[] = [];
    for (const r of this.stmts.limits.all() as LimitRow[]) {
      const scope = parseScopeKey(r.scope);
      // A limit this build no longer knows is left in the table and ignored.
      if (!isLimitName(r.name) || !scope) continue;
      entries.push({ name: r.name, scope, ...levelsFrom(r.name, r.soft, r.hard)! });
    }
    const groups = groupRecord((this.stmts.groups.all() as GroupRow[]).map((g) => [g.name, JSON.parse(g.symbols) as string[]] as const));
    return { entries, groups };
  }

  commitLimitChanges(changes: readonly LimitChange[], meta: AuditMeta): void {
    this.db.transaction(() => {
      for (const c of changes) {
        const base = { at: meta.at, actor: meta.actor, source: meta.source, reason: meta.reason };
        if (c.kind === 'limit') {
          const scope = scopeKey(c.scope);
          const fmt = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : formatLimitValue(c.name, v));
          if (c.after) this.stmts.upsertLimit.run({ name: c.name, scope, soft: fmt(c.after.soft), hard: fmt(c.after.hard), at: meta.at });
          else this.stmts.deleteLimit.run(c.name, scope);
          this.stmts.audit.run({
            ...base,
            kind: 'limit',
            name: c.name,
            scope,
            old_soft: fmt(c.before?.soft),
            old_hard: fmt(c.before?.hard),
            new_soft: fmt(c.after?.soft),
            new_hard: fmt(c.after?.hard),
            old_symbols: null,
            new_symbols: null,
          });
        } else {
          if (c.after) this.stmts.upsertGroup.run({ name: c.group, symbols: JSON.stringify(c.after), at: meta.at });
          else this.stmts.deleteGroup.run(c.group);
          this.stmts.audit.run({
            ...base,
            kind: 'group',
            name: c.group,
            scope: null,
            old_soft: null,
            old_hard: null,
            new_soft: null,
            new_hard: null,
            old_symbols: c.before ? JSON.stringify(c.before) : null,
            new_symbols: c.after ? JSON.stringify(c.after) : null,
          });
        }
      }
      this.meta.set(INITIALISED, String(meta.at));
    })();
  }

  limitAudit(query: AuditQuery = {}): LimitAuditEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.name !== undefined) {
      where.push("kind = 'limit' AND name = ?");
      params.push(query.name);
    }
    if (query.group !== undefined) {
      where.push(query.name !== undefined ? 'scope = ?' : "((kind = 'group' AND name = ?) OR scope = ?)");
      if (query.name === undefined) params.push(query.group);
      params.push(`group:${query.group}`);
    }
    const sql = `SELECT * FROM risk_limit_audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    params.push(query.limit ?? 100);
    const out: LimitAuditEntry[] = [];
    for (const r of this.db.prepare(sql).all(...params) as AuditRow[]) {
      const meta = { seq: r.seq, at: r.at, actor: r.actor, source: r.source, reason: r.reason };
      if (r.kind === 'group') {
        out.push({ ...meta, change: { kind: 'group', group: r.name, before: r.old_symbols ? (JSON.parse(r.old_symbols) as string[]) : null, after: r.new_symbols ? (JSON.parse(r.new_symbols) as string[]) : null } });
        continue;
      }
      const scope = r.scope !== null ? parseScopeKey(r.scope) : undefined;
      if (!isLimitName(r.name) || !scope) continue;
      out.push({ ...meta, change: { kind: 'limit', name: r.name, scope, before: levelsFrom(r.name, r.old_soft, r.old_hard), after: levelsFrom(r.name, r.new_soft, r.new_hard) } });
    }
    return out;
  }

  appendStateTransition(t: StateTransition): void {
    this.stmts.appendState.run({
      seq: t.seq,
      at: t.at,
      from_mode: t.from,
      to_mode: t.to,
      source: t.cause.source,
      code: t.cause.code,
      message: t.cause.message,
      actor: t.cause.actor ?? null,
      kill_switch: t.killSwitch ? 1 : 0,
    });
  }

  stateLog(limit = 1000): StateTransition[] {
    return (this.stmts.stateLog.all(limit) as StateRow[]).map(rowToTransition);
  }

  lastStateTransition(): StateTransition | undefined {
    const r = this.stmts.lastState.get() as StateRow | undefined;
    return r ? rowToTransition(r) : undefined;
  }

  appendBreakerEvent(e: BreakerEvent): void {
    this.stmts.appendBreaker.run({ at: e.at, breaker: e.breaker, type: e.type, code: e.code, symbol: e.symbol ?? null, cause: e.cause, action: JSON.stringify(e.action) });
  }

  breakerLog(limit = 1000): BreakerEvent[] {
    return (this.stmts.breakerLog.all(limit) as BreakerRow[]).map((r) => {
      const e: BreakerEvent = { breaker: r.breaker as BreakerName, type: r.type as 'trip' | 'reset', at: r.at, code: r.code as BreakerCode, cause: r.cause, action: JSON.parse(r.action) as BreakerAction };
      if (r.symbol !== null) e.symbol = r.symbol;
      return e;
    });
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
