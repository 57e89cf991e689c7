import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

/**
 * A backtest run's progress: no bar before a run (an idle bar read as an empty input); an L3 run on
 * the demo tape reports as it plays the tape, so the bar shows percent and an ETA, with Cancel beside
 * it; once a run ends the bar goes and one line says how (finished in N s, cancelled after N s); the
 * last run stays visible, marked previous, while a new one goes.
 */
test('an L3 run shows its percent and ETA while it plays the tape, and Cancel stops it', async ({ terminal, page }) => {
  expect(terminal.page).toBe(page);
  const bt = new BacktestScreenObject(page);
  await bt.open();
  await bt.importDemoTape();
  await expect(bt.progress).toHaveCount(0);
  // On the tape, Cash is in its quote currency and sized to its flow (3 ETH, not the bar default's 100,000).
  await expect(bt.cash).toHaveValue('3');
  await expect(bt.cash).toHaveAccessibleDescription('ETH');

  // A short run first: once it ends its bar goes, and one line says it finished and how long it took.
  await bt.fidelity.selectOption('l3');
  await bt.to.fill('2019-10-11 01:00');
  await bt.run.click();
  await bt.waitForRun();
  await expect(bt.root.getByRole('heading', { name: /^Run 1: / })).toBeVisible();
  const previous = bt.root.getByRole('note').filter({ hasText: 'Showing run 1 (previous) until the new run finishes.' });
  await expect(previous).toHaveCount(0);

  // The whole tape (three days) at 30 s bars: the slowest run the form offers, seconds long.
  await bt.to.fill('');
  await bt.barLength.selectOption('30000');
  await bt.run.click();
  // While it goes, run 1 stays on screen, marked as the previous run.
  await expect(previous).toBeVisible();
  await expect(bt.root.getByRole('heading', { name: /^Previous: Run 1: / })).toBeVisible();
  await expect(bt.metrics).toBeVisible();
  const cancel = bt.root.getByRole('button', { name: 'Cancel', exact: true });
  await expect(cancel).toBeVisible();
  // The host pushes the run's progress as the worker plays bars; the bar shows it as it comes.
  await expect(bt.progress).toContainText(/^\d+% · ETA \d/, { timeout: 90_000 });
  await expect(bt.progress).toHaveAttribute('aria-valuetext', /^running: \d+% · ETA \d/);
  // And it moves: the percent grows as the tape plays.
  await expect.poll(async () => Number(await bt.progress.getAttribute('aria-valuenow')), { timeout: 90_000 }).toBeGreaterThan(0);
  await expect(bt.progress).toContainText(/^[1-9]\d*% · ETA \d/);
  await terminal.screenshotOf(bt.root.locator('form').first(), 'backtest-run-progress');
  await cancel.click();
  // The bar goes once the run ends; one line says it was cancelled and after how long.
  await expect(bt.progress).toHaveCount(0);
  await expect(bt.result).toHaveText(/^cancelled after \d/);
  await expect(cancel).toBeHidden();
  // Nothing replaced it: run 1 is shown again as the current result.
  await expect(previous).toHaveCount(0);
  await expect(bt.root.getByRole('heading', { name: /^Run 1: / })).toBeVisible();
  await expect(bt.run).toBeEnabled();
});
