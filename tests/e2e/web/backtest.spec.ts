import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ORCL = resolve(root, 'tests', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

test('a backtest run from the UI shows the same result as the CLI, with its metrics, and is kept in the runs list', async ({ terminal, engine, page }) => {
  // The operator imported ORCL with the CLI beforehand; the screen lists it.
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');
  const cli = JSON.parse(strata(engine.dataDir, 'backtest', 'run', '--data', 'ORCL', '--param', 'fast=10', '--param', 'slow=30', '--commission', '0.001', '--no-save', '--json')) as { finalValue: number; metrics: { totalReturn: number } };
  expect(terminal.page).toBe(page);

  const bt = new BacktestScreenObject(page);
  await bt.open();
  await expect(bt.data.locator('option')).toContainText(['ORCL (5036 bars)']);
  await bt.data.selectOption('ORCL');
  await bt.strategy.selectOption('sma-cross');
  await bt.param('fast').fill('10');
  await bt.param('slow').fill('30');
  await bt.fidelity.selectOption('bar');
  await bt.commission.fill('0.001');
  await bt.run.click();

  await expect(bt.progress).toHaveAttribute('aria-valuetext', 'done');
  await expect(bt.progress).toHaveAttribute('aria-valuenow', '100');
  await expect(bt.metrics).toBeVisible();
  // The same run as the CLI's, to the cent, and its total return as the metrics table shows it.
  expect(Number(await bt.metric('final value'))).toBeCloseTo(cli.finalValue, 2);
  expect(await bt.metric('total return')).toBe(`${(cli.metrics.totalReturn * 100).toFixed(2)}%`);
  await expect(bt.root.getByRole('table', { name: 'Monthly returns' })).toBeVisible();
  await expect(bt.runs.getByRole('row')).toHaveCount(2);
});
