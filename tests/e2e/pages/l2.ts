import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { GridObject } from './grid.ts';

/** The screen switcher button of an L2 screen is current. */
async function expectScreen(page: Page, label: string): Promise<void> {
  await expect(page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
}

/** The Signals screen (Ctrl+3): alphas on/off, one alpha's parameters, last signals, contributions. */
export class SignalsObject {
  readonly page: Page;
  readonly root: Locator;
  readonly alphas: Locator;
  readonly lastSignals: Locator;
  readonly contributions: Locator;
  readonly applyButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Signals' });
    this.alphas = this.root.getByRole('table', { name: 'Alphas' });
    this.lastSignals = this.root.getByRole('table', { name: 'Last signals' });
    this.contributions = this.root.getByRole('table', { name: 'Contributions by alpha' });
    this.applyButton = this.root.getByRole('button', { name: /^Apply/ });
  }

  async open(): Promise<void> {
    await this.page.keyboard.press('Control+3');
    await expectScreen(this.page, 'Signals');
    await expect(this.root).toBeVisible();
  }

  enabled(alpha: string): Locator {
    return this.alphas.getByRole('checkbox', { name: `${alpha} enabled` });
  }

  /** Shows an alpha's parameters. */
  async pick(alpha: string): Promise<void> {
    await this.alphas.getByRole('button', { name: alpha, exact: true }).click();
    await expect(this.params(alpha)).toBeVisible();
  }

  params(alpha: string): Locator {
    return this.root.getByRole('group', { name: `Parameters of ${alpha}` });
  }

  /** A parameter field by its path ("urgency", "targets.SPY"). */
  param(alpha: string, path: string): Locator {
    return this.params(alpha).getByLabel(path, { exact: true });
  }

  newEntry(alpha: string, record: string): { key: Locator; value: Locator } {
    const g = this.params(alpha);
    return { key: g.getByLabel(`New entry of ${record}`, { exact: true }), value: g.getByLabel(`Value of the new ${record} entry`, { exact: true }) };
  }
}

/** The Portfolio screen (Ctrl+4): weights, rebalance, frontier, risk contributions. */
export class PortfolioObject {
  readonly page: Page;
  readonly root: Locator;
  readonly weights: Locator;
  readonly frontier: Locator;
  readonly riskContributions: Locator;
  readonly preview: Locator;
  readonly rebalance: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Portfolio' });
    this.weights = this.root.getByRole('table', { name: 'Current and target weights' });
    this.frontier = this.root.getByRole('region', { name: 'Efficient frontier' });
    this.riskContributions = this.root.getByRole('region', { name: 'Risk contributions' });
    this.preview = this.root.getByRole('button', { name: 'Preview rebalance' });
    this.rebalance = this.root.getByRole('button', { name: 'Rebalance now' });
  }

  async open(): Promise<void> {
    await this.page.keyboard.press('Control+4');
    await expectScreen(this.page, 'Portfolio');
    await expect(this.root).toBeVisible();
  }

  weightRow(symbol: string): Locator {
    return this.weights.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: symbol, exact: true }) });
  }
}

export interface ProposalRow {
  id: string;
  symbol: string;
  l1: string;
  status: string;
}

/** The Approvals screen (Ctrl+5): the region "Approvals", its grid "Proposals" and the decision buttons. */
export class ApprovalsObject {
  readonly page: Page;
  readonly root: Locator;
  readonly grid: GridObject;
  readonly approve: Locator;
  readonly reject: Locator;
  readonly modify: Locator;
  /** The top bar's badge; its accessible name is "Proposals waiting: N". */
  readonly badge: Locator;
  readonly rejectDialog: Locator;
  readonly modifyDialog: Locator;
  /** The outcome line of the last decision taken here. */
  readonly note: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Approvals' });
    this.grid = new GridObject(this.root.getByRole('grid', { name: 'Proposals' }));
    this.approve = this.root.getByRole('button', { name: 'Approve', exact: true });
    this.reject = this.root.getByRole('button', { name: 'Reject', exact: true });
    this.modify = this.root.getByRole('button', { name: 'Modify', exact: true });
    this.badge = page.getByRole('banner').getByRole('button', { name: /^Proposals waiting: \d+$/ });
    this.rejectDialog = page.getByRole('dialog', { name: 'Reject proposal' });
    this.modifyDialog = page.getByRole('dialog', { name: 'Modify proposal' });
    this.note = this.root.getByRole('status').filter({ hasText: /Approved|Rejected|Modified|Not sent/ });
  }

  /** Ctrl+5: the queue, with the keyboard in its grid. */
  async open(): Promise<void> {
    await this.page.keyboard.press('Control+5');
    await expectScreen(this.page, 'Approvals');
    await expect(this.grid.root).toBeFocused();
  }

  async waiting(): Promise<number> {
    const name = (await this.badge.getAttribute('aria-label')) ?? '';
    return Number(/(\d+)$/.exec(name)?.[1] ?? Number.NaN);
  }

  /** The row of exactly this proposal. */
  row(id: string): Locator {
    return this.grid.rows().filter({ has: this.page.getByText(id, { exact: true }) });
  }

  /** Every proposal the grid shows, in its order. */
  async list(): Promise<ProposalRow[]> {
    const [iId, iSym, iL1, iStatus] = await Promise.all(['ID', 'Symbol', 'L1', 'Status'].map((h) => this.grid.columnIndex(h)));
    const out: ProposalRow[] = [];
    for (const r of await this.grid.rows().all()) {
      const cells = await r.getByRole('gridcell').allInnerTexts();
      out.push({ id: cells[iId as number]?.trim() ?? '', symbol: cells[iSym as number]?.trim() ?? '', l1: cells[iL1 as number]?.trim() ?? '', status: cells[iStatus as number]?.trim() ?? '' });
    }
    return out;
  }

  async status(id: string): Promise<string> {
    return this.grid.cellText(id, 'Status');
  }

  /** Moves the grid's selection to a proposal with the arrow keys, as an operator would. */
  async selectWithKeyboard(id: string): Promise<void> {
    await this.grid.focus();
    await this.page.keyboard.press('Home');
    const n = await this.grid.rows().count();
    for (let i = 0; i <= n; i++) {
      if ((await this.grid.selectedRow().innerText().catch(() => '')).includes(id)) return;
      await this.page.keyboard.press('ArrowDown');
    }
    await expect(this.grid.selectedRow()).toContainText(id);
  }

  /** A field of the selected proposal's detail ("Order", "Execution", …). */
  detailField(label: string): Locator {
    return this.root.locator('dl > div').filter({ has: this.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
  }
}
