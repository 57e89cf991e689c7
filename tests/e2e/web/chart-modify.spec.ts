import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { apiClient, expect, test } from '../fixtures.ts';
import { num } from '../pages/grid.ts';

/**
 * Modify by drag: a resting limit's line on the chart is dragged to a lower price; L1's what-if
 * checks it, the trader sends it, and the blotter, the journal (over the contract) and the CLI all
 * show the order working at the new price in the same cancel/replace lineage.
 */

const root = resolve(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);

test('dragging a working limit line on the chart modifies its price; blotter, journal and CLI agree', async ({ terminal, engine }) => {
  test.setTimeout(240_000);
  const { page, ticket, blotter, chartOrders } = terminal;
  // One-minute bars: the chart's price range is wide enough to show a limit a little under the bid.
  await page.getByRole('radio', { name: '1m' }).click();
  const { bid } = await terminal.quote('BTC/USDT');
  const price = (Math.floor(bid * 0.9985 * 100) / 100).toFixed(2);
  const limitId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Limit', limitPrice: price });
  await expect.poll(() => blotter.orderStatus(limitId)).toBe('WORKING');
  await expect(chartOrders.priceField(limitId)).toBeVisible();

  // Drag the line down (a lower buy price: it keeps resting) and read the proposal.
  await chartOrders.dragLine(30);
  const dialog = chartOrders.modifyDialog(limitId);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('L1 PASS');
  const to = num(/→\s*([\d,.]+)/.exec(await dialog.innerText())?.[1] ?? null);
  expect(to).toBeLessThan(Number(price));
  await dialog.getByRole('button', { name: 'Send modify' }).click();
  await expect(dialog).toBeHidden();

  // The journal: the replacement works at the new price, in the first order's lineage.
  const api = await apiClient(engine);
  try {
    const atNewPrice = async () => (await api.call('orders.list', { scope: 'open' })).find((o) => o.lineage.rootId === limitId && o.price === to && !o.cancelRequested);
    await expect.poll(async () => (await atNewPrice())?.id ?? null, { timeout: 30_000, message: 'a working order at the dragged price in the lineage' }).not.toBeNull();
    const now = (await atNewPrice())!;
    const newId = now.id;
    // A venue without amend: the old client order id is replaced by a new one of the same lineage.
    if (newId !== limitId) expect(now.lineage.replaces).toBe(limitId);

    // The blotter shows that order at the new price.
    await blotter.showOrders();
    await expect.poll(async () => num(await (await blotter.orderCell(newId, 'Price')).innerText())).toBe(to);
    await expect.poll(() => blotter.orderStatus(newId)).toMatch(/WORKING|NEW/);

    // The CLI reads the same thing from the running engine.
    const { stdout } = await run(process.execPath, ['bin/strata.js', '--data-dir', engine.dataDir, 'orders', 'list', '--open', '--json'], { cwd: root });
    const cli = JSON.parse(stdout) as { id: string; price: number | null; lineage: { rootId: string } }[];
    expect(cli.find((o) => o.id === newId)).toMatchObject({ price: to, lineage: { rootId: limitId } });
  } finally {
    api.close();
  }
});
