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

/** Working-order lines on the price chart: found, grabbed and dragged the way a trader's mouse does. */
export class ChartOrdersObject {
  readonly page: Page;
  readonly canvas: Locator;
  readonly list: Locator;

  constructor(page: Page, chart: Locator) {
    this.page = page;
    this.canvas = chart.locator('.chart-canvas');
    this.list = chart.getByRole('list', { name: 'Working orders on the chart' });
  }

  /** The line item (cancel button, price field) of a working order. */
  priceField(orderId: string): Locator {
    return this.list.getByRole('textbox', { name: new RegExp(`for order ${orderId}$`) });
  }

  modifyDialog(orderId: string): Locator {
    return this.page.getByRole('dialog', { name: `Modify order ${orderId}` });
  }

  /**
   * The y (page px) of a working-order line: the pointer sweeps down the chart until the chart offers
   * to grab a line (its resize cursor), as a trader's mouse finds it. Lines are canvas drawings, not DOM.
   */
  async findLineY(): Promise<{ x: number; y: number }> {
    const box = await this.canvas.boundingBox();
    if (!box) throw new Error('chart canvas not visible');
    const x = box.x + box.width * 0.4;
    for (let y = box.y + 4; y < box.y + box.height - 4; y += 4) {
      await this.page.mouse.move(x, y);
      if ((await this.canvas.evaluate((el) => el.style.cursor)) === 'ns-resize') return { x, y };
    }
    throw new Error('no working-order line found on the chart');
  }

  /** Drags the (only) working-order line by `dy` px (positive = down = a lower price). */
  async dragLine(dy: number): Promise<void> {
    const { x, y } = await this.findLineY();
    await this.page.mouse.down();
    for (let i = 1; i <= 5; i++) await this.page.mouse.move(x, y + (dy * i) / 5);
    await this.page.mouse.up();
  }
}

export class TerminalPage {
  readonly page: Page;
  readonly ticket: TicketObject;
  readonly blotter: BlotterObject;
  readonly positions: GridObject;
  readonly detail: OrderDetailObject;
  readonly chart: Locator;
  readonly chartOrders: ChartOrdersObject;
  readonly watchlist: Locator;
  readonly connection: Locator;
  /** The status line at the foot of the window: connection, account mode, venue, open orders. */
  readonly statusLine: Locator;

  constructor(page: Page) {
    this.page = page;
    this.ticket = new TicketObject(page);
    this.blotter = new BlotterObject(page);
    this.positions = new GridObject(page.getByRole('grid', { name: 'Positions' }));
    this.detail = new OrderDetailObject(page);
    this.chart = page.getByRole('region', { name: 'Chart' });
    this.chartOrders = new ChartOrdersObject(page, this.chart);
    this.watchlist = page.getByRole('table', { name: 'Watchlist' });
    this.connection = page.getByRole('status', { name: /^Connection:/ });
    this.statusLine = page.getByRole('contentinfo');
  }

  /**
   * The engine's time of day in seconds, as the top bar shows it (pushed by the engine, so it has
   * reached that time: a wait on it is a wait on the engine, not on the page's wall clock).
   */
  async engineSeconds(): Promise<number> {
    const [h, m, s] = (await this.page.getByTitle('Engine time').innerText()).trim().split(':').map(Number);
    return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
  }

  /** Waits until the engine's clock is at least `seconds` past `from` (engineSeconds; across midnight too). */
  async engineTimePassed(from: number, seconds: number, timeout = 60_000): Promise<void> {
    await expect.poll(async () => ((await this.engineSeconds()) - from + 86_400) % 86_400, { timeout }).toBeGreaterThanOrEqual(seconds);
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

  /** The top bar (banner): screens, mode, connection, trading state, account figures, kill switch. */
  topBar(): Locator {
    return this.page.getByRole('banner');
  }

  /**
   * What in the top bar cannot be read: text that overlaps other text, or is cut by a box that clips
   * it (an ellipsis, a clipped row of figures) or by the window. Measured on the text itself (one
   * rectangle per text node), so nested elements and padding do not count, only what a trader sees.
   */
  async topBarProblems(): Promise<string[]> {
    return this.topBar().evaluate((bar) => {
      const texts: { text: string; r: DOMRect }[] = [];
      const out: string[] = [];
      const walker = document.createTreeWalker(bar, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = (n.textContent ?? '').trim();
        const el = n.parentElement;
        if (!text || !el || el.closest('.sr-only, [hidden], [aria-hidden="true"]')) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue; // not rendered (display: none)
        texts.push({ text, r });
        if (r.left < -1 || r.right > window.innerWidth + 1) out.push(`"${text}" outside the window`);
        for (let a: HTMLElement | null = el; a && a !== bar.parentElement; a = a.parentElement) {
          if (getComputedStyle(a).overflowX === 'visible') continue;
          const b = a.getBoundingClientRect();
          if (r.left < b.left - 1 || r.right > b.right + 1) {
            out.push(`"${text}" cut by its box (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(b.left)}–${Math.round(b.right)})`);
            break;
          }
        }
      }
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i]!;
          const b = texts[j]!;
          const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (w > 1 && h > 1) out.push(`"${a.text}" overlaps "${b.text}"`);
        }
      }
      return out;
    });
  }

  /** Tab labels that wrap onto a second line or leave their box or the window ("ORDERS 1 open / 5" on two lines). */
  async brokenTabs(): Promise<string[]> {
    return this.page.evaluate(() => {
      const out: string[] = [];
      for (const tab of document.querySelectorAll<HTMLElement>('[role="tab"]')) {
        const box = tab.getBoundingClientRect();
        if (box.width === 0) continue;
        const range = document.createRange();
        range.selectNodeContents(tab);
        // Lines by vertical overlap, not by equal tops: a count badge in another font sits a pixel or
        // two off the label's baseline on the same line (rounded tops told that apart as a wrap at 1920).
        const lines: { top: number; bottom: number }[] = [];
        for (const q of [...range.getClientRects()].filter((x) => x.width > 0)) {
          const mid = (q.top + q.bottom) / 2;
          if (!lines.some((l) => mid > l.top && mid < l.bottom)) lines.push({ top: q.top, bottom: q.bottom });
        }
        const r = range.getBoundingClientRect();
        if (lines.length > 1) out.push(`"${tab.innerText.trim()}" wraps onto ${lines.length} lines`);
        else if (r.right > box.right + 1 || r.right > window.innerWidth + 1) out.push(`"${tab.innerText.trim()}" cut`);
      }
      return out;
    });
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
