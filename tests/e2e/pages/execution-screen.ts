import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The Execution screen: shortfall per algorithm and instrument, the trend chart, Refresh. */
export class ExecutionScreenObject {
  readonly page: Page;
  readonly root: Locator;
  readonly byAlgo: Locator;
  readonly bySymbol: Locator;
  readonly chart: Locator;
  readonly refresh: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Execution quality' });
    this.byAlgo = this.root.getByRole('table', { name: 'Shortfall by algorithm' });
    this.bySymbol = this.root.getByRole('table', { name: 'Shortfall by instrument' });
    this.chart = this.root.getByRole('img', { name: /^Shortfall per parent over time/ });
    this.refresh = this.root.getByRole('button', { name: 'Refresh execution quality' });
  }

  /** Opens it from the screen switcher in the top bar. */
  async open(): Promise<void> {
    const button = this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Execution', exact: true });
    await button.click();
    await expect(button).toHaveAttribute('aria-current', 'page');
    await expect(this.root).toBeVisible();
  }

  /** One group's row as header → cell text. */
  async row(table: Locator, key: string): Promise<Record<string, string>> {
    const headers = await table.locator('thead th').allInnerTexts();
    const cells = await table.locator(`tbody tr[data-key="${key}"] td`).allInnerTexts();
    return Object.fromEntries(headers.map((h, i) => [h.trim(), (cells[i] ?? '').trim()]));
  }
}
