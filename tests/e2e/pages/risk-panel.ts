import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { num } from './grid.ts';

/** The top bar's risk controls: the trading-state badge, Resume… and the kill switch. */
export class RiskBarObject {
  readonly page: Page;
  readonly killSwitch: Locator;
  /** The badge; its accessible name is "Trading state: MODE (cause)". */
  readonly state: Locator;
  readonly resume: Locator;

  constructor(page: Page) {
    this.page = page;
    this.killSwitch = page.getByRole('banner').getByRole('button', { name: 'Kill switch' });
    this.state = page.getByRole('banner').getByRole('button', { name: /^Trading state:/ });
    this.resume = page.getByRole('banner').getByRole('button', { name: 'Resume…' });
  }

  async expectMode(mode: 'ACTIVE' | 'REDUCING' | 'HALTED'): Promise<void> {
    await expect(this.state).toHaveAccessibleName(new RegExp(`^Trading state: ${mode}\\b`));
    await expect(this.state).toHaveText(mode);
  }
}

/** The confirmation dialog a resume goes through. */
export class ResumeDialogObject {
  readonly page: Page;
  readonly root: Locator;
  readonly acknowledge: Locator;
  readonly confirm: Locator;
  readonly cancel: Locator;
  readonly reason: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('dialog', { name: 'Resume trading' });
    this.acknowledge = this.root.getByRole('checkbox', { name: /I have reviewed the cause/ });
    this.confirm = this.root.getByRole('button', { name: /^Confirm resume to / });
    this.cancel = this.root.getByRole('button', { name: 'Cancel' });
    this.reason = this.root.getByLabel('Reason', { exact: true });
  }

  target(mode: 'ACTIVE' | 'REDUCING'): Locator {
    return this.root.getByRole('radio', { name: new RegExp(`^${mode}`) });
  }
}

/**
 * The risk view: the Risk tab of the trading screen's bottom-right panel (open()), or the Risk screen
 * (openScreen(), Ctrl+2). Both are the region "Risk" with the same sections; one is on the page at a time.
 */
export class RiskPanelObject {
  readonly page: Page;
  readonly tab: Locator;
  readonly root: Locator;
  readonly mode: Locator;
  readonly reason: Locator;
  readonly goReducing: Locator;
  readonly halt: Locator;
  readonly resume: Locator;
  readonly limits: Locator;
  readonly flags: Locator;
  readonly var: Locator;
  readonly exposure: Locator;
  readonly correlation: Locator;
  readonly breakers: Locator;
  readonly tiers: Locator;
  readonly runStress: Locator;

  constructor(page: Page) {
    this.page = page;
    this.tab = page.getByRole('tab', { name: /^Risk/ });
    this.root = page.getByRole('region', { name: 'Risk', exact: true });
    this.mode = this.root.getByTestId('risk-mode');
    this.reason = this.root.getByLabel('Reason', { exact: true });
    this.goReducing = this.root.getByRole('button', { name: 'Go reducing' });
    this.halt = this.root.getByRole('button', { name: 'Halt trading' });
    this.resume = this.root.getByRole('button', { name: 'Resume trading…' });
    this.limits = this.root.getByRole('table', { name: 'Limits' });
    this.flags = this.root.getByRole('list', { name: 'Active risk flags' });
    this.var = this.root.getByRole('table', { name: 'Value at risk and expected shortfall' });
    this.exposure = this.root.getByRole('table', { name: 'Exposure by instrument' });
    this.correlation = this.root.getByRole('table', { name: 'Correlation matrix' });
    this.breakers = this.root.getByRole('table', { name: 'Circuit breakers' });
    this.tiers = this.root.getByRole('table', { name: 'Urgency tiers' });
    this.runStress = this.root.getByRole('button', { name: /Run stress test|Run again/ });
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
  }

  /** The Risk screen, full size, from the keyboard. */
  async openScreen(): Promise<void> {
    await this.page.keyboard.press('Control+2');
    await expect(this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Risk', exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(this.root).toBeVisible();
  }

  /** The row of a limit; scope as the engine names it: 'global', 'symbol:BTC/USDT', 'group:crypto'. */
  limitRow(name: string, scope = 'global'): Locator {
    return this.limits.locator(`tr[data-limit="${name}"][data-scope="${scope}"]`);
  }

  private scopeText(scope: string): string {
    if (scope === 'global') return 'global';
    const i = scope.indexOf(':');
    return scope.startsWith('group:') ? `group ${scope.slice(i + 1)}` : scope.slice(i + 1);
  }

  editButton(name: string, scope = 'global'): Locator {
    return this.limits.getByRole('button', { name: `Edit ${name} (${this.scopeText(scope)})` });
  }

  softInput(name: string, scope = 'global'): Locator {
    return this.root.getByLabel(`Soft level of ${name} (${this.scopeText(scope)})`);
  }

  hardInput(name: string, scope = 'global'): Locator {
    return this.root.getByLabel(`Hard level of ${name} (${this.scopeText(scope)})`);
  }

  /** The Soft / Hard cell of a limit's row (the Scope column folds into the name when the panel is narrow). */
  levelCell(name: string, which: 'soft' | 'hard', scope = 'global'): Locator {
    return this.limitRow(name, scope).locator(`td[data-level="${which}"]`);
  }

  /** Soft and hard levels as the table shows them (numbers, units stripped; NaN for none). */
  async levels(name: string, scope = 'global'): Promise<{ soft: number; hard: number }> {
    const soft = (await this.levelCell(name, 'soft', scope).innerText()).replace(/[^\d.,−-]/g, '');
    const hard = (await this.levelCell(name, 'hard', scope).innerText()).replace(/[^\d.,−-]/g, '');
    return { soft: num(soft), hard: num(hard) };
  }

  usage(name: string, scope = 'global'): Locator {
    return this.limitRow(name, scope).getByRole('meter');
  }

  /** Opens the row's editor, types the levels, saves with Enter. */
  async editLimit(name: string, levels: { soft?: string; hard?: string; reason?: string }, scope = 'global'): Promise<void> {
    await this.editButton(name, scope).click();
    if (levels.hard !== undefined) await this.hardInput(name, scope).fill(levels.hard);
    if (levels.reason !== undefined) await this.root.getByLabel(`Reason for ${name}`).fill(levels.reason);
    const soft = this.softInput(name, scope);
    if (levels.soft !== undefined) await soft.fill(levels.soft);
    await soft.press('Enter');
  }
}

/** The ticket's risk what-if block and its soft-breach confirmation. */
export class TicketRiskObject {
  readonly page: Page;
  readonly whatIf: Locator;
  readonly verdict: Locator;
  readonly impact: Locator;
  readonly confirm: Locator;
  readonly submitWithConfirmation: Locator;

  constructor(page: Page) {
    this.page = page;
    const ticket = page.getByRole('region', { name: 'Order ticket' });
    this.whatIf = ticket.getByRole('region', { name: 'Risk check' });
    this.verdict = this.whatIf.getByTestId('whatif-verdict');
    this.impact = this.whatIf.getByRole('table', { name: 'Portfolio impact' });
    this.confirm = ticket.getByRole('checkbox', { name: /I confirm the soft limit breach/ });
    this.submitWithConfirmation = ticket.getByRole('button', { name: /^Submit order with confirmation:/ });
  }

  /** Before and after of one impact row ("Position % NAV", "Gross exposure USDT", "Leverage", "VaR 99% 1d"). */
  async impactRow(label: string | RegExp): Promise<{ before: number; after: number }> {
    const cells = await this.impact.getByRole('row', { name: label }).getByRole('cell').allInnerTexts();
    const clean = (t: string | undefined): number => num((t ?? '').replace(/[%×]/g, '').trim());
    return { before: clean(cells[0]), after: clean(cells[1]) };
  }
}
