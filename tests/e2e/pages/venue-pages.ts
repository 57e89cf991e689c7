import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The Settings screen: the exchange form, the keys form, the current venue. */
export class SettingsObject {
  readonly page: Page;
  readonly root: Locator;
  readonly venueForm: Locator;
  readonly keysForm: Locator;
  readonly replayForm: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Settings' });
    this.venueForm = this.root.getByRole('form', { name: 'Venue configuration' });
    this.keysForm = this.root.getByRole('form', { name: 'API keys' });
    this.replayForm = this.root.getByRole('form', { name: 'Replay a recorded market' });
  }

  /** Loads a recording from the Replay form; `path` undefined keeps the path the form offers (the demo tape). */
  async loadReplay(o: { path?: string; speed?: string; from?: string; cash?: string }): Promise<void> {
    const f = this.replayForm;
    if (o.path !== undefined) await f.getByLabel('Recording file').fill(o.path);
    if (o.speed !== undefined) await f.getByLabel('Replay speed').selectOption(o.speed);
    if (o.from !== undefined) await f.getByLabel('Start at (UTC)').fill(o.from);
    if (o.cash !== undefined) await f.getByLabel('Cash', { exact: true }).fill(o.cash);
    await f.getByRole('button', { name: /^Load (another )?replay$/ }).click();
  }

  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(this.root).toBeVisible();
  }

  /** Types the keys into the password fields and stores them; the fields are emptied afterwards. */
  async storeKeys(apiKey: string, secret: string): Promise<void> {
    await this.keysForm.getByLabel('API key').fill(apiKey);
    await this.keysForm.getByLabel('API secret').fill(secret);
    await this.keysForm.getByRole('button', { name: 'Store keys' }).click();
    await expect(this.root.getByTestId('keys-status')).toContainText('Keys stored');
    await expect(this.keysForm.getByLabel('API key')).toHaveValue('');
    await expect(this.keysForm.getByLabel('API secret')).toHaveValue('');
  }

  /** Fills the exchange form; `live` ticks the confirmation too. */
  async configure(o: { exchangeId: string; mode: 'live' | 'paper'; symbols: string; apiUrl: string }): Promise<void> {
    const f = this.venueForm;
    await f.getByLabel('Exchange (ccxt id)').fill(o.exchangeId);
    await f.getByLabel(o.mode === 'live' ? 'Live (real orders)' : 'Paper (on live data)').check();
    await f.getByLabel('Symbols').fill(o.symbols);
    await f.getByLabel('API base URL').fill(o.apiUrl);
    if (o.mode === 'live') await f.getByLabel('I understand live mode sends real orders with real money').check();
  }

  async connect(): Promise<void> {
    await this.venueForm.getByRole('button', { name: 'Save and connect' }).click();
  }
}

/** The Reconciliation screen: differences found, what was done, operator actions. */
export class ReconciliationObject {
  readonly page: Page;
  readonly root: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Reconciliation' });
  }

  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Reconciliation', exact: true }).click();
    await expect(this.root).toBeVisible();
  }

  /** Rows of the "Differences found" table of one kind (e.g. missed_fill). */
  rows(kind: string): Locator {
    return this.root.getByRole('table', { name: 'Differences found' }).locator(`tr[data-kind="${kind}"]`);
  }
}
