import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';
import { ReplayBarObject } from '../pages/replay-bar.ts';
import { SettingsObject } from '../pages/venue-pages.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ORCL = resolve(root, 'tests', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

/**
 * The Backtest and Replay screens as a trader sees them at a laptop's and a desk monitor's size,
 * saved to test-results/screenshots/ (bt-run-*, bt-compare-*, replay-*), with what a trader would
 * notice checked: the Assumptions and the result line in view, the run's numbers with units, the
 * VCR reachable from the keyboard in order, and nothing of a stopped replay left on screen.
 */
test('Backtest and Replay at 1280×720 and 1920×1080: results with their assumptions, the VCR by keyboard, nothing stale after Stop', async ({ terminal, engine, page }) => {
  test.setTimeout(300_000);
  expect(terminal.page).toBe(page);
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');
  const bt = new BacktestScreenObject(page);
  await bt.open();
  await bt.run.click();
  await bt.waitForRun();
  await bt.fidelity.selectOption('l2');
  await bt.run.click();
  await bt.waitForRun();
  await expect(bt.root.getByRole('heading', { name: /^Run 2: / })).toBeVisible();
  await bt.pickRun(1);
  await bt.pickRun(2);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await bt.view('Run');
    await expect(bt.result).toBeInViewport();
    await expect(bt.run).toBeInViewport();
    await bt.assumptions.scrollIntoViewIfNeeded();
    await expect(bt.assumptions).toBeInViewport();
    await page.screenshot({ path: `test-results/screenshots/bt-run-${size.width}.png` });
    await bt.compareRuns();
    // The long assumptions wrap in their column instead of running over the chart beside it.
    const table = (await bt.comparison.boundingBox())!;
    const chart = (await bt.root.locator('.bt-compare-chart').boundingBox())!;
    expect(table.x + table.width).toBeLessThanOrEqual(chart.x);
    const fillRule = bt.comparison.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'fill assumption', exact: true }) }).getByRole('cell').nth(1);
    const cell = (await fillRule.boundingBox())!;
    expect(cell.x + cell.width).toBeLessThanOrEqual(chart.x);
    await page.screenshot({ path: `test-results/screenshots/bt-compare-${size.width}.png` });
  }
  expect(await bt.cell(bt.comparison, 'desk guards', 1)).toBe('n/a (below L3)');
  expect(await bt.cell(bt.comparison, 'fidelity', 2)).toBe('l2');

  // Replay from Settings, then the VCR from the keyboard: Tab moves Play → Pause (disabled, skipped) → Step → Speed → Position.
  const settings = new SettingsObject(page);
  const bar = new ReplayBarObject(page);
  await settings.open();
  await settings.loadReplay({ speed: '10', from: '2019-10-11T01:00:00Z' });
  await expect(bar.root).toBeVisible();
  // The played count says what it counts.
  await expect(bar.root).toContainText(/\d+\/12,477 trades/);
  await bar.play.focus();
  await page.keyboard.press('Enter');
  await expect(bar.pause).toBeEnabled();
  await bar.pause.focus();
  await page.keyboard.press('Enter');
  await expect(bar.play).toBeEnabled();
  await bar.step.focus();
  await page.keyboard.press('Tab');
  await expect(bar.speed).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(bar.position).toBeFocused();
  const before = await bar.positionMs();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => bar.positionMs()).toBeGreaterThan(before);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expect(bar.root).toBeInViewport();
    await page.screenshot({ path: `test-results/screenshots/replay-${size.width}.png` });
  }
  await bar.stop.click();
  await expect(bar.root).toHaveCount(0);
  // After Stop the form offers a fresh load, not the stopped replay's state.
  await expect(settings.root.getByTestId('replay-loaded')).toHaveCount(0);
  await expect(settings.replayForm.getByRole('button', { name: 'Load replay', exact: true })).toBeEnabled();
  await page.screenshot({ path: 'test-results/screenshots/replay-stopped-1280.png' });
});
