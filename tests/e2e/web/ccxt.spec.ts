import { expect, test } from '@playwright/test';
import { LoopbackExchange } from '../../../src/venues/loopback/loopback-exchange.ts';
import { startEngine } from '../fixtures.ts';
import { TerminalPage } from '../pages/terminal-page.ts';
import { ReconciliationObject, SettingsObject } from '../pages/venue-pages.ts';

/**
 * The loopback Binance (real matching, signatures) connected from Settings with keys: trade on it
 * live, restart the engine while the exchange fills a resting order (a fill Strata missed), and see
 * the difference in the Reconciliation view.
 */
const KEY = 'e2e-loopback-key-41c9';
const SECRET = 'e2e-loopback-secret-d83b07';

test('connect the loopback exchange from Settings, trade, and see a missed fill reconciled after a restart', async ({ page }) => {
  test.setTimeout(300_000);
  const lb = new LoopbackExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000', BTC: '2' } }] });
  const url = await lb.start();
  // The engine protects keys entered in Settings with this passphrase (a headless host's protector).
  process.env['STRATA_VAULT_PASSPHRASE'] = 'e2e vault passphrase, not a secret';
  const first = await startEngine([], { startTimeoutMs: 90_000 });
  const dataDir = first.engine.dataDir;
  let second: Awaited<ReturnType<typeof startEngine>> | undefined;
  try {
    const terminal = new TerminalPage(page);
    await terminal.open(first.engine.url);
    const settings = new SettingsObject(page);
    await settings.open();
    await settings.storeKeys(KEY, SECRET);
    await settings.configure({ exchangeId: 'binance', mode: 'live', symbols: 'BTC/USDT', apiUrl: url });
    await settings.connect();
    const mode = page.getByLabel(/^Mode: live on ccxt:binance/);
    await expect(mode).toBeVisible({ timeout: 120_000 });
    await expect(mode).toContainText('key …');
    await expect(page.getByTestId('venue-mode')).toHaveText(/LIVE/);
    // The secret never comes back to the page.
    expect(await page.content()).not.toContain(SECRET);

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Trading', exact: true }).click();
    await expect.poll(async () => (await terminal.quote('BTC/USDT')).bid, { timeout: 60_000 }).toBeGreaterThan(0);
    const bought = await terminal.ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Market' });
    const orders = await terminal.blotter.showOrders();
    await expect(await orders.cell(bought, 'Status')).toHaveText(/FILLED/, { timeout: 30_000 });
    const resting = await terminal.ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', type: 'Limit', limitPrice: '63990.00' });
    await expect(await orders.cell(resting, 'Status')).toHaveText(/WORKING/, { timeout: 30_000 });
    expect(lb.engine.orders().map((o) => o.clientOrderId)).toEqual([bought, resting]);

    // Strata goes down; meanwhile the exchange fills the resting order.
    await first.engine.stop();
    lb.engine.crowdTrade('BTC/USDT', 'sell', '0.05', '63990');
    await expect.poll(() => lb.engine.orders().find((o) => o.clientOrderId === resting)?.status, { timeout: 10_000 }).toBe('FILLED');

    second = await startEngine([], { dataDir, startTimeoutMs: 120_000 });
    await terminal.open(second.engine.url);
    await expect(await (await terminal.blotter.showOrders()).cell(resting, 'Status')).toHaveText(/FILLED/, { timeout: 30_000 });
    const recon = new ReconciliationObject(page);
    await recon.open();
    const missed = recon.rows('missed_fill').filter({ hasText: resting });
    await expect(missed).toHaveCount(1, { timeout: 30_000 });
    await expect(missed).toContainText('while Strata was down');
  } finally {
    await second?.stop();
    await first.stop();
    await lb.stop();
  }
});
