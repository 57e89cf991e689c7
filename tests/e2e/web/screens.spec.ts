import { expect, test } from '../fixtures.ts';
import { RiskPanelObject } from '../pages/risk-panel.ts';
import { ScreensObject } from '../pages/screens.ts';

/**
 * The screen router: Trading and Risk screens switched from the keyboard (Ctrl+1 / Ctrl+2, listed
 * in the shortcut help), each screen's panel sizes kept across a reload, and a reset to the defaults.
 */
test('Ctrl+2 shows the Risk screen and Ctrl+1 the Trading screen; the shortcuts are in the help', async ({ terminal, page }) => {
  const screens = new ScreensObject(page);
  const risk = new RiskPanelObject(page);
  const { ticket } = terminal;

  await screens.expectCurrent('Trading');
  await expect(ticket.root).toBeVisible();

  await risk.openScreen();
  await screens.expectCurrent('Risk');
  // The whole screen: L1 controls and the PMS view side by side, no trading panels.
  await expect(risk.mode).toHaveText('ACTIVE');
  await expect(risk.limits).toBeVisible();
  await expect(risk.var).toBeVisible();
  await expect(ticket.root).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /^Risk/ })).toHaveCount(0);
  // Alt+R focuses the risk view on this screen too.
  await page.keyboard.press('Alt+R');
  await expect(risk.root).toBeFocused();

  // F2 from the Risk screen brings the ticket back, focused.
  await page.keyboard.press('F2');
  await screens.expectCurrent('Trading');
  await expect(ticket.quantity).toBeFocused();

  await page.keyboard.press('Control+2');
  await screens.expectCurrent('Risk');
  await page.keyboard.press('Control+1');
  await screens.expectCurrent('Trading');
  await expect(ticket.root).toBeVisible();

  // The ticket kept what was typed across the switch (it lives in the store, not the screen).
  await ticket.quantity.fill('0.02');
  await page.keyboard.press('Control+2');
  await page.keyboard.press('Control+1');
  await expect(ticket.quantity).toHaveValue('0.02');

  // The switcher also works with the mouse, and the help lists both shortcuts.
  await screens.button('Risk').click();
  await screens.expectCurrent('Risk');
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Ctrl+1');
  await expect(help).toContainText(/Ctrl\+2\s*Show the Risk screen/);
  await page.keyboard.press('Escape');
});

test('each screen keeps its panel sizes and the screen shown across a reload; reset restores the defaults', async ({ terminal, page }) => {
  const screens = new ScreensObject(page);
  const risk = new RiskPanelObject(page);

  // Trading: widen the left column (watchlist and ticket).
  const leftBefore = await screens.panelWidth('p-left');
  await screens.dragSeparator('p-left', 80);
  await expect.poll(() => screens.panelWidth('p-left')).toBeGreaterThan(leftBefore + 40);
  const leftAfter = await screens.panelWidth('p-left');

  // Risk: narrow the controls column.
  await page.keyboard.press('Control+2');
  await expect(risk.root).toBeVisible();
  const controlsBefore = await screens.panelWidth('p-risk-controls');
  await screens.dragSeparator('p-risk-controls', -150);
  await expect.poll(() => screens.panelWidth('p-risk-controls')).toBeLessThan(controlsBefore - 80);
  const controlsAfter = await screens.panelWidth('p-risk-controls');

  // A reload comes back on the Risk screen, with its sizes.
  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected', { timeout: 15_000 });
  await screens.expectCurrent('Risk');
  await expect(risk.root).toBeVisible();
  await expect.poll(() => screens.panelWidth('p-risk-controls')).toBeCloseTo(controlsAfter, -1);
  await page.keyboard.press('Control+1');
  await expect.poll(() => screens.panelWidth('p-left')).toBeCloseTo(leftAfter, -1);

  // Reset (Trading shown): back to the default width; the Risk screen keeps its own sizes.
  await screens.reset.click();
  await expect.poll(() => screens.panelWidth('p-left')).toBeCloseTo(leftBefore, -1);
  await page.keyboard.press('Control+2');
  await expect.poll(() => screens.panelWidth('p-risk-controls')).toBeCloseTo(controlsAfter, -1);
  await screens.reset.click();
  await expect.poll(() => screens.panelWidth('p-risk-controls')).toBeCloseTo(controlsBefore, -1);

  // And the reset is what a reload reads back.
  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected', { timeout: 15_000 });
  await expect(risk.root).toBeVisible();
  await expect.poll(() => screens.panelWidth('p-risk-controls')).toBeCloseTo(controlsBefore, -1);
});

test('screenshots of both screens at 1600×1000 and 1280×720: nothing wider than the window', async ({ terminal, page }) => {
  test.setTimeout(120_000);
  const screens = new ScreensObject(page);
  for (const [w, h] of [
    [1600, 1000],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const [key, label] of [
      ['Control+1', 'Trading'],
      ['Control+2', 'Risk'],
    ] as const) {
      await page.keyboard.press(key);
      await screens.expectCurrent(label);
      // Let the chart and the risk sections settle at the new size.
      await expect(page.locator('.screen')).toBeVisible();
      const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
      expect(widths.doc, `${label} at ${w}×${h} is wider than the window`).toBeLessThanOrEqual(widths.win);
      await terminal.screenshot(`screen-${label.toLowerCase()}-${w}x${h}`);
    }
  }
});
