import { expect, test } from '../fixtures.ts';

test('an order below the minimum notional is DENIED with its reason in the ticket and the Orders row', async ({ terminal }) => {
  const { ticket, blotter } = terminal;
  // 0.00001 BTC is one lot, worth far less than the 5 USDT minimum notional.
  await ticket.fill({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.00001', type: 'Market' });
  // The ticket warns first, but the engine is the authority: the order still goes out.
  await expect(ticket.root).toContainText(/below the minimum/i);
  // The engine's what-if agrees (structure first, as on a real placement) without holding the order back.
  await expect(ticket.root.getByText('BELOW_MIN_NOTIONAL').first()).toBeVisible();
  await expect(ticket.submitButton).toBeEnabled();
  await ticket.submitButton.click();

  await expect(ticket.alert).toContainText('DENIED');
  await expect(ticket.alert).toContainText('BELOW_MIN_NOTIONAL');
  const orderId = await ticket.lastOrderId();

  const orders = await blotter.showOrders();
  const status = await orders.cell(orderId, 'Status');
  await expect(status).toContainText('DENIED');
  // The reason has its own column; the status cell's title carries it too (the column may be hidden for room).
  await expect(status).toHaveAttribute('title', /BELOW_MIN_NOTIONAL/);
  await expect(blotter.cancelButton(orderId)).toHaveCount(0);
});

test('an order off the lot size is DENIED with QTY_NOT_ON_LOT', async ({ terminal }) => {
  const { ticket, blotter } = terminal;
  // SPY trades in whole shares.
  await ticket.fill({ symbol: 'SPY', side: 'Buy', quantity: '1.5', type: 'Market' });
  await ticket.submitButton.click();
  await expect(ticket.alert).toContainText('QTY_NOT_ON_LOT');
  const orderId = await ticket.lastOrderId();
  const orders = await blotter.showOrders();
  const status = await orders.cell(orderId, 'Status');
  await expect(status).toContainText('DENIED');
  await expect(status).toHaveAttribute('title', /QTY_NOT_ON_LOT/);
});

test('a malformed ticket is not sent and says why', async ({ terminal }) => {
  const { ticket, blotter } = terminal;
  await ticket.quantity.fill('abc');
  await ticket.submitButton.click();
  await expect(ticket.alert).toContainText(/positive number/i);
  await blotter.showOrders();
  await expect(blotter.orders.rows()).toHaveCount(0);
});
