import { expect, test } from '../fixtures.ts';

test('the chart loads history, builds live bars, follows symbol and interval, and marks fills', async ({ terminal }) => {
  const { page, ticket } = terminal;
  const chart = page.getByRole('region', { name: 'Chart' });
  const summary = async (): Promise<string> => {
    const id = await chart.getAttribute('aria-describedby');
    return id ? ((await page.locator(`[id="${id}"]`).textContent()) ?? '') : '';
  };
  const lastBar = async (): Promise<string> => /last bar (\d\d:\d\d:\d\d)/.exec(await summary())?.[1] ?? '';

  await expect.poll(summary).toMatch(/^BTC\/USDT 5s candles, \d+ bars, last bar/);
  const bars = Number(/(\d+) bars/.exec(await summary())?.[1]);
  expect(bars).toBeGreaterThan(10);

  // 1s bars: the last bar moves on as candle events arrive.
  await page.getByRole('radio', { name: '1s' }).click();
  await expect.poll(summary).toMatch(/^BTC\/USDT 1s candles, \d+ bars/);
  const before = await lastBar();
  await expect.poll(lastBar, { timeout: 10_000 }).not.toBe(before);

  // Our fills are marked.
  await expect.poll(summary).toContain('0 fill markers');
  await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');
  await expect.poll(summary).toContain('1 fill marker.');

  // Another symbol rebuilds the chart from its own history.
  await terminal.watchRow('SPY').click();
  await expect.poll(summary).toMatch(/^SPY 1s candles, \d+ bars/);
  await expect.poll(summary).toContain('0 fill markers');
});
