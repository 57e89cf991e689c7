import { apiClient, expect, test } from '../fixtures.ts';

test('hundreds of orders: the Orders grid stays virtualised and keyboard-navigable', async ({ terminal, engine }) => {
  const { blotter, page } = terminal;
  const api = await apiClient(engine);
  try {
    const { bid } = await terminal.quote('BTC/USDT');
    const price = Math.floor(bid * 0.5);
    const N = 300;
    // 300 orders in a few seconds is what the runaway-loop guard exists to stop: lift it for this load.
    await api.call('risk.limits.set', { name: 'max_orders_per_minute', hard: '1000', soft: 'none', reason: 'bulk blotter test' });
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const o = await api.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: 0.001, type: 'limit', price: price - i });
      ids.push(o.id);
    }
    const grid = await blotter.showOrders();
    await expect(grid.root).toHaveAttribute('aria-rowcount', String(N + 1));
    await expect(page.getByRole('tab', { name: /Orders/ })).toContainText(`${N} open`);
    // Only the visible slice is in the DOM.
    expect(await grid.rows().count()).toBeLessThan(80);

    // End jumps to the oldest order, which scrolls into view; Home back to the newest.
    await grid.focus();
    await page.keyboard.press('End');
    await expect(grid.selectedRow()).toContainText(ids[0] ?? '');
    await expect(grid.selectedRow()).toBeInViewport();
    await page.keyboard.press('Home');
    await expect(grid.selectedRow()).toContainText(ids[N - 1] ?? '');

    // Cancel all from the blotter.
    await blotter.cancelAllButton.click();
    await expect(page.getByRole('tab', { name: /Orders/ })).not.toContainText('open', { timeout: 20_000 });
    await expect(await grid.cell(ids[N - 1] ?? '', 'Status')).toHaveText(/CANCELLED/);
  } finally {
    api.close();
  }
});
