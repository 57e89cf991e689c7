import { expect, test } from '../fixtures.ts';

test('the token leaves the address bar, and a reload stays connected', async ({ terminal, engine }) => {
  const { page } = terminal;
  expect(page.url()).not.toContain(engine.token);
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);

  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');
  await expect.poll(async () => (await terminal.quote('ETH/USDT')).bid).toBeGreaterThan(0);
});

test('the header shows the mode and the account', async ({ terminal }) => {
  const banner = terminal.page.getByRole('banner');
  await expect(banner).toContainText('PAPER · SIM');
  await expect(banner.getByLabel('Account', { exact: true })).toContainText('Equity');
  await expect(banner.getByLabel('Account', { exact: true })).toContainText(/1,000,000\.00/);
});

test('when the engine goes away the terminal says so and keeps its data', async ({ terminal, engine }) => {
  const { ticket, blotter } = terminal;
  const orderId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');

  await engine.stop();
  await expect(terminal.connection).toHaveAccessibleName(/Connection: Reconnecting/);
  await expect(ticket.submitButton).toBeDisabled();
  // What was known stays on screen.
  await expect(await blotter.orders.cell(orderId, 'Status')).toHaveText(/FILLED/);
  await expect(terminal.positions.row('BTC/USDT')).toHaveCount(1);
});

test('a wrong token is reported, not retried forever', async ({ page, engine }) => {
  const url = new URL(engine.url);
  url.searchParams.set('token', 'not-the-token');
  await page.goto(url.toString());
  await expect(page.getByRole('status', { name: 'Connection: Not authorized' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Not connected to the engine' })).toBeVisible();
});
