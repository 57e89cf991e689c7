import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export interface OrderInput {
  symbol?: string;
  side?: 'Buy' | 'Sell';
  quantity: string;
  type?: 'Market' | 'Limit';
  limitPrice?: string;
  tif?: 'GTC' | 'IOC';
}

/** The "Order ticket" region, driven through its accessible names. */
export class TicketObject {
  readonly page: Page;
  readonly root: Locator;
  readonly symbol: Locator;
  readonly sideGroup: Locator;
  readonly quantity: Locator;
  readonly orderType: Locator;
  readonly limitPrice: Locator;
  readonly timeInForce: Locator;
  readonly submitButton: Locator;
  /** Denials, errors and validation messages. */
  readonly alert: Locator;
  /** The outcome of the last accepted order. */
  readonly status: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Order ticket' });
    this.symbol = this.root.getByLabel('Symbol', { exact: true });
    this.sideGroup = this.root.getByRole('radiogroup', { name: 'Side' });
    this.quantity = this.root.getByLabel('Quantity', { exact: true });
    this.orderType = this.root.getByLabel('Order type', { exact: true });
    this.limitPrice = this.root.getByLabel('Limit price', { exact: true });
    this.timeInForce = this.root.getByLabel('Time in force', { exact: true });
    this.submitButton = this.root.getByRole('button', { name: /Submit/ });
    this.alert = this.root.getByRole('alert');
    this.status = this.root.getByRole('status');
  }

  side(side: 'Buy' | 'Sell'): Locator {
    return this.sideGroup.getByRole('radio', { name: side });
  }

  async fill(o: OrderInput): Promise<void> {
    if (o.symbol) await this.symbol.selectOption(o.symbol);
    if (o.side) await this.side(o.side).check({ force: true });
    await this.orderType.selectOption({ label: o.type ?? 'Market' });
    if (o.tif) await this.timeInForce.selectOption({ label: o.tif });
    await this.quantity.fill(o.quantity);
    if (o.limitPrice !== undefined) await this.limitPrice.fill(o.limitPrice);
  }

  /** Fills the ticket, submits it, and returns the engine's order id from the ticket's outcome. */
  async place(o: OrderInput): Promise<string> {
    await this.fill(o);
    await this.submitButton.click();
    return this.lastOrderId();
  }

  /** The id the ticket reports for the last order (accepted or denied). */
  async lastOrderId(): Promise<string> {
    const outcome = this.alert.or(this.status).filter({ hasText: /order\s+\S+/i }).first();
    await expect(outcome).toContainText(/order\s+\S+/i);
    const text = await outcome.innerText();
    const m = /order\s+(\S+)/i.exec(text);
    if (!m?.[1]) throw new Error(`no order id in ticket outcome: ${text}`);
    return m[1];
  }
}
