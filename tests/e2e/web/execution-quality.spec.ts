import { expect, test } from '../fixtures.ts';
import { ExecutionScreenObject } from '../pages/execution-screen.ts';

/**
 * Execution quality over time: a short TWAP from the ticket fills, and the Execution screen shows
 * it in "Shortfall by algorithm" and "Shortfall by instrument" with its shortfall and the pre-trade
 * estimate, and draws the trend. The screen re-reads when the parent's final TCA is pushed.
 */
test('a filled TWAP appears in the Execution screen by algorithm and by instrument', async ({ terminal, page }) => {
  test.setTimeout(60_000);
  const { ticket, blotter } = terminal;
  const exec = new ExecutionScreenObject(page);

  // Open it first: the table must fill from the pushed final TCA, not from a reload.
  await exec.open();
  await expect(exec.root).toContainText('No finished algo parents yet');
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Trading', exact: true }).click();

  await ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '0.5', urgency: 'High', algorithm: 'TWAP', duration: '4', slices: '2', jitter: '0' });
  await ticket.submitButton.click();
  const id = await ticket.lastOrderId();
  await blotter.showOrders();
  await expect(await blotter.orderCell(id, 'Status')).toHaveText(/^FILLED/, { timeout: 30_000 });

  await exec.open();
  await expect(exec.byAlgo.locator('tbody tr[data-key="twap"]')).toHaveCount(1, { timeout: 10_000 });
  const twap = await exec.row(exec.byAlgo, 'twap');
  expect(twap['Parents']).toBe('1');
  expect(Number(twap['Mean bps'])).not.toBeNaN();
  expect(twap['Median bps']).toBe(twap['Mean bps']);
  expect(Number(twap['Mean est. bps'])).toBeGreaterThan(0);
  expect(twap['Band']).toBe('too few');
  const eth = await exec.row(exec.bySymbol, 'ETH/USDT');
  expect(eth['Parents']).toBe('1');
  await expect(exec.chart).toBeVisible();
  await exec.refresh.click();
  await expect(exec.refresh).toBeEnabled();
  await expect(exec.byAlgo.locator('tbody tr')).toHaveCount(1);
  await terminal.screenshot('execution-quality');
});
