import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ORCL = resolve(root, 'tests', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

test('a kept run shows the engine version and build that made it, in the run view and the runs list, as the CLI keeps it', async ({ terminal, engine, page }) => {
  expect(terminal.page).toBe(page);
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');
  const bt = new BacktestScreenObject(page);
  await bt.open();
  await expect(bt.data).toHaveValue('ORCL');
  await bt.run.click();
  await bt.waitForRun();
  const cli = JSON.parse(strata(engine.dataDir, 'backtest', 'show', '1', '--json')) as { engineVersion: string; engineBuild: string };
  expect(cli.engineBuild).toMatch(/^[0-9a-f]{12}$/);
  await expect(bt.root.getByText(`engine ${cli.engineVersion} build ${cli.engineBuild}`, { exact: true })).toBeVisible();
  const build = bt.runs.getByRole('row').nth(1).getByRole('cell').last();
  await expect(build).toHaveText(cli.engineBuild.slice(0, 7));
  await expect(build).toHaveAttribute('title', `engine ${cli.engineVersion} build ${cli.engineBuild}`);
  await terminal.screenshotOf(bt.root, 'backtest-run-build');
});
