import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ORCL = resolve(root, 'tests', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

test('the trades chart opens on the whole run, and two runs of different periods compare by time from their start, with a note', async ({ terminal, engine, page }) => {
  expect(terminal.page).toBe(page);
  test.setTimeout(180_000);
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');
  const bt = new BacktestScreenObject(page);
  await bt.open();
  await expect(bt.data).toHaveValue('ORCL');
  /** Runs the form and waits for the run to be kept (the runs list grows: the engine's answer). */
  const runKept = async (n: number) => {
    await bt.run.click();
    await expect(bt.runs.getByRole('row')).toHaveCount(n + 1, { timeout: 90_000 });
  };

  // Run 1: the whole series. Its trades chart shows 1995 to 2014 (it opened on the last ~3 years).
  await runKept(1);
  const trades = bt.root.getByRole('img', { name: /^Prices of ORCL with the \d+ trades of run 1 marked$/ });
  await expect.poll(async () => Number(await trades.getAttribute('data-visible-from'))).toBeLessThanOrEqual(Date.UTC(1995, 11, 31));
  await expect.poll(async () => Number(await trades.getAttribute('data-visible-to'))).toBeGreaterThanOrEqual(Date.UTC(2014, 11, 1));
  await terminal.screenshotOf(bt.root.getByRole('region', { name: 'Trades on price' }), 'backtest-trades-whole-run');

  // Run 2: 2010–2014; run 3: 1995–1999. Side by side they share no period.
  await bt.from.fill('2010-01-01');
  await bt.to.fill('2014-12-31');
  await runKept(2);
  await bt.from.fill('1995-01-01');
  await bt.to.fill('1999-12-31');
  await runKept(3);
  await bt.pickRun(2);
  await bt.pickRun(3);
  await bt.compareRuns();
  const figure = bt.root.locator('figure').filter({ has: page.getByRole('img', { name: 'Equity of runs 2 and 3 (return %, by time from each run’s start)' }) });
  await expect(figure).toHaveAttribute('data-axis', 'elapsed');
  await expect(bt.root.getByRole('note')).toContainText(/Runs 2 and 3 cover different periods \(2010-01-04 – 2014-12-3\d and 1995-01-0\d – 1999-12-3\d\): drawn by time from each run’s start\./);
  await terminal.screenshotOf(figure, 'backtest-compare-elapsed');

  // Runs 1 and 2 share 2010–2014: by date, no note.
  await bt.pickRun(1);
  await bt.pickRun(2);
  await bt.compareRuns();
  await expect(bt.root.locator('figure[data-axis="time"]')).toHaveCount(1);
  await expect(bt.root.getByRole('note')).toHaveCount(0);
});
