import { expect, test } from '../fixtures.ts';
import { RiskPanelObject, TicketRiskObject } from '../pages/risk-panel.ts';

/** Limits edited in the Risk panel go through risk.limits.set, are refused with a code, and persist. */
test('limits edit: a refused level shows LIMIT_REJECTED with its code; a good one applies, moves the ticket verdict and survives a reload', async ({ terminal, page }) => {
  const { ticket } = terminal;
  const risk = new RiskPanelObject(page);
  const tr = new TicketRiskObject(page);

  await risk.open();
  await expect(risk.limitRow('max_order_notional')).toBeVisible();
  expect(await risk.levels('max_order_notional')).toEqual({ soft: 100_000, hard: 250_000 });
  await expect(risk.usage('max_gross_exposure_pct_nav')).toHaveAttribute('aria-valuenow', /^\d+$/);

  // A soft level above the hard one is refused by the engine, with its code; nothing changes.
  await risk.editLimit('max_order_notional', { soft: '300000' });
  const error = risk.root.getByRole('alert');
  await expect(error).toContainText('LIMIT_REJECTED');
  await expect(error).toContainText('SOFT_ABOVE_HARD');
  await expect(risk.softInput('max_order_notional')).toHaveAttribute('aria-invalid', 'true');
  await terminal.screenshotOf(page.locator('#tabpanel-risk'), 'risk-limit-rejected-closeup');
  // Esc leaves the editor and returns to the row's Edit button.
  await page.keyboard.press('Escape');
  await expect(risk.softInput('max_order_notional')).toHaveCount(0);
  await expect(risk.editButton('max_order_notional')).toBeFocused();
  expect(await risk.levels('max_order_notional')).toEqual({ soft: 100_000, hard: 250_000 });

  // An order of ~115,000 is a soft breach under the defaults.
  const { ask } = await terminal.quote('BTC/USDT');
  const qty = Math.min(1.9, Math.ceil((115_000 / ask) * 100) / 100);
  await ticket.fill({ symbol: 'BTC/USDT', side: 'Buy', quantity: String(qty), type: 'Market' });
  await expect(tr.verdict).toHaveText('SOFT BREACH');

  // Raise both levels by keyboard (Enter saves).
  await risk.editLimit('max_order_notional', { soft: '150000', hard: '300000', reason: 'e2e: larger clips' });
  await expect(risk.softInput('max_order_notional')).toHaveCount(0);
  await expect.poll(() => risk.levels('max_order_notional')).toEqual({ soft: 150_000, hard: 300_000 });
  // The ticket asks again: the same order now passes.
  await expect(tr.verdict).toHaveText('PASS');

  // The change log records it.
  await risk.root.getByText('Change log').click();
  const log = risk.root.getByRole('table', { name: 'Limit change log' });
  await expect(log).toContainText('max_order_notional');
  await expect(log).toContainText('e2e: larger clips');

  // Persisted by the engine: a reload reads it back.
  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected', { timeout: 15_000 });
  await risk.open();
  await expect.poll(() => risk.levels('max_order_notional')).toEqual({ soft: 150_000, hard: 300_000 });
  await terminal.screenshotOf(page.locator('#tabpanel-risk'), 'risk-panel-limits-closeup');
});

test('a symbol-scoped limit is edited on its own row; clearing the soft level leaves only the hard one', async ({ terminal, page }) => {
  const risk = new RiskPanelObject(page);
  await risk.open();
  await expect(risk.limitRow('max_order_qty', 'symbol:BTC/USDT')).toBeVisible();
  await risk.editLimit('max_order_qty', { soft: '' }, 'symbol:BTC/USDT');
  await expect(risk.levelCell('max_order_qty', 'soft', 'symbol:BTC/USDT')).toHaveText('—');
  expect((await risk.levels('max_order_qty', 'symbol:BTC/USDT')).hard).toBe(5);
  // The other symbols keep theirs.
  expect((await risk.levels('max_order_qty', 'symbol:ETH/USDT')).soft).toBe(40);
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');
});
