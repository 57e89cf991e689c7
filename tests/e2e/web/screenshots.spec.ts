import { expect, test } from '../fixtures.ts';

/**
 * Not an assertion-heavy test: trades a little, lets candles build, and saves screenshots of the
 * whole terminal to test-results/screenshots/ for a person to look at.
 */
test('screenshots of the terminal after some trading', async ({ terminal }) => {
  test.setTimeout(90_000);
  const { ticket, blotter, page } = terminal;

  await ticket.place({ symbol: 'ETH/USDT', side: 'Buy', quantity: '1.5', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'SPY', side: 'Buy', quantity: '40', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.25', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await page.waitForTimeout(6000);
  await ticket.place({ symbol: 'BTC/USDT', side: 'Sell', quantity: '0.1', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  const { bid } = await terminal.quote('BTC/USDT');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.05', type: 'Limit', limitPrice: (Math.floor(bid * 0.98 * 100) / 100).toFixed(2) });
  await expect(ticket.status).toContainText('PENDING');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.00001', type: 'Market' });
  await expect(ticket.alert).toContainText('BELOW_MIN_NOTIONAL');
  await terminal.screenshot('denied');
  await page.waitForTimeout(6000);
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.05', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await page.waitForTimeout(4000);

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
  await page.waitForTimeout(3000);
  await terminal.screenshot('eth-1s');

  await page.setViewportSize({ width: 1280, height: 760 });
  await page.waitForTimeout(500);
  await terminal.screenshot('small');
});
