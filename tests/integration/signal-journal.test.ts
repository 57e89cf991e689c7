import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { SignalCycle } from '../../src/signals/cycle.ts';
import { MemorySignalJournal } from '../../src/signals/journal.ts';
import type { CycleRecord, SignalJournalPort } from '../../src/signals/journal.ts';
import { defaultAlphaRegistry } from '../../src/signals/registry.ts';
import { createAlphaView } from '../../src/signals/view.ts';
import { SqliteOrderJournal } from '../../src/store/sqlite/order-journal.ts';
import { SqliteRiskStore } from '../../src/store/sqlite/risk-store.ts';
import { openDb } from '../../src/store/sqlite/db.ts';
import { ENGINE_MIGRATIONS } from '../../src/store/sqlite/order-journal.ts';
import { SIGNAL_MIGRATIONS, SqliteSignalJournal, migrateSignals } from '../../src/store/sqlite/signal-journal.ts';
import { syntheticHistory } from '../fixtures/signals/bars.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2021, 0, 1);
const open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function dbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'strata-signals-')), 'strata.sqlite');
}

function sqlite(path: string): SqliteSignalJournal {
  const j = new SqliteSignalJournal(path);
  open.push(j);
  return j;
}

/** Runs 40 daily cycles of the strategic allocation, SMA cross and statistical model over 4 instruments. */
function runCycles(journal: SignalJournalPort): CycleRecord[] {
  const { history } = syntheticHistory(4, 400, 9, T0);
  const clock = new SimClock(T0);
  const registry = defaultAlphaRegistry();
  registry.set('strategic', 'targets', '{"S000":0.3,"S001":0.3,"CASH":0.4}');
  registry.enable('sma-cross');
  registry.set('sma-cross', 'mode', 'state');
  registry.enable('model');
  registry.set('model', 'feeBps', '0');
  registry.set('model', 'thresholdBps', '0');
  const cycle = new SignalCycle(registry, createAlphaView(history, clock), journal);
  const out: CycleRecord[] = [];
  for (let d = 300; d < 340; d++) {
    clock.advanceTo(T0 + d * DAY);
    out.push(cycle.run());
  }
  return out;
}

describe('signal journal: SQLite and memory implementations of one port', () => {
  it('when the same cycles are journaled in both then every read gives the same answer', () => {
    const mem = new MemorySignalJournal();
    const db = sqlite(dbPath());
    const a = runCycles(mem);
    const b = runCycles(db);
    expect(b).toEqual(a);
    expect(db.nextCycleSeq()).toBe(41);
    expect(db.cycles(5)).toEqual(mem.cycles(5));
    expect(db.lastCycle()).toEqual(mem.lastCycle());
    for (const q of [{}, { alpha: 'model' }, { instrument: 'S001', limit: 7 }, { alpha: 'strategic', instrument: 'CASH' }]) {
      expect(db.signals(q)).toEqual(mem.signals(q));
    }
    const model = db.signals({ alpha: 'model', limit: 1 })[0]!;
    expect(model.expectedReturn).not.toBeNull();
    expect(model.inputs).toHaveProperty('coefficients');
    expect(model.inputs).toHaveProperty('oosHitRate');
  });

  it('when the file is reopened then the journal, cycle sequence and attribution are intact', () => {
    const path = dbPath();
    const first = new SqliteSignalJournal(path);
    const written = runCycles(first);
    first.close();
    const again = sqlite(path);
    expect(again.nextCycleSeq()).toBe(written.length + 1);
    const last = again.lastCycle()!;
    expect(last).toEqual(written[written.length - 1]);
    const s0 = last.aggregate.targets.find((t) => t.instrument === 'S000')!;
    expect(s0.contributions.map((c) => c.alpha)).toContain('strategic');
  });

  it('when the engine database already holds the order journal and the risk tables then the signal tables join them', () => {
    const path = dbPath();
    open.push(new SqliteOrderJournal(path), new SqliteRiskStore(path));
    const j = sqlite(path);
    expect(j.nextCycleSeq()).toBe(1);
    const tables = (j.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['orders', 'risk_limits', 'signal_cycles', 'signal_signals', 'signal_schema']));
  });

  it('when the alpha configuration is saved then a reopened journal gives it back and a registry restores from it', () => {
    const path = dbPath();
    const first = new SqliteSignalJournal(path);
    expect(first.loadAlphaConfig()).toBeUndefined();
    const r = defaultAlphaRegistry();
    r.enable('model');
    r.set('model', 'lambda', '3');
    first.saveAlphaConfig(r.exportConfig());
    first.close();
    const again = sqlite(path);
    const restored = defaultAlphaRegistry();
    restored.importConfig(again.loadAlphaConfig()!);
    expect(restored.info('model')).toMatchObject({ enabled: true, params: { lambda: 3 } });
  });

  it('when a cycle sequence is reused then the write fails and nothing of it is kept', () => {
    const j = sqlite(dbPath());
    const [c1] = runCycles(j);
    expect(() => j.appendCycle({ ...c1!, id: 'C-x' })).toThrow();
    expect(j.cycles(100)).toHaveLength(40);
  });

  it('when a database written by the first signal schema is opened then the cycles read back as they were written', () => {
    const path = dbPath();
    const cycles = runCycles(new MemorySignalJournal());
    // The first schema and the rows as its journal wrote them: text signal ids, the aggregate as a JSON object.
    const old = openDb(path, ENGINE_MIGRATIONS, { synchronous: 'NORMAL' });
    migrateSignals(old, SIGNAL_MIGRATIONS.slice(0, 1));
    const insertCycle = old.prepare('INSERT INTO signal_cycles (seq, id, at, ran, failed, aggregate) VALUES (?, ?, ?, ?, ?, ?)');
    const insertSignal = old.prepare(
      'INSERT INTO signal_signals (id, cycle_seq, ord, alpha, instrument, kind, value, urgency, horizon_ms, conviction, expected_return, time, inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    old.transaction(() => {
      for (const c of cycles) {
        insertCycle.run(c.seq, c.id, c.at, JSON.stringify(c.ran), JSON.stringify(c.failed), JSON.stringify(c.aggregate));
        c.signals.forEach((s, ord) => insertSignal.run(s.id, c.seq, ord, s.alpha, s.instrument, s.kind, s.value, s.urgency, s.horizonMs, s.conviction, s.expectedReturn, s.time, JSON.stringify(s.inputs)));
      }
    })();
    old.close();

    const mem = new MemorySignalJournal();
    for (const c of cycles) mem.appendCycle(c);
    const j = sqlite(path);
    expect((j.db.prepare('SELECT version FROM signal_schema').get() as { version: number }).version).toBe(SIGNAL_MIGRATIONS.length);
    expect(j.cycles(100)).toEqual(mem.cycles(100));
    for (const q of [{}, { alpha: 'model' }, { instrument: 'S001', limit: 7 }, { alpha: 'strategic', instrument: 'CASH' }]) {
      expect(j.signals(q)).toEqual(mem.signals(q));
    }
    // The upgraded journal goes on from where the old one stopped.
    expect(j.nextCycleSeq()).toBe(cycles.length + 1);
    const next = runCycles(new MemorySignalJournal())[0]!;
    const appended = { ...next, seq: cycles.length + 1, id: `C-${cycles.length + 1}`, signals: next.signals.map((s, i) => ({ ...s, id: `C-${cycles.length + 1}-${i + 1}`, cycleId: `C-${cycles.length + 1}` })) };
    j.appendCycle(appended);
    expect(j.lastCycle()).toEqual(appended);
  });

  it('when a signal carries an id of its own then it is kept, and a second signal with that id is refused', () => {
    const j = sqlite(dbPath());
    const [c1, c2] = runCycles(new MemorySignalJournal());
    const own = { ...c1!, signals: c1!.signals.map((s, i) => (i === 0 ? { ...s, id: 'manual-1' } : s)) };
    j.appendCycle(own);
    expect(j.cycles(1)[0]!.signals.map((s) => s.id)).toEqual(own.signals.map((s) => s.id));
    expect(j.signals({ limit: 1000 }).find((s) => s.id === 'manual-1')).toEqual(own.signals[0]);
    const clash = { ...c2!, signals: c2!.signals.map((s, i) => (i === 0 ? { ...s, id: 'manual-1' } : s)) };
    expect(() => j.appendCycle(clash)).toThrow();
    expect(j.cycles(100)).toHaveLength(1);
  });
});
