import { apiClient, expect, test } from '../fixtures.ts';
import { ResumeDialogObject, RiskBarObject, RiskPanelObject, TicketRiskObject } from '../pages/risk-panel.ts';
import { CuttableSocket } from '../pages/cuttable-socket.ts';

/**
 * The kill switch from the top bar: one click halts trading and cancels every working order and
 * algorithm; new orders are denied with TRADING_HALTED; only a confirmed resume lifts the halt.
 */
test('kill switch: a resting limit and a TWAP are cancelled, trading HALTED, new orders denied, resume through the dialog', async ({ terminal, page, engine }) => {
  test.setTimeout(180_000);
  const { ticket, blotter } = terminal;
  const bar = new RiskBarObject(page);
  const risk = new RiskPanelObject(page);
  const tr = new TicketRiskObject(page);
  const dialog = new ResumeDialogObject(page);

  await bar.expectMode('ACTIVE');
  await expect(bar.killSwitch).toBeVisible();
  await expect(bar.resume).toHaveCount(0);

  // A limit order resting well under the market, and a TWAP that will still be working.
  const { bid } = await terminal.quote('BTC/USDT');
  const limitId = await ticket.place({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.05', type: 'Limit', limitPrice: (Math.floor(bid * 0.97 * 100) / 100).toFixed(2) });
  await expect(ticket.status).toContainText(/PENDING NEW|WORKING/);
  await ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '5', urgency: 'Low', algorithm: 'TWAP', duration: '600', slices: '10' });
  await ticket.submitButton.click();
  const twapId = await ticket.lastOrderId();
  await expect(ticket.status).toContainText('TWAP');
  await blotter.showOrders();
  await expect(await blotter.orderCell(limitId, 'Status')).not.toContainText('CANCELLED');
  await expect(await blotter.orderCell(twapId, 'Status')).not.toContainText(/CANCELLED|^FILLED/);

  // One click.
  await bar.killSwitch.click();
  // The toast first: it leaves after a few seconds, and under load the waits below can outlast it.
  await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(/Kill switch: trading HALTED, cancel requested for \d+ orders?; verifying/);
  await bar.expectMode('HALTED');
  await expect(bar.state).toHaveAccessibleName(/KILL_SWITCH/);
  await expect(await blotter.orderCell(limitId, 'Status')).toContainText('CANCELLED');
  await expect(await blotter.orderCell(twapId, 'Status')).toContainText('CANCELLED');
  // The engine verifies every cancel reached a final state at the venue and says so (issue 8, D1).
  await expect(page.getByRole('banner').getByRole('status', { name: /^Kill switch Cancels:/ })).toHaveAccessibleName('Kill switch Cancels: all confirmed');

  // The Risk panel says why and since when; the state history records the kill switch.
  await risk.open();
  await expect(risk.mode).toHaveText('HALTED');
  await expect(risk.root).toContainText('KILL_SWITCH');
  // Who did it, once: the operator's kill switch read "(operator, operator)".
  await expect(risk.root).toContainText('(operator)');
  await expect(risk.root).not.toContainText('operator, operator');
  await expect(risk.halt).toBeDisabled();
  await expect(risk.resume).toBeEnabled();

  // The ticket's what-if shows the denial and will not send.
  await ticket.fill({ symbol: 'BTC/USDT', side: 'Buy', quantity: '0.01', urgency: 'Immediate', algorithm: 'Auto', type: 'Market' });
  await expect(tr.verdict).toHaveText('DENY');
  await expect(tr.whatIf).toContainText('TRADING_HALTED');
  await expect(ticket.submitButton).toBeDisabled();
  await expect(ticket.root).toContainText(/L1 DENY\s*TRADING_HALTED/);
  await terminal.screenshot('risk-halted');
  await terminal.screenshotOf(ticket.root, 'risk-halted-ticket-closeup');
  await terminal.screenshotOf(page.getByRole('banner'), 'risk-halted-topbar-closeup');

  // An order from elsewhere (the API) is DENIED with TRADING_HALTED and shows so in the blotter.
  const api = await apiClient(engine);
  try {
    const denied = await api.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 0.1, type: 'market', source: 'api' });
    expect(denied.status).toBe('DENIED');
    expect(denied.reason?.code).toBe('TRADING_HALTED');
    const status = await blotter.orderCell(denied.id, 'Status');
    await expect(status).toContainText('DENIED');
    await expect(status).toHaveAttribute('title', /TRADING_HALTED/);
  } finally {
    api.close();
  }

  // Resume: only through the dialog, and only once the operator ticks the acknowledgement.
  await bar.resume.click();
  await expect(dialog.root).toBeVisible();
  await expect(dialog.root).toContainText('KILL_SWITCH');
  await expect(dialog.root).toContainText(/RESUME-HALTED-\d+/);
  await expect(dialog.confirm).toBeDisabled();
  await dialog.reason.fill('checked the book, resuming');
  await dialog.acknowledge.check();
  await expect(dialog.confirm).toHaveText('Confirm resume to ACTIVE');
  await terminal.screenshot('risk-resume-dialog');
  await dialog.confirm.click();
  await expect(dialog.root).toHaveCount(0);
  await bar.expectMode('ACTIVE');
  await expect(bar.resume).toHaveCount(0);
  await expect(risk.mode).toHaveText('ACTIVE');

  // Trading again: the same ticket now passes and fills.
  await expect(tr.verdict).toHaveText('PASS');
  await ticket.submitButton.click();
  await expect(ticket.status).toContainText('FILLED');
});

test('kill switch by keyboard (Ctrl+Shift+K), resume by keyboard in the dialog; Esc cancels a resume', async ({ terminal, page }) => {
  const bar = new RiskBarObject(page);
  const risk = new RiskPanelObject(page);
  const dialog = new ResumeDialogObject(page);
  const kb = page.keyboard;

  // From the ticket's quantity field, even while typing.
  await terminal.ticket.quantity.focus();
  await kb.press('Control+Shift+K');
  await bar.expectMode('HALTED');

  // The shortcut is in the keyboard help.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Ctrl+Shift+K');
  await expect(help).toContainText(/Kill switch/);
  await kb.press('Escape');

  // Alt+R brings up the Risk panel with focus in it.
  await kb.press('Alt+R');
  await expect(risk.root).toBeFocused();
  await risk.resume.focus();
  await kb.press('Enter');
  await expect(dialog.root).toBeVisible();
  // Esc leaves it halted.
  await kb.press('Escape');
  await expect(dialog.root).toHaveCount(0);
  await bar.expectMode('HALTED');

  // Again, all by keyboard: focus starts on the target, Tab to the acknowledgement, Space, Enter.
  await risk.resume.focus();
  await kb.press('Enter');
  await expect(dialog.target('ACTIVE')).toBeFocused();
  await expect(dialog.target('REDUCING')).toBeVisible();
  // Arrow keys move within the radio group: resume to REDUCING first.
  await kb.press('ArrowDown');
  await expect(dialog.target('REDUCING')).toBeChecked();
  await kb.press('Tab');
  await kb.press('Tab');
  await expect(dialog.acknowledge).toBeFocused();
  await kb.press('Space');
  await expect(dialog.confirm).toHaveText('Confirm resume to REDUCING');
  await kb.press('Enter');
  await bar.expectMode('REDUCING');
  await expect(risk.mode).toHaveText('REDUCING');

  // REDUCING → ACTIVE is a resume too.
  await bar.resume.click();
  await dialog.acknowledge.check();
  await dialog.confirm.click();
  await bar.expectMode('ACTIVE');
});

test('go reducing and halt from the Risk panel; a stale resume token is refused', async ({ terminal, page, engine }) => {
  const bar = new RiskBarObject(page);
  const risk = new RiskPanelObject(page);
  const dialog = new ResumeDialogObject(page);
  await risk.open();
  await risk.reason.fill('desk check');
  await risk.goReducing.click();
  await bar.expectMode('REDUCING');
  await expect(risk.root).toContainText('desk check');
  await expect(risk.goReducing).toBeDisabled();

  // The dialog confirms the state it showed; a newer halt (from elsewhere) must be confirmed anew.
  await bar.resume.click();
  await dialog.acknowledge.check();
  const api = await apiClient(engine);
  try {
    await api.call('risk.state.set', { mode: 'HALTED', reason: 'second operator' });
  } finally {
    api.close();
  }
  await expect(dialog.root).toContainText(/changed while this dialog was open/);
  await expect(dialog.acknowledge).not.toBeChecked();
  await expect(dialog.root).toContainText('second operator');
  await dialog.acknowledge.check();
  await dialog.confirm.click();
  await bar.expectMode('ACTIVE');
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');
});

test('after a dropped connection the top bar and the Risk panel show the halt and the limit change made meanwhile', async ({ terminal, page, engine }) => {
  const bar = new RiskBarObject(page);
  const risk = new RiskPanelObject(page);
  const socket = await CuttableSocket.install(page);
  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');
  await bar.expectMode('ACTIVE');
  await risk.open();
  expect(await risk.levels('max_order_notional')).toEqual({ soft: 100_000, hard: 250_000 });

  await socket.cut();
  await expect(terminal.connection).toHaveAccessibleName(/Connection: Reconnecting/);
  await expect(bar.killSwitch).toBeDisabled();

  // Another operator halts and tightens a limit while this terminal cannot hear the events.
  const api = await apiClient(engine);
  try {
    await api.call('risk.limits.set', { name: 'max_order_notional', soft: '80000', reason: 'tighter while away' });
    await api.call('risk.killSwitch', { reason: 'desk halt while away' });
  } finally {
    api.close();
  }

  await socket.restore();
  // The terminal may already have reconnected on its own backoff timer (the button is then gone):
  // the click only hurries it, and the assertion below waits for the connection either way.
  await page.getByRole('button', { name: 'Retry now' }).click({ timeout: 2_000 }).catch(() => undefined);
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');
  await bar.expectMode('HALTED');
  await expect(bar.state).toHaveAccessibleName(/desk halt while away/);
  await expect(risk.mode).toHaveText('HALTED');
  await expect.poll(() => risk.levels('max_order_notional')).toEqual({ soft: 80_000, hard: 250_000 });
  await expect(bar.killSwitch).toBeEnabled();
});
