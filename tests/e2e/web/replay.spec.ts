import { resolve } from 'node:path';
import { apiClient, expect, test } from '../fixtures.ts';
import { num } from '../pages/grid.ts';
import { ReplayBarObject } from '../pages/replay-bar.ts';
import { SettingsObject } from '../pages/venue-pages.ts';

const TAPE = resolve(import.meta.dirname, '..', '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');

// A replay rebuilds its account on a seek back and plays a 59 h tape: more engine work than the other specs.
test.setTimeout(300_000);

test('at max speed a Pause stops the replay time at once, where the engine stopped (issue 12)', async ({ terminal, engine, page }) => {
  await expect(terminal.ticket.symbol).toBeVisible();
  const bar = new ReplayBarObject(page);
  const api = await apiClient(engine);
  try {
    const loaded = await api.call('replay.load', { path: TAPE, speed: 'max' });
    await expect(bar.root).toBeVisible();
    await bar.play.click();
    // Hours of tape go by (the UI gets the replay's state a few times a second, not every tick).
    await expect.poll(() => bar.timeMs(), { timeout: 60_000 }).toBeGreaterThan(loaded.start + 3_600_000);
    await bar.pause.click();
    // The engine's answer is back within a bound (20-30 s before: it queued behind ~20k pushed frames).
    await expect(bar.play).toBeEnabled({ timeout: 3_000 });
    const engineAt = (await api.call('replay.status', {})).position;
    expect(engineAt).toBeLessThan(loaded.end);
    // The time display shows where the engine stopped, and stays there.
    await expect.poll(() => bar.timeMs(), { timeout: 3_000 }).toBe(Math.floor(engineAt / 1000) * 1000);
    await page.screenshot({ path: test.info().outputPath('replay-max-pause.png') });
    expect(await bar.timeMs()).toBe(Math.floor(engineAt / 1000) * 1000);
    expect((await api.call('replay.status', {})).position).toBe(engineAt);
  } finally {
    api.close();
  }
});

test('a replay loads into the running terminal: play, pause, speed, seek, and a manual order fills against the recorded flow', async ({ terminal, engine, page }) => {
  const bar = new ReplayBarObject(page);
  await expect(bar.root).toHaveCount(0);

  // Loaded over the contract, as `strata replay load FILE` does: the terminal switches to the replay account.
  const api = await apiClient(engine);
  const loaded = await api.call('replay.load', { path: TAPE, speed: '1' });
  api.close();
  await expect(bar.root).toBeVisible();
  await expect(page.getByLabel(/^Mode: replay/)).toBeVisible();
  // The status line names the replay account (it said "Live").
  await expect(terminal.statusLine).toContainText('Connected · replay');
  await expect(terminal.ticket.symbol.locator('option')).toHaveText(['XRP/ETH']);
  expect(await bar.timeMs()).toBe(Math.floor(loaded.start / 1000) * 1000);

  // Step plays the next recorded trade; play moves the time on; pause stops it.
  await bar.step.click();
  await expect.poll(async () => (await terminal.quote('XRP/ETH')).bid).toBeGreaterThan(0);
  await bar.speed.selectOption('10');
  await bar.play.click();
  await expect(bar.pause).toBeEnabled();
  const t0 = await bar.positionMs();
  // The replay's time moves on (how fast depends on the machine's load: a bound, not a rate).
  await expect.poll(() => bar.positionMs(), { timeout: 60_000 }).toBeGreaterThan(t0 + 5_000);
  await bar.pause.click();
  await expect(bar.play).toBeEnabled();
  const paused = await bar.positionMs();
  await expect(bar.speed).toHaveValue('10');
  // Paused means paused: the position holds while other things happen.
  await bar.speed.selectOption('60');
  await expect(bar.speed).toHaveValue('60');
  expect(await bar.positionMs()).toBe(paused);

  // Seek forwards an hour into the tape.
  const hourIn = loaded.start + 3_600_000;
  await bar.seek(hourIn);

  // A manual market buy while playing fills against the replay's venue.
  await bar.speed.selectOption('1');
  await bar.play.click();
  const orderId = await terminal.ticket.place({ symbol: 'XRP/ETH', side: 'Buy', quantity: '500', type: 'Market' });
  await expect(terminal.ticket.status).toContainText('FILLED');
  await bar.pause.click();
  const orders = await terminal.blotter.showOrders();
  await expect(await orders.cell(orderId, 'Status')).toHaveText(/FILLED/);
  await expect.poll(async () => num(await terminal.positions.cellText('XRP/ETH', 'Qty'))).toBeCloseTo(500, 8);

  // Seek back to before the order: the replay account is as it was then (no order, no position).
  await bar.seek(loaded.start + 1_800_000);
  await expect(orders.row(orderId)).toHaveCount(0);
  await expect(terminal.positions.row('XRP/ETH')).toHaveCount(0);

  // Stop: back to the paper account, whose market never saw any of it.
  await bar.stop.click();
  await expect(bar.root).toHaveCount(0);
  await expect(page.getByLabel(/^Mode: paper/)).toBeVisible();
  await expect.poll(async () => (await terminal.quote('BTC/USDT')).bid).toBeGreaterThan(0);
});

test('a replay loads from Settings: the demo tape is offered, a bad path is refused with its code, and Stop goes back to paper', async ({ terminal, page }) => {
  const bar = new ReplayBarObject(page);
  const settings = new SettingsObject(page);
  await settings.open();
  const path = settings.replayForm.getByLabel('Recording file');
  await expect(path).toHaveValue(/binance_XRPETH_trades_20191011-13\.csv$/);
  const demo = await path.inputValue();

  await settings.loadReplay({ path: '/nonexistent/tape.csv' });
  await expect(settings.replayForm.getByRole('alert')).toContainText(/^[A-Z_]+: /);
  await expect(bar.root).toHaveCount(0);

  await settings.loadReplay({ path: demo, speed: '10', from: '2019-10-11T01:00:00Z' });
  await expect(bar.root).toBeVisible();
  await expect(settings.root.getByTestId('replay-loaded')).toContainText('XRP/ETH');
  expect(await bar.timeMs()).toBe(Date.parse('2019-10-11T01:00:00Z'));
  await expect(bar.speed).toHaveValue('10');
  await expect(page.getByLabel(/^Mode: replay/)).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/settings-replay-1600.png' });

  await settings.replayForm.getByRole('button', { name: 'Stop replay' }).click();
  await expect(bar.root).toHaveCount(0);
  await expect(page.getByLabel(/^Mode: replay/)).toHaveCount(0);
  // Back on the paper account: the ticket offers the demo market's instruments again.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Trading', exact: true }).click();
  await expect(terminal.ticket.symbol.locator('option')).toContainText(['BTC/USDT']);
});
