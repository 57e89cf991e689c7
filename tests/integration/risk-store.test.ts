import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CASH_DECIMALS } from '../../src/core/instrument.ts';
import { toUnits } from '../../src/core/precision.ts';
import type { BreakerEvent } from '../../src/risk/circuit-breakers.ts';
import { EMPTY_LIMIT_BOOK, GLOBAL, applyLimitCommand, defaultLimitBook, diffLimitBooks, getEntry, parseLimitCommand } from '../../src/risk/limits.ts';
import type { LimitBook } from '../../src/risk/limits.ts';
import { RiskService } from '../../src/risk/risk-service.ts';
import { TradingState } from '../../src/risk/trading-state.ts';
import { ENGINE_MIGRATIONS, SqliteOrderJournal } from '../../src/store/sqlite/order-journal.ts';
import { RISK_MIGRATIONS, SqliteRiskStore } from '../../src/store/sqlite/risk-store.ts';

const T0 = Date.UTC(2026, 0, 7, 10, 0);
const cash = (s: string): bigint => toUnits(s, CASH_DECIMALS);
const who = (at: number, reason: string | null = null) => ({ at, actor: 'alice', source: 'cli', reason });

const open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function dbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'strata-risk-')), 'strata.sqlite');
}

function store(path: string): SqliteRiskStore {
  const s = new SqliteRiskStore(path);
  open.push(s);
  return s;
}

function apply(book: LimitBook, text: string): { book: LimitBook; changes: ReturnType<typeof diffLimitBooks> } {
  const p = parseLimitCommand(text);
  if (!p.ok) throw new Error(p.error.message);
  const a = applyLimitCommand(book, p.command);
  if (!a.ok) throw new Error(a.error.message);
  return { book: a.book, changes: a.changes };
}

describe('SqliteRiskStore: limits', () => {
  it('when limits were never saved then loadLimits is undefined; an empty commit marks them initialised', () => {
    const s = store(dbPath());
    expect(s.loadLimits()).toBeUndefined();
    s.commitLimitChanges([], who(T0));
    expect(s.loadLimits()).toEqual(EMPTY_LIMIT_BOOK);
    expect(s.limitAudit()).toEqual([]);
  });

  it('when the default book is saved then it round-trips exactly through a reopened file', () => {
    const path = dbPath();
    const defaults = defaultLimitBook();
    const first = new SqliteRiskStore(path);
    first.commitLimitChanges(diffLimitBooks(EMPTY_LIMIT_BOOK, defaults), { at: T0, actor: 'system', source: 'defaults', reason: 'first start' });
    first.close();
    const loaded = store(path).loadLimits()!;
    expect(diffLimitBooks(loaded, defaults)).toEqual([]);
    expect(loaded.entries).toHaveLength(defaults.entries.length);
    expect(loaded.groups).toEqual(defaults.groups);
  });

  it('when values carry every decimal of their unit then they are stored exactly', () => {
    const s = store(dbPath());
    const { changes } = apply(EMPTY_LIMIT_BOOK, 'set max_order_notional 1234567.12345678 --soft 0.00000001');
    s.commitLimitChanges(changes, who(T0));
    expect(getEntry(s.loadLimits()!, 'max_order_notional', GLOBAL)).toMatchObject({ hard: cash('1234567.12345678'), soft: 1n });
    const raw = s.db.prepare('SELECT soft, hard FROM risk_limits').get();
    expect(raw).toEqual({ soft: '0.00000001', hard: '1234567.12345678' });
  });

  it('when limits change then each change is audited with who, where, why, when, old and new', () => {
    const s = store(dbPath());
    let book = defaultLimitBook();
    s.commitLimitChanges(diffLimitBooks(EMPTY_LIMIT_BOOK, book), { at: T0, actor: 'system', source: 'defaults', reason: null });
    const seeded = s.limitAudit({ limit: 1000 }).length;

    let step = apply(book, 'set max_order_notional --soft 50000');
    s.commitLimitChanges(step.changes, who(T0 + 1, 'tighter for the open'));
    book = step.book;
    step = apply(book, 'unset max_leverage');
    s.commitLimitChanges(step.changes, who(T0 + 2));
    book = step.book;
    step = apply(book, 'group majors BTC/USDT,SPY');
    s.commitLimitChanges(step.changes, who(T0 + 3));
    book = step.book;
    step = apply(book, 'set max_net_exposure 100000 --group majors');
    s.commitLimitChanges(step.changes, { at: T0 + 4, actor: 'ui-7', source: 'ui', reason: null });
    book = step.book;

    const audit = s.limitAudit();
    expect(audit).toHaveLength(seeded + 4);
    expect(audit[0]).toMatchObject({ at: T0 + 4, actor: 'ui-7', source: 'ui', change: { kind: 'limit', name: 'max_net_exposure', scope: { kind: 'group', group: 'majors' }, before: null, after: { hard: cash('100000'), soft: null } } });
    expect(audit[1]).toMatchObject({ at: T0 + 3, change: { kind: 'group', group: 'majors', before: null, after: ['BTC/USDT', 'SPY'] } });
    expect(audit[2]).toMatchObject({ at: T0 + 2, change: { kind: 'limit', name: 'max_leverage', before: { hard: 12_500n, soft: 10_000n }, after: null } });
    expect(audit[3]).toEqual({
      seq: seeded + 1,
      at: T0 + 1,
      actor: 'alice',
      source: 'cli',
      reason: 'tighter for the open',
      change: { kind: 'limit', name: 'max_order_notional', scope: GLOBAL, before: { hard: cash('250000'), soft: cash('100000') }, after: { hard: cash('250000'), soft: cash('50000') } },
    });

    expect(s.limitAudit({ name: 'max_order_notional' }).map((a) => a.at)).toEqual([T0 + 1, T0]);
    expect(s.limitAudit({ group: 'majors' }).map((a) => a.at)).toEqual([T0 + 4, T0 + 3]);
    expect(s.limitAudit({ limit: 2 })).toHaveLength(2);
    expect(diffLimitBooks(s.loadLimits()!, book)).toEqual([]);
  });

  it('when a commit fails halfway then nothing of it is applied', () => {
    const s = store(dbPath());
    const { changes } = apply(EMPTY_LIMIT_BOOK, 'set max_order_notional 1000');
    s.db.exec("CREATE TRIGGER no_leverage BEFORE INSERT ON risk_limits WHEN NEW.name = 'max_leverage' BEGIN SELECT RAISE(ABORT, 'boom'); END");
    const bad = [...changes, ...apply(EMPTY_LIMIT_BOOK, 'set max_leverage 2').changes];
    expect(() => s.commitLimitChanges(bad, who(T0))).toThrow(/boom/);
    expect(s.loadLimits()).toBeUndefined();
    expect(s.limitAudit()).toEqual([]);
  });
});

describe('SqliteRiskStore: trading state and breakers', () => {
  it('when transitions are logged then they come back in order with their causes, and the last restores the state after a reopen', () => {
    const path = dbPath();
    const first = new SqliteRiskStore(path);
    const st = new TradingState(first.lastStateTransition());
    const safe = st.tighten('REDUCING', { source: 'breaker', code: 'BREAKER_VENUE_DISCONNECT', message: 'venue disconnected for 31 s' }, T0);
    if (!safe.ok || !safe.transition) throw new Error('expected a transition');
    first.appendStateTransition(safe.transition);
    first.appendStateTransition(st.killSwitch({ source: 'operator', code: 'KILL_SWITCH', message: 'flatten', actor: 'alice' }, T0 + 1).transition!);
    first.close();

    const s = store(path);
    expect(s.stateLog()).toEqual([
      { seq: 1, from: 'ACTIVE', to: 'REDUCING', at: T0, cause: { source: 'breaker', code: 'BREAKER_VENUE_DISCONNECT', message: 'venue disconnected for 31 s' }, killSwitch: false },
      { seq: 2, from: 'REDUCING', to: 'HALTED', at: T0 + 1, cause: { source: 'operator', code: 'KILL_SWITCH', message: 'flatten', actor: 'alice' }, killSwitch: true },
    ]);
    expect(s.stateLog(1).map((t) => t.seq)).toEqual([2]);
    const restored = new TradingState(s.lastStateTransition());
    expect(restored.mode).toBe('HALTED');
    expect(restored.resumeToken()).toBe('RESUME-HALTED-2');
    // A sequence number is logged once.
    expect(() => s.appendStateTransition(s.lastStateTransition()!)).toThrow();
  });

  it('when breaker events are logged then they round-trip with their actions', () => {
    const s = store(dbPath());
    const events: BreakerEvent[] = [
      { breaker: 'instrument_move', type: 'trip', at: T0, code: 'BREAKER_INSTRUMENT_MOVE', cause: 'BTC/USDT moved +6%', symbol: 'BTC/USDT', action: { kind: 'block_symbol', symbol: 'BTC/USDT', until: T0 + 900_000 } },
      { breaker: 'daily_drawdown', type: 'trip', at: T0 + 1, code: 'BREAKER_DAILY_DRAWDOWN', cause: 'daily drawdown 5% reached 5%', action: { kind: 'trading_state', to: 'HALTED' } },
    ];
    for (const e of events) s.appendBreakerEvent(e);
    expect(s.breakerLog()).toEqual(events);
    expect(s.breakerLog(1)).toEqual([events[1]]);
  });

  it('when meta values are set then they persist', () => {
    const s = store(dbPath());
    expect(s.getMeta('k')).toBeUndefined();
    s.setMeta('k', 'v1');
    s.setMeta('k', 'v2');
    expect(s.getMeta('k')).toBe('v2');
  });
});

describe('SqliteRiskStore: sharing the engine database', () => {
  it('when the journal opens the file first or second then both work and each keeps its own schema version', () => {
    for (const journalFirst of [true, false]) {
      const path = dbPath();
      const j1 = journalFirst ? new SqliteOrderJournal(path) : undefined;
      const r = new SqliteRiskStore(path);
      const j = j1 ?? new SqliteOrderJournal(path);
      j.setMeta('id_prefix', 'SABC');
      r.setMeta('x', 'y');
      r.commitLimitChanges(apply(EMPTY_LIMIT_BOOK, 'set max_order_notional 5').changes, who(T0));
      expect(Number(r.db.pragma('user_version', { simple: true }))).toBe(ENGINE_MIGRATIONS.length);
      expect(r.db.prepare('SELECT version FROM risk_schema').get()).toEqual({ version: RISK_MIGRATIONS.length });
      expect(j.getMeta('id_prefix')).toBe('SABC');
      j.close();
      r.close();
      // Reopening applies nothing twice.
      const again = store(path);
      expect(again.getMeta('x')).toBe('y');
      expect(again.loadLimits()!.entries).toHaveLength(1);
      const tables = (again.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'risk_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(['risk_breaker_log', 'risk_groups', 'risk_limit_audit', 'risk_limits', 'risk_meta', 'risk_schema', 'risk_state_log']);
    }
  });

  it('when a RiskService runs on the SQLite store then defaults, updates and a halt survive a restart', () => {
    const path = dbPath();
    const deps = {
      instrumentOf: () => undefined,
      exposure: { cashUnits: () => cash('1000000'), positions: () => [], workingOrders: () => [], algoParents: () => [] },
      market: { ref: () => undefined, bid: () => undefined, ask: () => undefined },
    };
    const s1 = new SqliteRiskStore(path);
    const svc = new RiskService({ ...deps, store: s1 }, T0);
    expect(svc.updateLimits('set max_order_notional 300000 --soft 150000', who(T0 + 1))).toMatchObject({ ok: true });
    svc.killSwitch({ source: 'operator', code: 'KILL_SWITCH', message: 'test' }, T0 + 2);
    s1.close();

    const s2 = store(path);
    const again = new RiskService({ ...deps, store: s2 }, T0 + 10);
    expect(again.mode).toBe('HALTED');
    expect(getEntry(again.limits, 'max_order_notional', GLOBAL)).toMatchObject({ hard: cash('300000'), soft: cash('150000') });
    expect(diffLimitBooks(again.limits, defaultLimitBook()).length).toBe(1);
    expect(s2.limitAudit({ name: 'max_order_notional' }).map((a) => a.source)).toEqual(['cli', 'defaults']);
  });
});
