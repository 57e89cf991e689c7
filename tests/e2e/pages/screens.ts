import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export type ScreenLabel = 'Trading' | 'Risk' | 'Signals' | 'Portfolio' | 'Approvals' | 'Reconciliation' | 'Settings';

/** The screen switcher in the top bar, and the panels whose sizes a screen keeps. */
export class ScreensObject {
  readonly page: Page;
  readonly nav: Locator;
  /** Resets the layout of the screen shown. */
  readonly reset: Locator;

  constructor(page: Page) {
    this.page = page;
    this.nav = page.getByRole('navigation', { name: 'Screens' });
    this.reset = this.nav.getByRole('button', { name: /^Reset layout of the / });
  }

  button(label: ScreenLabel): Locator {
    return this.nav.getByRole('button', { name: label, exact: true });
  }

  async expectCurrent(label: ScreenLabel): Promise<void> {
    await expect(this.button(label)).toHaveAttribute('aria-current', 'page');
  }

  /** A resizable panel by its id (p-left, p-risk-controls, …). */
  panel(id: string): Locator {
    return this.page.locator(`[id="${id}"]`);
  }

  async panelWidth(id: string): Promise<number> {
    const box = await this.panel(id).boundingBox();
    if (!box) throw new Error(`panel ${id} is not on screen`);
    return box.width;
  }

  /** Drags the separator that resizes `panelId` by `dx` pixels, as an operator would with the mouse. */
  async dragSeparator(panelId: string, dx: number): Promise<void> {
    const sep = this.page.locator(`[role="separator"][aria-controls="${panelId}"]`).first();
    const box = await sep.boundingBox();
    if (!box) throw new Error(`no separator for ${panelId}`);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx / 2, y, { steps: 4 });
    await this.page.mouse.move(x + dx, y, { steps: 4 });
    await this.page.mouse.up();
  }
}
