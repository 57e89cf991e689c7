import { expect, test } from '../fixtures.ts';
import { num } from '../pages/grid.ts';

test('a market buy of BTC/USDT fills and shows in Orders, Fills and Positions', async ({ terminal }) => {
  const { ticket, blotter, positions } = terminal;

  const orderId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');

  // Orders: FILLED, fully filled, with an average price.
  const orders = await blotter.showOrders();
  await expect(orders.row(orderId)).toHaveCount(1);
  await expect(await orders.cell(orderId, 'Status')).toHaveText(/FILLED/);
  expect(await orders.cellText(orderId, 'Symbol')).toBe('BTC/USDT');
  expect(num(await orders.cellText(orderId, 'Filled'))).toBeCloseTo(0.01, 8);
  expect(await orders.cellText(orderId, 'Side')).toBe('BUY');
  const avg = num(await orders.cellText(orderId, 'Avg price'));
  expect(avg).toBeGreaterThan(0);

  // Fills: one fill for that order, at the average price.
  const fills = await blotter.showFills();
  await expect(fills.row(orderId)).toHaveCount(1);
  expect(await fills.cellText(orderId, 'Symbol')).toBe('BTC/USDT');
  expect(num(await fills.cellText(orderId, 'Qty'))).toBeCloseTo(0.01, 8);
  const fillPrice = num(await fills.cellText(orderId, 'Price'));
  expect(fillPrice).toBeCloseTo(avg, 2);
  expect(num(await fills.cellText(orderId, 'Fee (USD)'))).toBeGreaterThan(0);
  expect(await fills.cellText(orderId, 'Liquidity')).toBe('Taker');

  // Positions: long 0.01 BTC at the fill price, marked to market.
  await expect(positions.row('BTC/USDT')).toHaveCount(1);
  await expect.poll(async () => num(await positions.cellText('BTC/USDT', 'Qty'))).toBeCloseTo(0.01, 8);
  expect(num(await positions.cellText('BTC/USDT', 'Avg price'))).toBeCloseTo(fillPrice, 2);
  expect(num(await positions.cellText('BTC/USDT', 'Mark'))).toBeGreaterThan(0);
});
