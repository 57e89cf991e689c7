import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

/**
 * A backtest run's progress: no bar before a run (an idle bar read as an empty input); an L3 run on
 * the demo tape reports as it plays the tape, so the bar shows percent and an ETA, with Cancel beside
 * it; a cancelled run says so.
 */
test('an L3 run shows its percent and ETA while it plays the tape, and Cancel stops it', async ({ terminal, page }) => {
  expect(terminal.page).toBe(page);
  const bt = new BacktestScreenObject(page);
  await bt.open();
  await bt.importDemoTape();
  await expect(bt.progress).toHaveCount(0);

  // The whole tape (three days) at 30 s bars: the slowest run the form offers, seconds long.
  await bt.fidelity.selectOption('l3');
  await bt.barLength.selectOption('30000');
  await bt.run.click();
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
  await expect(bt.progress).toHaveAttribute('aria-valuetext', 'cancelled');
  await expect(cancel).toBeHidden();
  await expect(bt.run).toBeEnabled();
});
