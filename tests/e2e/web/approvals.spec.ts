import { expect, startEngine, test as base } from '../fixtures.ts';
import type { Engine } from '../fixtures.ts';
import { ApprovalsObject, PortfolioObject, SignalsObject } from '../pages/l2.ts';
import type { ProposalRow } from '../pages/l2.ts';

/**
 * L2 end to end on the demo market: the operator sets the strategic allocation in the Signals view,
 * the engine's next signal cycle turns the targets into proposals, and the approval queue is worked
 * from the keyboard: one proposal modified then rejected with a reason (nothing is sent), another
 * approved (its order reaches the blotter). Screenshots of the three views are saved for a person
 * to look at (test-results/screenshots/l2-*.png).
 *
 * The engine here runs a signal cycle every 10 s (`serve --signal-cycle 10`; 60 s by default) and
 * proposes after a cycle in which an alpha ran; the waits below are bounds on those events, not sleeps.
 */

const test = base.extend<{ engine: Engine }>({
  engine: async ({}, use, testInfo) => {
    const { engine, stop } = await startEngine(['--signal-cycle', '10']);
    try {
      await use(engine);
    } finally {
      await stop();
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('engine-output.txt', { body: engine.output(), contentType: 'text/plain' });
    }
  },
});

const CYCLE_BOUND_MS = 90_000;

test('proposals from the strategic alpha: modify and reject one, approve another from the keyboard', async ({ terminal, page }) => {
  test.setTimeout(240_000);
  const signals = new SignalsObject(page);
  const portfolio = new PortfolioObject(page);
  const queue = new ApprovalsObject(page);
  const { blotter } = terminal;

  // Signals: the strategic alpha is on by default; give it a small two-instrument allocation, sent now.
  await signals.open();
  await expect(signals.enabled('strategic')).toBeChecked();
  await expect(signals.enabled('tactical')).not.toBeChecked();
  await signals.pick('strategic');
  // The default policy already holds SPY, BTC/USDT and ETH/USDT (inside the default L1 limits):
  // shrink SPY, trim ETH/USDT, and the rest to cash (BTC/USDT stays at its default 0.05).
  await signals.param('strategic', 'targets.SPY').fill('0.05');
  await signals.param('strategic', 'targets.ETH/USDT').fill('0.04');
  await signals.param('strategic', 'targets.CASH').fill('0.86');
  await signals.param('strategic', 'urgency').fill('immediate');
  await expect(signals.applyButton).toHaveText('Apply 2 changes');
  await signals.applyButton.click();
  // The engine's answer: the record has the new weights, and the urgency stuck.
  await expect(signals.param('strategic', 'targets.ETH/USDT')).toHaveValue('0.04');
  await expect(signals.param('strategic', 'urgency')).toHaveValue('immediate');
  await expect(signals.params('strategic').getByRole('alert')).toHaveCount(0);

  // A bad value is refused with the engine's reason and changes nothing.
  await signals.param('strategic', 'targets.SPY').fill('0.5');
  await page.keyboard.press('Enter');
  await expect(signals.params('strategic').getByRole('alert')).toContainText('BAD_PARAM');
  await page.keyboard.press('Escape');
  await expect(signals.param('strategic', 'targets.SPY')).toHaveValue('0.05');

  // The queue: wait for the cycle's proposals (the badge counts them), keyboard in the grid.
  await queue.open();
  await expect.poll(() => queue.waiting(), { timeout: CYCLE_BOUND_MS, message: 'the signal cycle proposes at least two orders' }).toBeGreaterThanOrEqual(2);
  await expect.poll(async () => (await queue.list()).filter((p) => /PROPOSED|MODIFIED/.test(p.status)).length).toBeGreaterThanOrEqual(2);
  const waiting = (await queue.list()).filter((p) => /PROPOSED|MODIFIED/.test(p.status));
  // Approve one L1 passes (ETH/USDT from the new allocation if it is there); reject another.
  const passing = waiting.filter((p) => p.l1.startsWith('PASS'));
  const toApprove: ProposalRow | undefined = passing.find((p) => p.symbol === 'ETH/USDT') ?? passing[0];
  expect(toApprove, `a proposal L1 passes among ${JSON.stringify(waiting)}`).toBeDefined();
  const toReject = waiting.find((p) => p.id !== toApprove?.id) as ProposalRow;
  // The next cycles may propose more while we work: the badge must always equal what the grid shows waiting.
  const badgeMatchesGrid = async (): Promise<void> => {
    await expect
      .poll(async () => {
        const rows = await queue.list().catch(() => null);
        return rows ? (await queue.waiting()) - rows.filter((p) => /PROPOSED|MODIFIED/.test(p.status)).length : Number.NaN;
      })
      .toBe(0);
  };
  await badgeMatchesGrid();

  // M: modify the one to reject (smaller quantity); L1 runs again and the detail says so.
  await queue.selectWithKeyboard(toReject.id);
  await expect(queue.root.getByRole('group', { name: `Proposal ${toReject.id}` })).toBeVisible();
  await page.keyboard.press('m');
  await expect(queue.modifyDialog).toBeVisible();
  const qty = queue.modifyDialog.getByLabel('Quantity', { exact: true });
  await expect(qty).toBeFocused();
  const oldQty = Number(await qty.inputValue());
  const newQty = toReject.symbol === 'SPY' ? '1' : toReject.symbol === 'ETH/USDT' ? '0.1' : '0.001';
  await qty.fill(newQty);
  await page.keyboard.press('Enter');
  await expect(queue.modifyDialog).toHaveCount(0);
  await expect(queue.note).toContainText(`${toReject.id} Modified`);
  await expect(queue.note).toContainText('L1 re-run:');
  await expect.poll(() => queue.status(toReject.id)).toContain('MODIFIED');
  expect(Number(newQty)).not.toBe(oldQty);
  await expect(queue.grid.root).toBeFocused();

  // R: reject it with a reason.
  await queue.selectWithKeyboard(toReject.id);
  await page.keyboard.press('r');
  await expect(queue.rejectDialog).toBeVisible();
  const reason = queue.rejectDialog.getByLabel('Reason', { exact: true });
  await expect(reason).toBeFocused();
  // A reject needs a reason.
  await page.keyboard.press('Enter');
  await expect(queue.rejectDialog.getByRole('alert')).toContainText('reason');
  await reason.fill('not today: e2e rejects this one');
  await page.keyboard.press('Enter');
  await expect(queue.rejectDialog).toHaveCount(0);
  await expect.poll(() => queue.status(toReject.id)).toContain('REJECTED');
  await badgeMatchesGrid();

  // A: approve the other; L1 runs again and the order is sent.
  await queue.selectWithKeyboard(toApprove?.id ?? '');
  await page.keyboard.press('a');
  await expect.poll(() => queue.status(toApprove?.id ?? ''), { timeout: 30_000 }).toContain('APPROVED');
  await badgeMatchesGrid();
  await expect(queue.note).toContainText(`${toApprove?.id} Approved: sent as order`);
  const orderId = /sent as order (\S+)/.exec((await queue.note.innerText()) ?? '')?.[1] ?? '';
  expect(orderId).not.toBe('');
  // The rejected one carries no order; the approved one names its order.
  await queue.selectWithKeyboard(toReject.id);
  await expect(queue.root.getByRole('group', { name: `Proposal ${toReject.id}` })).toContainText('not today: e2e rejects this one');
  await expect(queue.detailField('Order')).toHaveCount(0);
  await queue.selectWithKeyboard(toApprove?.id ?? '');
  await expect(queue.detailField('Order')).toHaveText(orderId);
  await terminal.screenshot('l2-approvals');

  // The blotter: exactly the approved order (the rejected proposal sent nothing).
  await page.keyboard.press('Control+1');
  const orders = await blotter.showOrders();
  await expect(blotter.orderRow(orderId)).toHaveCount(1);
  await expect(orders.rows()).toHaveCount(1);
  await expect(blotter.orderRow(orderId)).toContainText(toApprove?.symbol ?? '');

  // Portfolio: the target shows the new allocation; the frontier and risk views render.
  await portfolio.open();
  await expect(portfolio.weightRow('ETH/USDT')).toBeVisible();
  await expect(portfolio.weightRow('SPY')).toBeVisible();
  await expect(portfolio.frontier.getByRole('img', { name: /^Efficient frontier of / }).or(portfolio.frontier.getByText(/history|bars|observations/i)).first()).toBeVisible({ timeout: 30_000 });
  await expect(portfolio.riskContributions).toBeVisible();
  await terminal.screenshot('l2-portfolio');

  await signals.open();
  await expect(signals.lastSignals.getByRole('row').filter({ hasText: 'ETH/USDT' }).first()).toBeVisible();
  await expect(signals.contributions).toContainText('strategic');
  await terminal.screenshot('l2-signals');
});
