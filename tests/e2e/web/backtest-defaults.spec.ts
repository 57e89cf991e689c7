import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ORCL = resolve(root, 'tests', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

test('the Data picker lists each series once when two names hold the same file, and the Sweep tab defaults to a two-parameter grid', async ({ terminal, engine, page }) => {
  expect(terminal.page).toBe(page);
  // One file under two names: one content hash.
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'orcl');
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'orcl-1995-2014.txt');
  const bt = new BacktestScreenObject(page);
  await bt.open();
  const names = async () => (await bt.data.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).sort();
  await expect.poll(names).toEqual(['orcl', 'orcl-1995-2014.txt']);
  await bt.data.selectOption('orcl-1995-2014.txt');
  await expect(bt.data).toHaveValue('orcl-1995-2014.txt');

  // Sweep: X fast, Y slow, both with their prefilled ranges.
  await bt.view('Sweep');
  await expect(bt.root.getByLabel('Sweep X parameter')).toHaveValue('fast');
  await expect(bt.root.getByLabel('Sweep Y parameter')).toHaveValue('slow');
  await expect(bt.root.getByLabel('Sweep Y values')).toBeEnabled();
  await expect(bt.root.getByLabel('Sweep Y values')).toHaveValue('20:50:10');
  // No sweep yet: no empty progress bar beside Run sweep.
  await expect(bt.sweepProgress).toHaveCount(0);
  // "(none)" picked stays picked.
  await bt.root.getByLabel('Sweep Y parameter').selectOption('');
  await expect(bt.root.getByLabel('Sweep Y values')).toBeDisabled();
  await terminal.screenshotOf(bt.root, 'backtest-defaults');
});
