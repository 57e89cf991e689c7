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

  /** The row of exactly this order (a parent's row, not its children's, whose ids extend it). */
  orderRow(orderId: string): Locator {
    return this.orders.rows().filter({ has: this.page.getByText(orderId, { exact: true }) });
  }

  async orderCell(orderId: string, header: string): Promise<Locator> {
    return this.orders.cellIn(this.orderRow(orderId), header);
  }

  /** Child rows shown under an expanded parent (ids {parentId}-C{n}). */
  childRows(parentId: string): Locator {
    return this.orders.rows().filter({ hasText: new RegExp(`${parentId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-C\\d+`) });
  }

  expandButton(parentId: string): Locator {
    return this.orders.root.getByRole('button', { name: `Child orders of ${parentId}` });
  }

  pauseButton(orderId: string): Locator {
    return this.orders.root.getByRole('button', { name: `Pause order ${orderId}` });
  }

  resumeButton(orderId: string): Locator {
    return this.orders.root.getByRole('button', { name: `Resume order ${orderId}` });
  }

  progress(orderId: string): Locator {
    return this.orders.root.getByRole('progressbar', { name: `Progress of order ${orderId}` });
  }
}

/** The order detail region (bottom right, beside Positions), with its TCA. */
export class OrderDetailObject {
  readonly page: Page;
  readonly root: Locator;
  readonly tab: Locator;
  readonly tca: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Order detail' });
    this.tab = page.getByRole('tab', { name: 'Order detail' });
    this.tca = this.root.getByRole('region', { name: 'Transaction cost analysis' });
  }

  /** The value shown under a field label (e.g. "Children", "Arrival price"). */
  field(label: string): Locator {
    return this.root.locator('dl > div').filter({ has: this.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
  }

  /** How many children the selected parent has placed, as the detail shows it. */
  async childCount(): Promise<number> {
    const text = await this.field('Children').innerText();
    return Number(/^\s*(\d+)/.exec(text)?.[1] ?? Number.NaN);
  }

  /** A row of the shortfall breakdown (Delay, Impact, Timing, Opportunity, Fees). */
  shortfallPart(name: string): Locator {
    return this.tca.getByRole('table', { name: 'Shortfall breakdown' }).getByRole('row', { name: new RegExp(`^${name}`) });
  }
}

export class TerminalPage {
  readonly page: Page;
  readonly ticket: TicketObject;
  readonly blotter: BlotterObject;
  readonly positions: GridObject;
  readonly detail: OrderDetailObject;
  readonly chart: Locator;
  readonly watchlist: Locator;
  readonly connection: Locator;

  constructor(page: Page) {
    this.page = page;
    this.ticket = new TicketObject(page);
    this.blotter = new BlotterObject(page);
    this.positions = new GridObject(page.getByRole('grid', { name: 'Positions' }));
    this.detail = new OrderDetailObject(page);
    this.chart = page.getByRole('region', { name: 'Chart' });
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

  /** The chart's text summary (symbol, interval, bars, fill markers). */
  async chartSummary(): Promise<string> {
    const id = await this.chart.getAttribute('aria-describedby');
    return id ? ((await this.page.locator(`[id="${id}"]`).textContent()) ?? '') : '';
  }

  /** Saves test-results/screenshots/NAME.png of one part of the screen (a close-up). */
  async screenshotOf(part: Locator, name: string): Promise<void> {
    mkdirSync('test-results/screenshots', { recursive: true });
    await part.screenshot({ path: `test-results/screenshots/${name}.png` });
  }

  /** Saves test-results/screenshots/NAME.png (the folder is made if something removed it). */
  async screenshot(name: string): Promise<void> {
    mkdirSync('test-results/screenshots', { recursive: true });
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png` });
  }
}
