import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDataDir } from './harness.ts';

/**
 * A reader that closes the pipe early (`strata … --json | head`) ends the command quietly with its
 * own exit code, as Unix tools do; it used to die on an unhandled EPIPE with a stack trace (exit 1).
 */
describe('strata output into a pipe closed early', () => {
  it('when the reader has gone away then the command exits 0 with nothing on stderr', async () => {
    const orcl = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
    const child = spawn(process.execPath, [join(ROOT, 'bin/strata.js'), '--data-dir', tempDataDir('cli-pipe'), 'backtest', 'run', '--data', orcl, '--strategy', 'sma-cross', '--no-save', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The reader goes away before the command writes (its start-up alone takes ~0.3 s).
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect([code, stderr]).toEqual([0, '']);
  });
});
