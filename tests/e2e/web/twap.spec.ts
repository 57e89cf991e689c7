import { expect, test } from '../fixtures.ts';
import { num } from '../pages/grid.ts';

/**
 * An algorithm order from the ticket to the end of its life: a TWAP of 5 slices over 20 s, so that
 * the test is quick. The engine's slices are 4 s apart; the first child goes at the start.
 */
test('a TWAP from the ticket: preview, progress and children, pause, resume, FILLED with TCA', async ({ terminal, page }) => {
  test.setTimeout(180_000);
  const { ticket, blotter, detail } = terminal;

  await ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '5', urgency: 'High', algorithm: 'TWAP', duration: '40', slices: '5', jitter: '0' });
  // 40 s leaves room for the UI steps before the pause on a loaded machine; the TWAP must still
  // finish inside its window after the pause.

  // An algorithm hides the direct order's type; the price field is its cap, and optional.
  await expect(ticket.orderType).toHaveCount(0);
  await expect(ticket.priceCap).toBeEnabled();
  await expect(ticket.priceCap).toHaveValue('');
  // Only the parameters TWAP reads.
  await expect(ticket.param('Duration')).toHaveValue('40');
  await expect(ticket.param('Participation')).toHaveCount(0);
  await expect(ticket.param('Display quantity')).toHaveCount(0);

  // The planned schedule before anything is sent.
  await expect(ticket.preview).toContainText('TWAP');
  await expect(ticket.preview).toContainText('5 slices');
  await expect(ticket.preview).toContainText('40 s');
  await expect(ticket.preview).toContainText(/Routing:\s*twap chosen by the trader/i);
  await expect(ticket.preview.getByRole('img')).toHaveAccessibleName(/^5 planned slices of 1(\.0+)? ETH, every 8 s$/);
  await expect(ticket.submitButton).toContainText('TWAP');
  await terminal.screenshot('ticket-twap-preview');
  await terminal.screenshotOf(ticket.root, 'ticket-twap-preview-closeup');

  await ticket.submitButton.click();
  const id = await ticket.lastOrderId();
  await expect(ticket.status).toContainText('TWAP');

  // The parent in the blotter, with its progress; its first child fills at the start.
  await blotter.showOrders();
  await expect(blotter.orderRow(id)).toHaveCount(1);
  expect(await (await blotter.orderCell(id, 'Type')).innerText()).toBe('TWAP');
  await expect.poll(async () => Number(await blotter.progress(id).getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(blotter.progress(id)).toHaveAttribute('aria-valuetext', /schedule at \d+%/);

  // Expand: children are listed under it (and only there: not as orders of their own).
  await expect(blotter.expandButton(id)).toHaveAttribute('aria-expanded', 'false');
  await expect(blotter.childRows(id)).toHaveCount(0);
  await blotter.expandButton(id).click();
  await expect(blotter.expandButton(id)).toHaveAttribute('aria-expanded', 'true');
  await expect(blotter.childRows(id).first()).toBeVisible();
  await expect(blotter.childRows(id).first()).toContainText(`${id}-C1`);

  // Pause: the algorithm sends nothing while paused, though its slices (8 s apart) come due.
  await blotter.pauseButton(id).click();
  await expect(await blotter.orderCell(id, 'Status')).toContainText('PAUSED');
  await expect(blotter.resumeButton(id)).toBeVisible();
  await blotter.orderRow(id).click();
  await expect(detail.root).toBeVisible();
  await expect(detail.root).toContainText(id);
  await expect(detail.root).toContainText('PAUSED');
  const whilePaused = await blotter.childRows(id).count();
  expect(await detail.childCount()).toBe(whilePaused);
  // Absence can only be shown by letting time pass: the next slice comes due on the schedule (a
  // step in engine time), and the engine's clock then runs a second past it, longer than a slice in all.
  const pausedAt = await terminal.engineSeconds();
  const schedulePct = async (): Promise<number> => Number(/schedule at (\d+)%/.exec((await blotter.progress(id).getAttribute('aria-valuetext')) ?? '')?.[1] ?? NaN);
  const due0 = await schedulePct();
  await expect.poll(schedulePct, { timeout: 30_000 }).toBeGreaterThan(due0);
  await terminal.engineTimePassed(pausedAt, 9);
  await expect(blotter.childRows(id)).toHaveCount(whilePaused);
  await terminal.screenshotOf(page.getByRole('region', { name: 'Blotter' }), 'blotter-twap-paused-closeup');
  expect(await detail.childCount()).toBe(whilePaused);
  // Live TCA while it works.
  await expect(detail.tca).toContainText(/live/);

  // Resume: it catches up and finishes within its window.
  await blotter.resumeButton(id).click();
  await expect(await blotter.orderCell(id, 'Status')).not.toContainText('PAUSED');
  await expect(await blotter.orderCell(id, 'Status')).toHaveText(/^FILLED/, { timeout: 30_000 });
  await expect(blotter.progress(id)).toHaveAttribute('aria-valuenow', '100');
  expect(num(await (await blotter.orderCell(id, 'Filled')).innerText())).toBeCloseTo(5, 8);
  await expect.poll(() => blotter.childRows(id).count()).toBeGreaterThan(whilePaused);
  await expect(blotter.childRows(id).filter({ hasText: 'FILLED' }).first()).toBeVisible();
  // Once done there is nothing to pause or cancel.
  await expect(blotter.pauseButton(id)).toHaveCount(0);
  await expect(blotter.resumeButton(id)).toHaveCount(0);

  // The final TCA in the order detail.
  await expect(detail.tca).toContainText('final');
  await expect(detail.tca).toContainText('Implementation shortfall');
  for (const label of ['Decision price', 'Arrival price', 'Avg fill price', 'End price', 'Interval VWAP']) {
    expect(num(await detail.field(label).innerText()), label).toBeGreaterThan(0);
  }
  await expect(detail.field('Fill rate')).toHaveText('100.0%');
  for (const part of ['Delay', 'Impact', 'Timing', 'Opportunity', 'Fees']) {
    await expect(detail.shortfallPart(part)).toContainText(/[−+]?\d+\.\d\d bps/);
  }
  await expect(detail.shortfallPart('Fees')).toContainText(/\+\d+\.\d\d bps/);

  // The children's fills are fills like any other: in the Fills tab and marked on the chart.
  await expect.poll(() => terminal.chartSummary()).toMatch(/^ETH\/USDT .* [1-9]\d* fill markers?\./);
  await detail.tca.scrollIntoViewIfNeeded();
  await terminal.screenshot('blotter-twap-tca');
  await terminal.screenshotOf(page.getByRole('region', { name: 'Blotter' }), 'blotter-twap-closeup');
  await terminal.screenshotOf(page.getByRole('region', { name: 'Positions panel' }), 'order-detail-tca-closeup');
  const fills = await blotter.showFills();
  await expect(fills.row(`${id}-C1`)).toHaveCount(1);
});

test('keyboard on a parent order: arrows expand and collapse, P pauses and resumes, Delete cancels', async ({ terminal, page }) => {
  const { ticket, blotter, detail } = terminal;
  const kb = page.keyboard;

  // Routing from urgency: High picks TWAP over ~2 minutes (the Auto option says which).
  await ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '4', urgency: 'High', algorithm: 'Auto' });
  await expect(ticket.algorithm.locator('option:checked')).toHaveText(/^Auto: TWAP/);
  await expect(ticket.preview).toContainText(/high urgency → twap/i);
  await expect(ticket.preview).toContainText('2 min');
  await ticket.submitButton.click();
  const id = await ticket.lastOrderId();
  await expect(ticket.status).toContainText('TWAP');

  await kb.press('Alt+O');
  await expect(blotter.orders.root).toBeFocused();
  await kb.press('ArrowDown');
  await expect(blotter.orders.selectedRow()).toContainText(id);
  await expect(detail.root).toContainText(id);

  // → expands, ← collapses, Enter toggles.
  await kb.press('ArrowRight');
  await expect(blotter.expandButton(id)).toHaveAttribute('aria-expanded', 'true');
  await expect(blotter.childRows(id).first()).toBeVisible();
  await kb.press('ArrowLeft');
  await expect(blotter.expandButton(id)).toHaveAttribute('aria-expanded', 'false');
  await expect(blotter.childRows(id)).toHaveCount(0);
  await kb.press('Enter');
  await expect(blotter.expandButton(id)).toHaveAttribute('aria-expanded', 'true');

  // P pauses and resumes the selected parent.
  await kb.press('p');
  await expect(await blotter.orderCell(id, 'Status')).toContainText('PAUSED');
  await kb.press('p');
  await expect(await blotter.orderCell(id, 'Status')).not.toContainText('PAUSED');
  await expect(blotter.pauseButton(id)).toBeVisible();

  // Delete cancels it (what is filled stays filled).
  await kb.press('Delete');
  await expect(await blotter.orderCell(id, 'Status')).toHaveText(/CANCELLED/);
  await expect(blotter.pauseButton(id)).toHaveCount(0);
  await expect(detail.tca).toContainText('final');
});
