import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirError, markAccountDir, prepareAccountDir, prepareDataDir } from '../../../src/host/data-dir.ts';

/** Issue 8, D5-D8: what a start checks about its data directory before the engine writes anything. */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o700);
    rmSync(d, { recursive: true, force: true });
  }
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-unit-datadir-'));
  dirs.push(d);
  return d;
}

function refusal(fn: () => unknown): DataDirError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataDirError) return err;
    throw err;
  }
  throw new Error('expected the start to be refused');
}

describe('prepareDataDir', () => {
  it.each(['/proc/x', '/proc', '/sys/strata', '/dev/shm/strata'])('when the data dir is %s then it fails at once naming the path, and creates nothing', (p) => {
    const lines: string[] = [];
    const err = refusal(() => prepareDataDir(p, { say: (l) => lines.push(l), platform: 'linux' }));
    expect(err.message).toContain(p);
    expect(err.message).toMatch(/cannot hold a data directory/);
    expect(lines).toEqual([]);
  });

  it('when the data dir is a file then the start is refused naming it', () => {
    const f = join(tmp(), 'not-a-dir');
    writeFileSync(f, 'x');
    expect(refusal(() => prepareDataDir(f, { say: () => undefined })).message).toBe(`${f}: exists and is not a directory; choose another --data-dir`);
  });

  it('when the data dir does not exist then it is announced once in words, created 0700, and marked new', () => {
    const d = join(tmp(), 'typo', 'strata');
    const lines: string[] = [];
    const r = prepareDataDir(d, { say: (l) => lines.push(l) });
    expect(r.created).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/does not exist; creating it for a new, empty account/);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    // The second start is quiet.
    const again: string[] = [];
    writeFileSync(join(d, 'strata.sqlite'), 'journal');
    expect(prepareDataDir(d, { say: (l) => again.push(l) }).created).toBe(false);
    expect(again).toEqual([]);
  });

  // Skipped as root (CI's container runs as root): root writes into a mode-0500 directory, so the
  // read-only case cannot be made there; it runs for any other user.
  it.skipIf(process.getuid?.() === 0)('when the data dir is read-only then one line says so and names it', () => {
    const d = tmp();
    chmodSync(d, 0o500);
    const err = refusal(() => prepareDataDir(d, { say: () => undefined }));
    expect(err.message).toMatch(new RegExp(`^${d}: the data directory is not writable \\(E[A-Z]+\\)`));
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it.each([
    ['missing', (_d: string) => undefined],
    ['zero bytes', (d: string) => writeFileSync(join(d, 'strata.sqlite'), '')],
  ])('when the journal is %s beside a venue store with history then the start is refused with the way forward', (_what, arrange) => {
    const d = tmp();
    arrange(d);
    writeFileSync(join(d, 'sim-venue.sqlite'), 'SQLite format 3\0...old filled orders');
    const err = refusal(() => prepareDataDir(d, { say: () => undefined }));
    expect(err.message).toContain(join(d, 'strata.sqlite'));
    expect(err.message).toContain('sim-venue.sqlite');
    expect(err.message).toMatch(/Restore strata\.sqlite from a backup, or start a new account here with --fresh/);
    expect(readdirSync(d).sort()).toEqual(existsSync(join(d, 'strata.sqlite')) ? ['sim-venue.sqlite', 'strata.sqlite'] : ['sim-venue.sqlite']);
  });

  it('when only a WAL holds the journal then it is not taken for empty', () => {
    const d = tmp();
    writeFileSync(join(d, 'strata.sqlite'), '');
    writeFileSync(join(d, 'strata.sqlite-wal'), 'pages');
    writeFileSync(join(d, 'sim-venue.sqlite'), 'old');
    expect(prepareDataDir(d, { say: () => undefined }).created).toBe(false);
  });

  it('when --fresh is given beside an empty journal then the old files are moved aside, not deleted, and said so', () => {
    const d = tmp();
    writeFileSync(join(d, 'strata.sqlite'), '');
    writeFileSync(join(d, 'sim-venue.sqlite'), 'old');
    mkdirSync(join(d, 'logs'));
    writeFileSync(join(d, 'logs', 'engine.log'), '{"msg":"old"}\n');
    writeFileSync(join(d, 'risk-config.json'), '{}');
    const lines: string[] = [];
    const r = prepareDataDir(d, { fresh: true, say: (l) => lines.push(l), now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(r.movedAsideTo).toBe(join(d, 'before-fresh-2026-01-02T03-04-05-000Z'));
    expect(readdirSync(r.movedAsideTo!).sort()).toEqual(['logs', 'sim-venue.sqlite', 'strata.sqlite']);
    expect(readdirSync(d).sort()).toEqual(['before-fresh-2026-01-02T03-04-05-000Z', 'risk-config.json']);
    expect(lines).toEqual([expect.stringContaining('--fresh: a new account starts in')]);
  });

  it('when --fresh is given beside a journal that holds an account then it is refused', () => {
    const d = tmp();
    writeFileSync(join(d, 'strata.sqlite'), 'journal');
    expect(refusal(() => prepareDataDir(d, { fresh: true, say: () => undefined })).message).toMatch(/--fresh starts over only when strata\.sqlite is missing or empty/);
  });

  it('when the data dir holds world-readable files then the directory becomes 0700 and its files 0600', () => {
    const d = tmp();
    chmodSync(d, 0o755);
    for (const f of ['strata.sqlite', 'strata.sqlite-wal', 'sim-venue.sqlite', 'connection.json']) writeFileSync(join(d, f), 'x', { mode: 0o644 });
    mkdirSync(join(d, 'logs'), { mode: 0o755 });
    writeFileSync(join(d, 'logs', 'engine.log'), 'x', { mode: 0o644 });
    prepareDataDir(d, { say: () => undefined });
    expect(statSync(d).mode & 0o777).toBe(0o700);
    for (const f of ['strata.sqlite', 'strata.sqlite-wal', 'sim-venue.sqlite', 'connection.json', join('logs', 'engine.log')]) expect(statSync(join(d, f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(d, 'logs')).mode & 0o777).toBe(0o700);
  });
});

describe('start-up errors name the file (issue 8, D7)', () => {
  it('when the journal is not a database then the error names strata.sqlite', async () => {
    const { SqliteOrderJournal } = await import('../../../src/store/sqlite/order-journal.ts');
    const d = tmp();
    const f = join(d, 'strata.sqlite');
    writeFileSync(f, 'this is not a database, just some text long enough to have a header page '.repeat(20));
    expect(() => new SqliteOrderJournal(f)).toThrow(new RegExp(`^${f}: file is not a database`));
  });
});

describe('prepareAccountDir (issue 13: the same guard for exchange accounts under accounts/)', () => {
  it('when an account journal is zero bytes beside the account marker then the start is refused with the way forward; --fresh moves the old files aside', () => {
    const d = join(tmp(), 'accounts', 'binance-live');
    expect(prepareAccountDir(d, { say: () => undefined })).toBeUndefined();
    markAccountDir(d, { exchangeId: 'binance', mode: 'live' });
    writeFileSync(join(d, 'strata.sqlite'), '');
    const err = refusal(() => prepareAccountDir(d, { say: () => undefined }));
    expect(err).toBeInstanceOf(DataDirError);
    expect(err.message).toContain(`${join(d, 'strata.sqlite')} is empty`);
    expect(err.message).toMatch(/account\.json/);
    expect(err.message).toMatch(/--fresh/);
    rmSync(join(d, 'strata.sqlite'));
    expect(refusal(() => prepareAccountDir(d, { say: () => undefined })).message).toContain('is missing');
    const lines: string[] = [];
    const moved = prepareAccountDir(d, { fresh: true, say: (l) => lines.push(l), now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(moved).toBe(join(d, 'before-fresh-2026-01-02T03-04-05-000Z'));
    expect(readdirSync(moved!)).toEqual(['account.json']);
    expect(lines).toEqual([expect.stringContaining('--fresh: a new account starts in')]);
  });

  it('when a paper account journal is missing beside its venue books then the start is refused', () => {
    const d = join(tmp(), 'accounts', 'binance-paper');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'sim-venue.sqlite'), 'books');
    expect(refusal(() => prepareAccountDir(d, { say: () => undefined })).message).toMatch(/sim-venue\.sqlite/);
  });

  it('when an account journal holds an account then it starts, and --fresh is refused', () => {
    const d = join(tmp(), 'accounts', 'binance-live');
    mkdirSync(d, { recursive: true });
    markAccountDir(d, { exchangeId: 'binance', mode: 'live' });
    writeFileSync(join(d, 'strata.sqlite'), 'journal');
    expect(prepareAccountDir(d, { say: () => undefined })).toBeUndefined();
    expect(refusal(() => prepareAccountDir(d, { fresh: true, say: () => undefined })).message).toMatch(/--fresh starts over only when/);
  });
});
