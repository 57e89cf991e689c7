import { apiClient, expect, test } from '../fixtures.ts';

/**
 * A stop is held by Strata and goes to the venue as a market (or limit) child when it triggers, so
 * its venue type is "market": the blotter printed that, and a stop waiting for its trigger read
 * TYPE "MKT", PRICE "MKT", and the Order Detail "PENDING · price market · type MARKET GTC".
 * The trader placed a stop at 3,000: that is what both must show, as the CLI does.
 */
test('a held stop shows STP and its stop price in the blotter and the Order Detail, with the blotter status', async ({ terminal, engine }) => {
  const { blotter, detail } = terminal;
  const api = await apiClient(engine);
  try {
    const { bid } = await terminal.quote('ETH/USDT');
    const buy = await api.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 2, type: 'market' });
    // A sell stop needs a sellable position: the market buy's fill arrives after its acknowledgement.
    await expect.poll(async () => (await api.call('orders.get', { orderId: buy.id })).status, { timeout: 30_000 }).toBe('FILLED');
    // Inside the price band (1% for immediate urgency), far enough from the market not to trigger.
    const stopPrice = Math.floor(bid * 0.992);
    const stop = await api.call('orders.place', { symbol: 'ETH/USDT', side: 'sell', qty: 2, type: 'stop', stopPrice });
    expect(stop.status, JSON.stringify(stop.reason)).not.toBe('DENIED');
    const limitPrice = Math.floor(bid * 1.008);
    const stopLimit = await api.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 1, type: 'stop-limit', stopPrice: limitPrice - 3, price: limitPrice });
    expect(stopLimit.status, JSON.stringify(stopLimit.reason)).not.toBe('DENIED');
    const fmt = (n: number): string => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

    await blotter.showOrders();
    await expect(await blotter.orderCell(stop.id, 'Type')).toHaveText('STP');
    await expect(await blotter.orderCell(stop.id, 'Price')).toHaveText(fmt(stopPrice));
    await expect(await blotter.orderCell(stop.id, 'Status')).toHaveText('WAITING FOR TRIGGER');
    await expect(await blotter.orderCell(stopLimit.id, 'Type')).toHaveText('STP LMT');
    // Until it triggers, the stop price decides when it trades; the limit is in the cell's title.
    await expect(await blotter.orderCell(stopLimit.id, 'Price')).toHaveText(fmt(limitPrice - 3));

    await blotter.orderRow(stop.id).click();
    await detail.tab.click();
    await expect(detail.root).toContainText(stop.id);
    await expect(detail.root.getByTestId('detail-status')).toHaveText('WAITING FOR TRIGGER');
    await expect(detail.field('Type')).toHaveText('STOP GTC');
    await expect(detail.field('Stop price')).toContainText(fmt(stopPrice));
    await expect(detail.field('Limit price')).toHaveText('market');

    await blotter.orderRow(stopLimit.id).click();
    await expect(detail.root).toContainText(stopLimit.id);
    await expect(detail.field('Type')).toHaveText('STOP LIMIT GTC');
    await expect(detail.field('Stop price')).toContainText(fmt(limitPrice - 3));
    await expect(detail.field('Limit price')).toHaveText(fmt(limitPrice));
    await terminal.screenshot('stop-orders');
  } finally {
    api.close();
  }
});

test('a resting limit reads WORKING in the Order Detail as in the blotter, not the engine\'s PENDING', async ({ terminal }) => {
  const { blotter, detail, ticket } = terminal;
  const { bid } = await terminal.quote('BTC/USDT');
  const id = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Limit', limitPrice: (Math.floor(bid * 0.97 * 100) / 100).toFixed(2) });
  await blotter.showOrders();
  await expect(await blotter.orderCell(id, 'Status')).toHaveText('WORKING');
  await blotter.orderRow(id).click();
  await detail.tab.click();
  await expect(detail.root).toContainText(id);
  await expect(detail.root.getByTestId('detail-status')).toHaveText('WORKING');
  await expect(detail.field('Type')).toHaveText('LIMIT GTC');
});
