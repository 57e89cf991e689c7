import { expect, test } from '../fixtures.ts';
import { ReplayBarObject } from '../pages/replay-bar.ts';
import { SettingsObject } from '../pages/venue-pages.ts';

/**
 * The Settings replay form takes the replay account's starting cash (in the recording's quote
 * currency): a bad amount is refused in the form, a good one is the account's cash once loaded.
 */
test('a replay loaded from Settings with Cash starts its account with that cash; a bad amount is refused', async ({ terminal, page }) => {
  const bar = new ReplayBarObject(page);
  const settings = new SettingsObject(page);
  await settings.open();
  await expect(settings.replayForm.getByLabel('Recording file')).toHaveValue(/binance_XRPETH_trades_20191011-13\.csv$/);
  const cash = settings.replayForm.getByLabel('Cash', { exact: true });
  await expect(cash).toHaveAttribute('placeholder', 'from the recording');
  // Its currency is named before the file is loaded: the tape's quote, read from its name.
  await expect(cash).toHaveAccessibleDescription('ETH');
  await expect(settings.replayForm).toContainText('the quote of XRP/ETH, read from the file name');
  // A name that says no instrument: the form says the currency comes with the file, and claims none.
  const file = settings.replayForm.getByLabel('Recording file');
  const demo = await file.inputValue();
  await file.fill('/tmp/session.jsonl');
  await expect(cash).toHaveAccessibleDescription('quote currency');
  await expect(settings.replayForm).toContainText('the recording’s quote currency, named once it is loaded');
  await file.fill(demo);
  await terminal.screenshotOf(settings.replayForm, 'settings-replay-cash-currency');

  await settings.loadReplay({ cash: '-5' });
  await expect(settings.replayForm.getByRole('alert')).toContainText('Cash: "-5" is not a positive amount');
  await expect(bar.root).toHaveCount(0);

  await settings.loadReplay({ cash: '250' });
  await expect(bar.root).toBeVisible();
  await expect(page.getByLabel(/^Mode: replay/)).toBeVisible();
  const account = terminal.topBar().getByLabel('Account', { exact: true });
  await expect(account).toContainText('250.00');
  // Loaded: named by the loaded instrument.
  await expect(settings.replayForm).toContainText('the quote of XRP/ETH');
  await expect(cash).toHaveAccessibleDescription('ETH');
  await terminal.screenshot('settings-replay-cash');
});
