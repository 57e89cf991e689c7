import { apiClient, expect, test } from '../fixtures.ts';
import { CuttableSocket } from '../pages/cuttable-socket.ts';

test('after a dropped connection the terminal reconnects and refetches what it missed', async ({ terminal, engine }) => {
  const { page, ticket, blotter } = terminal;
  // Route the terminal's WebSocket through Playwright so the test can cut it; the far end is the
  // real engine.
  const socket = await CuttableSocket.install(page);
  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');

  const first = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');

  await socket.cut();
  await expect(terminal.connection).toHaveAccessibleName(/Connection: Reconnecting/);
  await expect(ticket.submitButton).toBeDisabled();

  // Meanwhile another client trades: the terminal cannot see these events live.
  const api = await apiClient(engine);
  const missed = await api.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 5, type: 'market' });
  api.close();

  await socket.restore();
  // The terminal may already have reconnected on its own backoff timer (the button is then gone):
  // the click only hurries it, and the assertion below waits for the connection either way.
  await page.getByRole('button', { name: 'Retry now' }).click({ timeout: 2_000 }).catch(() => undefined);
  // A generous bound: with the two cores shared by other CPU-heavy jobs (load 13) a reconnect took
  // over 15 s; the terminal's backoff is capped at 10 s, so 45 s still catches one that never comes.
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected', { timeout: 45_000 });
  await expect(await blotter.orders.cell(missed.id, 'Status')).toHaveText(/FILLED/);
  await expect(await blotter.orders.cell(first, 'Status')).toHaveText(/FILLED/);
  await expect.poll(async () => Number(await terminal.positions.cellText('SPY', 'Qty'))).toBe(5);
  await expect(ticket.submitButton).toBeEnabled();
});
