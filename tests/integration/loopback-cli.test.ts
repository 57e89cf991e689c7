import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDataDir } from './harness.ts';

const MAIN = join(ROOT, 'src/host/main.ts');

describe('strata keys and strata loopback-exchange', () => {
  it('when keys are set from stdin then they are stored encrypted, listed by name only, and never printed', () => {
    const dir = tempDataDir('keys');
    const env = { ...process.env, STRATA_VAULT_PASSPHRASE: 'a long test passphrase' };
    const set = spawnSync(process.execPath, [MAIN, '--data-dir', dir, 'keys', 'set', 'Binance'], { input: 'cli-api-key-123456\ncli-secret-abcdef\n', env, encoding: 'utf8' });
    expect(set.status).toBe(0);
    const list = spawnSync(process.execPath, [MAIN, '--data-dir', dir, 'keys', 'list'], { env, encoding: 'utf8' });
    expect(list.stdout).toContain('binance');
    for (const text of [set.stdout, set.stderr, list.stdout, list.stderr, readFileSync(join(dir, 'vault.json'), 'utf8')]) {
      expect(text).not.toContain('cli-api-key-123456');
      expect(text).not.toContain('cli-secret-abcdef');
    }
    const wrong = spawnSync(process.execPath, [MAIN, '--data-dir', dir, 'keys', 'delete', 'binance'], { env: { ...env, STRATA_VAULT_PASSPHRASE: 'not the passphrase' }, encoding: 'utf8' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('VAULT_LOCKED');
  });

  it('when the loopback exchange runs as a command then it serves Binance time and exchangeInfo on 127.0.0.1', async () => {
    const child = spawn(process.execPath, [MAIN, 'loopback-exchange', '--port', '0', '--still'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STRATA_LOOPBACK_KEY: 'k-demo-123456', STRATA_LOOPBACK_SECRET: 's-demo-123456' } });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /exchange: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', () => reject(new Error(`exited: ${out}`)));
      });
      expect(out).not.toContain('s-demo-123456');
      const time = (await (await fetch(`${url}/api/v3/time`)).json()) as { serverTime: number };
      expect(time.serverTime).toBeGreaterThan(0);
      const info = (await (await fetch(`${url}/api/v3/exchangeInfo`)).json()) as { symbols: { symbol: string }[] };
      expect(info.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
