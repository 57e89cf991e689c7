import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export type UrgencyLabel = 'Immediate' | 'High' | 'Medium' | 'Low';
export type AlgorithmLabel = 'Auto' | 'Market' | 'Limit' | 'TWAP' | 'VWAP' | 'POV' | 'Passive' | 'Iceberg' | 'Adaptive';

export interface OrderInput {
  symbol?: string;
  side?: 'Buy' | 'Sell';
  quantity: string;
  type?: 'Market' | 'Limit';
  limitPrice?: string;
  tif?: 'GTC' | 'IOC';
  urgency?: UrgencyLabel;
  /** 'Auto' lets routing pick from the urgency. */
  algorithm?: AlgorithmLabel;
  /** Algorithm parameters, by their field labels. */
  duration?: string;
  slices?: string;
  jitter?: string;
  participation?: string;
  displayQuantity?: string;
  minChild?: string;
  maxChild?: string;
  /** Price cap of an algorithm. */
  priceCap?: string;
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
  readonly urgency: Locator;
  readonly algorithm: Locator;
  /** The price field when an algorithm works the order. */
  readonly priceCap: Locator;
  /** The planned schedule (orders.preview) shown before submitting. */
  readonly preview: Locator;
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
    this.urgency = this.root.getByLabel('Urgency', { exact: true });
    this.algorithm = this.root.getByLabel('Algorithm', { exact: true });
    this.priceCap = this.root.getByLabel('Price cap', { exact: true });
    this.preview = this.root.getByRole('region', { name: 'Schedule preview' });
    this.submitButton = this.root.getByRole('button', { name: /Submit/ });
    this.alert = this.root.getByRole('alert');
    this.status = this.root.getByRole('status');
  }

  side(side: 'Buy' | 'Sell'): Locator {
    return this.sideGroup.getByRole('radio', { name: side });
  }

  /** An algorithm parameter field by its label (Duration, Slices, Jitter, …). */
  param(label: string): Locator {
    return this.root.getByLabel(label, { exact: true });
  }

  async setAlgorithm(a: AlgorithmLabel): Promise<void> {
    if (a === 'Auto') await this.algorithm.selectOption('auto');
    else await this.algorithm.selectOption({ label: a });
  }

  async fill(o: OrderInput): Promise<void> {
    if (o.symbol) await this.symbol.selectOption(o.symbol);
    if (o.side) await this.side(o.side).check({ force: true });
    if (o.urgency) await this.urgency.selectOption({ label: o.urgency });
    if (o.algorithm) await this.setAlgorithm(o.algorithm);
    // Order type and time in force belong to direct orders; an algorithm hides them.
    if (o.type !== undefined || (await this.orderType.isVisible())) await this.orderType.selectOption({ label: o.type ?? 'Market' });
    if (o.tif) await this.timeInForce.selectOption({ label: o.tif });
    await this.quantity.fill(o.quantity);
    if (o.limitPrice !== undefined) await this.limitPrice.fill(o.limitPrice);
    if (o.priceCap !== undefined) await this.priceCap.fill(o.priceCap);
    const params: [string, string | undefined][] = [
      ['Duration', o.duration],
      ['Slices', o.slices],
      ['Jitter', o.jitter],
      ['Participation', o.participation],
      ['Display quantity', o.displayQuantity],
      ['Min child', o.minChild],
      ['Max child', o.maxChild],
    ];
    for (const [label, value] of params) if (value !== undefined) await this.param(label).fill(value);
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
