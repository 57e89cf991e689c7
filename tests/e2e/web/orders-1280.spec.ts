import { expect, test } from '../fixtures.ts';

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

  const orders = await blotter.showOrders();
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
  await expect.poll(() => terminal.positions.truncatedCells(), { message: 'positions cells cut at 1280×720' }).toEqual([]);
  await terminal.screenshot('orders-1280x720');
});
