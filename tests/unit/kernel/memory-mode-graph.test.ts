import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The memory path (a backtest's stores, the bar runner, the kernel) must load no SQLite module: it
 * runs where the native binding cannot. Checked in a fresh Node process, whose module graph is the
 * one a host would have (vitest's own loader would hide it): the CommonJS cache shows whether
 * better-sqlite3 was loaded, and a resolve hook lists every src/store/sqlite module asked for.
 */
const root = resolve(import.meta.dirname, '..', '..', '..');

const PROBE = `
import { createRequire, registerHooks } from 'node:module';
const asked = [];
registerHooks?.({ resolve(spec, ctx, next) { const r = next(spec, ctx); asked.push(r.url); return r; } });
const at = (m) => new URL(m, 'file://' + process.cwd() + '/').href;
const mods = [];
for (const m of process.argv.slice(1)) mods.push(await import(at(m)));
if (process.env.BUILD === '1') {
  const { SimClock } = await import(at('src/core/clock.ts'));
  const [{ backtestParts }, { buildKernel }] = mods;
  const engine = buildKernel(backtestParts({ clock: new SimClock(Date.UTC(2024, 0, 1)), market: { kind: 'demo' }, idPrefix: 'MG', seed: 1, log: () => undefined }));
  await engine.start();
  await engine.stop();
}
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('better-sqlite3'));
console.log(JSON.stringify({ loaded: loaded.length, sqliteModules: asked.filter((u) => u.includes('/store/sqlite/')).length }));
`;

function probe(modules: string[], build = false): { loaded: number; sqliteModules: number } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, ...modules], { cwd: root, encoding: 'utf8', env: { ...process.env, BUILD: build ? '1' : '0' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { loaded: number; sqliteModules: number };
}

describe('the memory path loads no SQLite module', { timeout: 60_000 }, () => {
  it('when the backtest mode, the kernel and the bar runner are imported and a memory kernel runs then neither better-sqlite3 nor src/store/sqlite is loaded', () => {
    expect(probe(['src/kernel/modes/backtest.ts', 'src/kernel/kernel.ts', 'src/kernel/backtest-bars.ts', 'src/kernel/modes/memory-stores.ts'], true)).toEqual({ loaded: 0, sqliteModules: 0 });
  });

  it('when the stores of every durability are imported then the probe sees better-sqlite3 (the check can fail)', () => {
    const r = probe(['src/kernel/modes/stores.ts']);
    expect(r.loaded).toBeGreaterThan(0);
    expect(r.sqliteModules).toBeGreaterThan(0);
  });
});
