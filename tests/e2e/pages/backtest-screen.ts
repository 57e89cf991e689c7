import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The Backtest screen (region "Backtest"). */
export class BacktestScreenObject {
  readonly page: Page;
  readonly root: Locator;
  readonly data: Locator;
  readonly strategy: Locator;
  readonly fidelity: Locator;
  readonly commission: Locator;
  readonly run: Locator;
  readonly progress: Locator;
  readonly metrics: Locator;
  readonly runs: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Backtest' });
    this.data = this.root.getByLabel('Data', { exact: true });
    this.strategy = this.root.getByLabel('Strategy', { exact: true });
    this.fidelity = this.root.getByLabel('Fidelity', { exact: true });
    this.commission = this.root.getByLabel('Commission', { exact: true });
    this.run = this.root.getByRole('button', { name: 'Run backtest' });
    this.progress = this.root.getByRole('progressbar');
    this.metrics = this.root.getByRole('table', { name: 'Metrics' });
    this.runs = this.root.getByRole('table', { name: 'Runs' });
  }

  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Backtest', exact: true }).click();
    await expect(this.root).toBeVisible();
  }

  param(name: string): Locator {
    return this.root.getByLabel(`Parameter ${name}`, { exact: true });
  }

  /** A metric's value in the first run column of the Metrics table. */
  async metric(name: string): Promise<string> {
    const row = this.metrics.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
    await expect(row).toHaveCount(1);
    return (await row.getByRole('cell').first().innerText()).trim();
  }
}
