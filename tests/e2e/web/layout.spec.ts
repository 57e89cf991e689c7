import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import type { TerminalPage } from '../pages/terminal-page.ts';

/**
 * The trading screen fits and reads at the window sizes traders use: nothing wider than the window,
 * the top bar's groups never overlapping, tabs on one line, Positions and the reference orders' cells
 * never cut, status and actions always there, and the operator's column choices survive a reload and
 * a layout reset.
 */

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1600, height: 1000 },
  { width: 1280, height: 720 },
] as const;

async function pageFits(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, 'page wider than the window').toBeLessThanOrEqual(inner);
}

/** Reference rows: filled orders on each instrument (0.00001-lot BTC, 50 SPY), a working limit, a denial. */
async function trade(terminal: TerminalPage): Promise<{ limitId: string; deniedId: string }> {
  const { ticket } = terminal;
  await ticket.place({ symbol: 'ETH/USDT', side: 'Buy', quantity: '1.5', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'SPY', side: 'Buy', quantity: '50', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.12345', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  const { bid } = await terminal.quote('BTC/USDT');
  const limitId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Limit', limitPrice: (Math.floor(bid * 0.97 * 100) / 100).toFixed(2) });
  await expect(ticket.status).toContainText(/PENDING NEW|WORKING/);
  const deniedId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.00001', type: 'Market' });
  await expect(ticket.alert).toContainText('BELOW_MIN_NOTIONAL');
  return { limitId, deniedId };
}

test('every column reads in full at 1920×1080, 1600×1000 and 1280×720', async ({ terminal }) => {
  test.setTimeout(300_000);
  const { page, blotter, positions } = terminal;
  const { limitId, deniedId } = await trade(terminal);
  await page.getByRole('tab', { name: 'Positions' }).click();

  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(size.width);
    await pageFits(page);
    const at = `${size.width}×${size.height}`;

    // The top bar: no text over other text, none cut; figures without room are one click away, and
    // the Account group keeps its exact name (specs and assistive tech find it by it).
    await expect.poll(() => terminal.topBarProblems(), { message: `top bar at ${at}` }).toEqual([]);
    await expect(terminal.topBar().getByLabel('Account', { exact: true })).toContainText('Equity');
    const more = terminal.topBar().getByRole('button', { name: 'More figures', exact: true });
    if (await more.isVisible()) {
      await more.click();
      const pop = page.getByRole('dialog', { name: 'More figures' });
      await expect(pop).toBeVisible();
      for (const label of ((await more.getAttribute('title')) ?? '').replace(/^More figures: /, '').split(', ')) await expect(pop).toContainText(label);
      await page.keyboard.press('Escape');
      await expect(pop).toBeHidden();
    }
    // Every tab label on one line (the blotter's "ORDERS 1 open / 5" broke over two).
    await expect.poll(() => terminal.brokenTabs(), { message: `tabs at ${at}` }).toEqual([]);

    // Positions: all six columns, none cut, lot-precise quantities.
    await expect.poll(() => positions.headers()).toEqual(['Symbol', 'Qty', 'Avg price', 'Mark', 'Realized', 'Unrealized']);
    await expect(positions.rows()).toHaveCount(3);
    await expect.poll(() => positions.truncatedCells(), { message: `positions at ${at}` }).toEqual([]);
    expect(await positions.cellText('SPY', 'Qty')).toBe('50');
    expect(await positions.cellText('BTC/USDT', 'Qty')).toBe('0.12345');

    // Orders: status, reason and actions visible; nothing cut but the reason's message (title has it).
    const orders = await blotter.showOrders();
    // From 1600 px up the blotter also keeps what a trader reads on every fill. Polled: the grid
    // re-plans its columns as it measures their content.
    const must = ['ID', 'Symbol', 'Side', 'Price', 'Status', 'Actions', ...(size.width >= 1600 ? ['Type', 'Qty', 'Filled', 'Progress', 'Avg price'] : [])];
    await expect
      .poll(
        async () => {
          const h = await orders.headers();
          return must.filter((x) => !h.includes(x));
        },
        { message: `orders columns missing at ${at}` },
      )
      .toEqual([]);
    const heads = await orders.headers();
    await expect(blotter.cancelButton(limitId)).toBeVisible();
    await expect.poll(() => orders.truncatedCells(['reason']), { message: `orders at ${at}` }).toEqual([]);
    if (heads.includes('Reason')) {
      const reason = await blotter.orderCell(deniedId, 'Reason');
      await expect(reason).toContainText('BELOW_MIN_NOTIONAL');
      await expect(reason).toHaveAttribute('title', /^BELOW_MIN_NOTIONAL: .+/);
    }
    // The OHLC legend is not cut either.
    const legend = terminal.chart.locator('.chart-legend');
    await expect(legend).toContainText('C ');
    expect(await legend.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);

    await terminal.screenshot(`layout-${size.width}x${size.height}`);
    const fills = await blotter.showFills();
    await expect.poll(() => fills.truncatedCells(), { message: `fills at ${at}` }).toEqual([]);
    await terminal.screenshot(`layout-${size.width}x${size.height}-fills`);
    await blotter.showOrders();
  }
});

test('hidden, moved and resized columns and the active tabs survive a reload; reset brings the defaults back', async ({ terminal, engine }) => {
  const { page, blotter } = terminal;
  await trade(terminal);
  const orders = await blotter.showOrders();
  const before = await orders.headers();
  expect(before).toContain('Type');

  const menu = await orders.openColumnsMenu();
  await menu.getByRole('checkbox', { name: 'Type' }).uncheck();
  await menu.getByRole('button', { name: 'Move Side left' }).click();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect.poll(() => orders.headers()).not.toContain('Type');
  const moved = await orders.headers();
  expect(moved.indexOf('Side')).toBe(moved.indexOf('Symbol') - 1);

  // Keyboard resize of the Symbol column.
  const handle = orders.root.getByRole('separator', { name: 'Resize column Symbol' });
  const w0 = Number(await handle.getAttribute('aria-valuenow'));
  await handle.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(async () => Number(await handle.getAttribute('aria-valuenow'))).toBeGreaterThan(w0);
  const w1 = Number(await handle.getAttribute('aria-valuenow'));

  await blotter.showFills();
  await page.getByRole('tab', { name: 'Order detail' }).click();

  await page.reload();
  await terminal.open(engine.url);
  await expect(page.getByRole('tab', { name: /Fills/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Order detail' })).toHaveAttribute('aria-selected', 'true');
  await blotter.showOrders();
  expect(await orders.headers()).toEqual(moved);
  expect(Number(await orders.root.getByRole('separator', { name: 'Resize column Symbol' }).getAttribute('aria-valuenow'))).toBe(w1);

  await page.getByRole('button', { name: /^Reset layout of the Trading screen/ }).click();
  // The defaults come back: every column seen before the changes, in its default order. Columns
  // dropped for room are planned from measured content, which the trades since may have widened.
  await expect.poll(async () => {
    const h = await orders.headers();
    return before.every((c) => h.includes(c)) && h.indexOf('Side') === h.indexOf('Symbol') + 1;
  }).toBe(true);
  await expect(page.getByRole('tab', { name: 'Positions' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: /Orders/ })).toHaveAttribute('aria-selected', 'true');
});
