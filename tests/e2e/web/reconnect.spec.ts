import { apiClient, expect, test } from '../fixtures.ts';

test('after a dropped connection the terminal reconnects and refetches what it missed', async ({ terminal, engine, context }) => {
  const { ticket, blotter } = terminal;
  const first = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Market' });
  await expect(ticket.status).toContainText('FILLED');

  await context.setOffline(true);
  await expect(terminal.connection).toHaveAccessibleName(/Connection: Reconnecting/);

  // Meanwhile another client trades: the UI cannot see these events live.
  const api = await apiClient(engine);
  const missed = await api.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 5, type: 'market' });
  api.close();

  await context.setOffline(false);
  await terminal.page.getByRole('button', { name: 'Retry now' }).click().catch(() => undefined);
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected', { timeout: 20_000 });
  await expect(await blotter.orders.cell(missed.id, 'Status')).toHaveText(/FILLED/);
  await expect(await blotter.orders.cell(first, 'Status')).toHaveText(/FILLED/);
  await expect.poll(async () => Number(await terminal.positions.cellText('SPY', 'Qty'))).toBe(5);
});
