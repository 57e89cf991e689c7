import { expect, test } from '../fixtures.ts';

test('a limit buy far below the market works, then is cancelled from its row', async ({ terminal }) => {
  const { ticket, blotter } = terminal;
  const { bid } = await terminal.quote('BTC/USDT');
  const farBelow = (Math.floor(bid * 0.5 * 100) / 100).toFixed(2);

  const orderId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Limit', limitPrice: farBelow });

  const orders = await blotter.showOrders();
  await expect(await orders.cell(orderId, 'Status')).toHaveText(/WORKING/);
  await expect(await orders.cell(orderId, 'Filled')).toHaveText(/^0(\.0+)?$/);

  await blotter.cancelButton(orderId).click();
  await expect(await orders.cell(orderId, 'Status')).toHaveText(/CANCELLED/);
  await expect(blotter.cancelButton(orderId)).toHaveCount(0);
});

test('the limit price field is enabled only for limit orders', async ({ terminal }) => {
  const { ticket } = terminal;
  await ticket.orderType.selectOption({ label: 'Market' });
  await expect(ticket.limitPrice).toBeDisabled();
  await ticket.orderType.selectOption({ label: 'Limit' });
  await expect(ticket.limitPrice).toBeEnabled();
});

test('clicking a book level prices a limit order at that level', async ({ terminal }) => {
  const { ticket, page } = terminal;
  await ticket.side('Sell').check({ force: true });
  const book = page.getByRole('region', { name: 'Order book' });
  const level = book.getByRole('button', { name: /^Bid / }).nth(2);
  await expect(level).toBeVisible();
  // The book moves several times a second: read the level's price and click it in one step, on a
  // level that is still on screen (a level that just left the book is a detached node).
  let name = '';
  await expect
    .poll(async () => {
      name = await level.evaluate((el: HTMLElement) => {
        if (!el.isConnected) return '';
        el.click();
        return el.getAttribute('aria-label') ?? '';
      });
      return name;
    })
    .toMatch(/^Bid /);
  const price = /^Bid ([\d,.]+),/.exec(name)?.[1]?.replace(/,/g, '');
  expect(price).toBeTruthy();
  await expect(ticket.orderType).toHaveValue('limit');
  await expect(ticket.limitPrice).toBeEnabled();
  await expect(ticket.limitPrice).toHaveValue(price ?? '');
  // Only the price is taken from the book; the side stays the trader's choice.
  await expect(ticket.side('Sell')).toBeChecked();
});
