import { mkdirSync } from 'node:fs';
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { GridObject, num } from './grid.ts';
import { TicketObject } from './ticket.ts';

/** The Orders / Fills blotter, with its tabs. */
export class BlotterObject {
  readonly page: Page;
  readonly orders: GridObject;
  readonly fills: GridObject;
  readonly cancelAllButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.orders = new GridObject(page.getByRole('grid', { name: 'Orders' }));
    this.fills = new GridObject(page.getByRole('grid', { name: 'Fills' }));
    this.cancelAllButton = page.getByRole('button', { name: 'Cancel all' });
  }

  async showOrders(): Promise<GridObject> {
    await this.page.getByRole('tab', { name: /Orders/ }).click();
    await expect(this.orders.root).toBeVisible();
    return this.orders;
  }

  async showFills(): Promise<GridObject> {
    await this.page.getByRole('tab', { name: /Fills/ }).click();
    await expect(this.fills.root).toBeVisible();
    return this.fills;
  }

  cancelButton(orderId: string): Locator {
    return this.orders.root.getByRole('button', { name: `Cancel order ${orderId}` });
  }

  async orderStatus(orderId: string): Promise<string> {
    return this.orders.cellText(orderId, 'Status');
  }
}

export class TerminalPage {
  readonly page: Page;
  readonly ticket: TicketObject;
  readonly blotter: BlotterObject;
  readonly positions: GridObject;
  readonly watchlist: Locator;
  readonly connection: Locator;

  constructor(page: Page) {
    this.page = page;
    this.ticket = new TicketObject(page);
    this.blotter = new BlotterObject(page);
    this.positions = new GridObject(page.getByRole('grid', { name: 'Positions' }));
    this.watchlist = page.getByRole('table', { name: 'Watchlist' });
    this.connection = page.getByRole('status', { name: /^Connection:/ });
  }

  /** Opens the terminal and waits until it is connected and has live prices. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.connection).toHaveAccessibleName('Connection: Connected', { timeout: 15_000 });
    await expect(this.ticket.symbol.locator('option')).not.toHaveCount(0);
    await expect.poll(async () => (await this.quote('BTC/USDT')).bid, { timeout: 15_000 }).toBeGreaterThan(0);
  }

  watchRow(symbol: string): Locator {
    return this.watchlist.locator('tbody tr').filter({ has: this.page.getByRole('rowheader', { name: new RegExp(symbol.replace('/', '\\/')) }) });
  }

  /** Bid / ask / last of a symbol as the watchlist shows them. */
  async quote(symbol: string): Promise<{ bid: number; ask: number; last: number }> {
    const cells = await this.watchRow(symbol).locator('td').allInnerTexts();
    return { bid: num(cells[0] ?? null), ask: num(cells[1] ?? null), last: num(cells[2] ?? null) };
  }

  /** Saves test-results/screenshots/NAME.png (the folder is made if something removed it). */
  async screenshot(name: string): Promise<void> {
    mkdirSync('test-results/screenshots', { recursive: true });
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png` });
  }
}
