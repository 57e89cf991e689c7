import { expect, test } from '../fixtures.ts';

test('keyboard only: F2, type, Enter, Esc, arrows through rows, Delete cancels', async ({ terminal, page }) => {
  const { ticket, blotter } = terminal;
  const kb = page.keyboard;

  // F2 focuses the ticket's quantity; Enter submits a market buy.
  await kb.press('F2');
  await expect(ticket.quantity).toBeFocused();
  await kb.type('0.01');
  await kb.press('Enter');
  await expect(ticket.status).toContainText('FILLED');
  const marketId = await ticket.lastOrderId();

  // Esc clears the ticket.
  await kb.press('Escape');
  await expect(ticket.quantity).toHaveValue('');
  await expect(ticket.status).toHaveCount(0);

  // A resting limit buy, still without the mouse: Alt+L picks Limit, Tab reaches the price.
  const { bid } = await terminal.quote('BTC/USDT');
  await kb.press('Alt+T');
  await expect(ticket.quantity).toBeFocused();
  await kb.press('Alt+L');
  await expect(ticket.limitPrice).toBeEnabled();
  await kb.type('0.02');
  await kb.press('Tab');
  await expect(ticket.limitPrice).toBeFocused();
  await kb.type((Math.floor(bid * 0.6 * 100) / 100).toFixed(2));
  await kb.press('Enter');
  await expect(ticket.status).toContainText('WORKING');
  const limitId = await ticket.lastOrderId();

  // Alt+O focuses Orders; arrows move the selection (newest first).
  await kb.press('Alt+O');
  await expect(blotter.orders.root).toBeFocused();
  await kb.press('ArrowDown');
  await expect(blotter.orders.selectedRow()).toContainText(limitId);
  await kb.press('ArrowDown');
  await expect(blotter.orders.selectedRow()).toContainText(marketId);
  await kb.press('ArrowUp');
  await expect(blotter.orders.selectedRow()).toContainText(limitId);

  // Delete cancels the selected open order.
  await kb.press('Delete');
  await expect(await blotter.orders.cell(limitId, 'Status')).toHaveText(/CANCELLED/);
  // Delete on a filled order does nothing.
  await kb.press('ArrowDown');
  await kb.press('Delete');
  await expect(await blotter.orders.cell(marketId, 'Status')).toHaveText(/FILLED/);
});

test('"?" shows the shortcuts and Esc closes them', async ({ terminal }) => {
  const { page } = terminal;
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('F2');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
