import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

/**
 * ccxt costs 0.3–0.5 s and ~100 MB: it must load only when a live venue opens. A fresh Node with a
 * resolve hook records every attempt to resolve "ccxt" while the engine, the venue folder and the
 * loopback exchange are imported, then while the venue is opened.
 */
describe('ccxt is loaded lazily', () => {
  it('when the engine and the ccxt venue module are imported then ccxt is not loaded; when loadCcxt runs then it is', () => {
    const script = `
      import { registerHooks } from 'node:module';
      let n = 0;
      registerHooks({ resolve(spec, ctx, next) { if (spec === 'ccxt') n++; return next(spec, ctx); } });
      await import('./src/kernel/engine.ts');
      // The host's serve path (the demo venue's start): the exchange session is imported lazily too.
      await import('./src/host/serve.ts');
      await import('./src/host/venue-host.ts');
      await import('./src/venues/ccxt/index.ts');
      await import('./src/venues/loopback/loopback-exchange.ts');
      const before = n;
      const { loadCcxt } = await import('./src/venues/ccxt/load.ts');
      await loadCcxt();
      console.log(JSON.stringify({ before, after: n }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { before: number; after: number };
    expect(out.before).toBe(0);
    expect(out.after).toBeGreaterThan(0);
  }, 60_000);
});
