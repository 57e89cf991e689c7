import { expect, test } from '../fixtures.ts';
import { num } from '../pages/grid.ts';
import { TicketRiskObject } from '../pages/risk-panel.ts';

/**
 * The ticket asks L1 before sending: a what-if of the order's effect on the portfolio, and L1's
 * verdict. Defaults of the demo account: order notional soft 100,000 / hard 250,000; BTC/USDT order
 * quantity soft 2 / hard 5; NAV 1,000,000.
 */

test('soft breach: an order above the soft order-notional limit shows the breach, needs an explicit confirmation, then is sent', async ({ terminal, page }) => {
  const { ticket, blotter } = terminal;
  const tr = new TicketRiskObject(page);
  const kb = page.keyboard;
  const { ask } = await terminal.quote('BTC/USDT');
  // Between the soft and the hard notional, below the soft quantity (2 BTC).
  const qty = Math.min(1.9, Math.ceil((115_000 / ask) * 100) / 100);
  expect(qty * ask).toBeGreaterThan(100_000);

  await ticket.fill({ symbol: 'BTC/USDT', side: 'Buy', quantity: String(qty), type: 'Market' });
  await expect(tr.verdict).toHaveText('SOFT BREACH');
  await expect(tr.whatIf).toContainText('MAX_ORDER_NOTIONAL');
  await expect(ticket.root).toContainText(/SOFT BREACH\s*MAX_ORDER_NOTIONAL/);
  // "Confirm and send" style, and not sendable until confirmed.
  await expect(tr.submitWithConfirmation).toBeVisible();
  await expect(tr.submitWithConfirmation).toContainText('Confirm and send');
  await expect(tr.submitWithConfirmation).toBeDisabled();
  await expect(tr.confirm).not.toBeChecked();
  await terminal.screenshot('risk-ticket-soft-breach');
  await terminal.screenshotOf(ticket.root, 'risk-ticket-soft-breach-closeup');

  // Keyboard: Enter in Quantity sends nothing and lands on the confirmation.
  await ticket.quantity.focus();
  await kb.press('Enter');
  await expect(tr.confirm).toBeFocused();
  // (The Orders tab is the blotter's default: no click, focus stays on the confirmation.)
  await expect(blotter.orders.rows()).toHaveCount(0);

  // A change of the order withdraws the confirmation.
  await kb.press('Space');
  await expect(tr.confirm).toBeChecked();
  await expect(tr.submitWithConfirmation).toBeEnabled();
  await ticket.quantity.fill(String(Math.round((qty + 0.01) * 100) / 100));
  await expect(tr.verdict).toHaveText('SOFT BREACH');
  await expect(tr.confirm).not.toBeChecked();
  await expect(tr.submitWithConfirmation).toBeDisabled();

  // Confirm (Space), send (Enter): the order goes with confirm, and fills.
  await tr.confirm.focus();
  await kb.press('Space');
  await expect(tr.confirm).toBeChecked();
  await kb.press('Enter');
  const id = await ticket.lastOrderId();
  await expect(ticket.status).toContainText('FILLED');
  await expect(await blotter.orderCell(id, 'Status')).toContainText('FILLED');
  expect(num(await (await blotter.orderCell(id, 'Qty')).innerText())).toBeCloseTo(qty + 0.01, 6);
  // After the send the ticket is back to a plain submit for the next order.
  await expect(tr.confirm).not.toBeChecked();
});

test('hard breach: an order above the hard order-notional limit shows the code and message and cannot be submitted', async ({ terminal, page }) => {
  const { ticket, blotter } = terminal;
  const tr = new TicketRiskObject(page);
  // ~289,000 USDT: above the 250,000 hard level (and the 2 BTC soft quantity).
  await ticket.fill({ symbol: 'BTC/USDT', side: 'Buy', quantity: '4.5', type: 'Market' });
  await expect(tr.verdict).toHaveText('DENY');
  await expect(tr.whatIf).toContainText('MAX_ORDER_NOTIONAL');
  await expect(ticket.root).toContainText(/L1 DENY\s*MAX_ORDER_NOTIONAL/);
  await expect(ticket.submitButton).toBeDisabled();
  await expect(tr.confirm).toHaveCount(0);
  // Enter does not send it either: it says why.
  await ticket.quantity.press('Enter');
  await expect(ticket.alert).toContainText('MAX_ORDER_NOTIONAL');
  await blotter.showOrders();
  await expect(blotter.orders.rows()).toHaveCount(0);
  // Back under the limits: submit is back.
  await ticket.quantity.fill('0.01');
  await expect(tr.verdict).toHaveText('PASS');
  await expect(ticket.submitButton).toBeEnabled();
});

test('what-if: position, exposure, leverage and VaR before → after appear and follow the quantity', async ({ terminal, page }) => {
  const { ticket } = terminal;
  const tr = new TicketRiskObject(page);
  await expect(tr.whatIf).toContainText(/Enter a quantity/);

  await ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '2', type: 'Market' });
  await expect(tr.verdict).toHaveText('PASS');
  await expect(tr.impact).toBeVisible();
  const { ask } = await terminal.quote('ETH/USDT');
  const pos1 = await tr.impactRow(/^Position % NAV/);
  const gross1 = await tr.impactRow(/^Gross exposure/);
  const lev1 = await tr.impactRow(/^Leverage/);
  expect(pos1.before).toBeCloseTo(0, 6);
  expect(gross1.before).toBeCloseTo(0, 0);
  // 2 ETH of a 1,000,000 account: about 0.6% of NAV.
  expect(pos1.after).toBeGreaterThan(0.3);
  expect(pos1.after).toBeLessThan(1.5);
  expect(gross1.after).toBeGreaterThan(ask * 2 * 0.9);
  expect(gross1.after).toBeLessThan(ask * 2 * 1.1);
  expect(lev1.after).toBeGreaterThan(0);
  await expect(tr.impact.getByRole('row', { name: /^VaR 99% 1d/ })).toBeVisible();

  // Ten times the quantity: about ten times the position and the exposure.
  await ticket.quantity.fill('20');
  await expect.poll(async () => (await tr.impactRow(/^Gross exposure/)).after, { timeout: 10_000 }).toBeGreaterThan(gross1.after * 8);
  const pos2 = await tr.impactRow(/^Position % NAV/);
  const gross2 = await tr.impactRow(/^Gross exposure/);
  const lev2 = await tr.impactRow(/^Leverage/);
  expect(pos2.after / pos1.after).toBeGreaterThan(8);
  expect(pos2.after / pos1.after).toBeLessThan(12);
  expect(gross2.after).toBeLessThan(gross1.after * 12);
  expect(lev2.after).toBeGreaterThan(lev1.after);

  await terminal.screenshotOf(ticket.root, 'risk-ticket-whatif-closeup');
});
