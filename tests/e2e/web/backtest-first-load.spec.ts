import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

/**
 * The last screen is kept per operator, so a reload opens the Backtest screen before the connection
 * does. It asked for its data at once, got "not connected to the engine" and toasted "Backtest data
 * unavailable" while the status line said Connected a moment later (found by an audit).
 */
test('when the Backtest screen opens before the connection then it waits for it: its data loads and no "unavailable" toast appears', async ({ terminal, page }) => {
  const toasts: string[] = [];
  await page.exposeFunction('strataSawToast', (t: string) => void toasts.push(t));
  const bt = new BacktestScreenObject(terminal.page);
  await bt.open();
  // Every text node added anywhere from the first script on, so a toast that comes and goes is seen.
  await page.addInitScript(() => {
    new MutationObserver((ms) => {
      for (const m of ms) for (const n of m.addedNodes) if (n.textContent?.includes('unavailable')) (window as unknown as { strataSawToast(t: string): void }).strataSawToast(n.textContent);
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await expect(bt.root).toBeVisible();
  // The strategies come with backtest.data: once listed, the screen has its data.
  await expect(bt.root.getByLabel('Strategy', { exact: true }).locator('option')).not.toHaveCount(0);
  await expect(page.getByText('Connected', { exact: false }).first()).toBeVisible();
  expect(toasts).toEqual([]);
});
