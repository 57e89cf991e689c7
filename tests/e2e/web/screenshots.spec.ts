import { expect, test } from '../fixtures.ts';

/**
 * Not an assertion-heavy test: trades a little, lets candles build, and saves screenshots of the
 * whole terminal to test-results/screenshots/ for a person to look at.
 */
/** Bars on the chart, from its text summary ("… candles, N bars, …"). */
function barsIn(summary: string): number {
  return Number(/(\d+) bars/.exec(summary)?.[1] ?? 0);
}

test('screenshots of the terminal after some trading', async ({ terminal }) => {
  test.setTimeout(180_000);
  const { ticket, blotter, page } = terminal;
  // Candles to build: wait on the chart itself, not on the wall clock, so a loaded machine only
  // makes this slower, never different.
  const barsGrowBy = async (n: number): Promise<void> => {
    const start = barsIn(await terminal.chartSummary());
    await expect.poll(async () => barsIn(await terminal.chartSummary()), { timeout: 60_000 }).toBeGreaterThanOrEqual(start + n);
  };

  await ticket.place({ symbol: 'ETH/USDT', side: 'Buy', quantity: '1.5', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'SPY', side: 'Buy', quantity: '40', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.25', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await barsGrowBy(1);
  await ticket.place({ symbol: 'BTC/USDT', side: 'Sell', quantity: '0.1', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  const { bid } = await terminal.quote('BTC/USDT');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.05', type: 'Limit', limitPrice: (Math.floor(bid * 0.98 * 100) / 100).toFixed(2) });
  await expect(ticket.status).toContainText('WORKING');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.00001', type: 'Market' });
  await expect(ticket.alert).toContainText('BELOW_MIN_NOTIONAL');
  await terminal.screenshot('denied');
  await barsGrowBy(1);
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.05', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await barsGrowBy(1);

  await blotter.showOrders();
  // A keyboard-selected row, as a trader working the blotter would see it.
  await page.keyboard.press('Alt+O');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await terminal.screenshot('main');

  await blotter.showFills();
  await terminal.screenshot('fills');

  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await terminal.screenshot('help');
  await page.keyboard.press('Escape');

  // Another symbol and interval: the chart must rebuild from history, not stay empty.
  await terminal.watchRow('ETH/USDT').click();
  await page.getByRole('radio', { name: '1s' }).click();
  await expect.poll(async () => await terminal.chartSummary(), { timeout: 30_000 }).toMatch(/ETH\/USDT 1s candles, [1-9]\d* bars/);
  await terminal.screenshot('eth-1s');

  await page.setViewportSize({ width: 1280, height: 760 });
  await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(1280);
  await terminal.screenshot('small');
});
