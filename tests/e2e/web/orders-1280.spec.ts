import { apiClient, expect, test } from '../fixtures.ts';
import type { TerminalPage } from '../pages/terminal-page.ts';

/**
 * At 1280×720 (a laptop) the Orders grid keeps what a trader reads on every order beside Positions'
 * six columns: Qty and Filled no longer give way, and Actions stays in view.
 */
test('the Orders grid shows Symbol, Side, Qty, Filled, Price, Status and Actions at 1280×720', async ({ terminal }) => {
  const { page, blotter, ticket } = terminal;
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(1280);
  await ticket.place({ symbol: 'ETH/USDT', side: 'Buy', quantity: '1.5', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'SPY', side: 'Buy', quantity: '50', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  const { bid } = await terminal.quote('BTC/USDT');
  const limitId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Limit', limitPrice: (Math.floor(bid * 0.97 * 100) / 100).toFixed(2) });
  await expect(ticket.status).toContainText(/PENDING|NEW|WORKING/);
  await page.getByRole('tab', { name: 'Positions' }).click();
  await blotter.showOrders();
  await checkColumns(terminal, limitId, 'orders-1280x720');
});

/**
 * Algo parents widen the ID column (the ▸ expander) and the Price column ("≤3,000.00", "no cap"):
 * with a few of them the grid left out Qty and Filled (ID | SYMBOL | SIDE | PRICE | STATUS and a "7"
 * on the Columns menu). Quantity and filled are what a trader reads on every order.
 */
test('with algo parents (▸) and a held stop, the Orders grid at 1280×720 still shows Qty and Filled', async ({ terminal, engine }) => {
  const { page, blotter } = terminal;
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(1280);
  const api = await apiClient(engine);
  let limitId = '';
  try {
    await api.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 25, type: 'market' });
    await api.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: 0.2, type: 'market' });
    const { bid } = await terminal.quote('ETH/USDT');
    await api.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 3, algo: 'twap', price: Math.floor(bid * 0.995), algoParams: { durationSec: 600, slices: 10 } });
    await api.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: 0.05, algo: 'twap', algoParams: { durationSec: 600, slices: 10 } });
    await api.call('orders.place', { symbol: 'ETH/USDT', side: 'sell', qty: 2, algo: 'iceberg', price: Math.ceil(bid * 1.005), algoParams: { durationSec: 600, displayQty: 0.5 } });
    await api.call('orders.place', { symbol: 'ETH/USDT', side: 'sell', qty: 2, type: 'stop', stopPrice: Math.floor(bid * 0.992) });
    limitId = (await api.call('orders.place', { symbol: 'ETH/USDT', side: 'sell', qty: 1, type: 'limit', price: Math.ceil(bid * 1.006) })).id;
  } finally {
    api.close();
  }
  await page.getByRole('tab', { name: 'Positions' }).click();
  await blotter.showOrders();
  await expect(blotter.orders.root.getByRole('button', { name: /^Child orders of / }).first()).toBeVisible();
  await checkColumns(terminal, limitId, 'orders-1280x720-algos', false);
});

async function checkColumns(terminal: TerminalPage, limitId: string, shot: string, positionsInFull = true): Promise<void> {
  const { blotter } = terminal;
  const orders = blotter.orders;
  const must = ['ID', 'Symbol', 'Side', 'Qty', 'Filled', 'Price', 'Status', 'Actions'];
  // Polled: the grid re-plans its columns as it measures their content.
  await expect
    .poll(
      async () => {
        const h = await orders.headers();
        return must.filter((x) => !h.includes(x));
      },
      { message: 'orders columns missing at 1280×720' },
    )
    .toEqual([]);
  // In the panel's view, not only in the DOM: each header lies inside the grid's visible box.
  const header = (h: string) => orders.root.getByRole('columnheader').filter({ hasText: new RegExp(`^\\s*${h}\\s*$`) });
  for (const h of must) await expect(header(h)).toBeInViewport();
  const box = await orders.root.boundingBox();
  for (const h of must) {
    const hb = await header(h).boundingBox();
    expect(hb, `${h} header`).not.toBeNull();
    expect(hb!.x + hb!.width, `${h} header's right edge`).toBeLessThanOrEqual(box!.x + box!.width + 1);
  }
  await expect(blotter.cancelButton(limitId)).toBeVisible();
  await expect.poll(() => orders.truncatedCells(['reason']), { message: 'orders cells cut at 1280×720' }).toEqual([]);
  // Positions still reads in full beside it.
  await expect(terminal.positions.rows()).toHaveCount(2);
  // With algo parents the blotter's must-keep columns take the room: Positions then scrolls sideways.
  if (positionsInFull) await expect.poll(() => terminal.positions.truncatedCells(), { message: 'positions cells cut at 1280×720' }).toEqual([]);
  await terminal.screenshot(shot);
}
