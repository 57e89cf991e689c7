import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The Backtest screen (region "Backtest"): the settings form, its views (tabs) and the kept runs. */
export class BacktestScreenObject {
  readonly page: Page;
  readonly root: Locator;
  readonly data: Locator;
  readonly strategy: Locator;
  readonly fidelity: Locator;
  readonly commission: Locator;
  readonly haircut: Locator;
  readonly cash: Locator;
  readonly sizing: Locator;
  /** A trade tape's settings (shown only when the picked data is a tape). */
  readonly barLength: Locator;
  readonly urgency: Locator;
  readonly latency: Locator;
  readonly importDemo: Locator;
  /** The window, typed in UTC. */
  readonly from: Locator;
  readonly to: Locator;
  readonly run: Locator;
  readonly progress: Locator;
  /** The line that replaces the progress bar once a run ends: finished in N s / cancelled / failed. */
  readonly result: Locator;
  readonly metrics: Locator;
  readonly assumptions: Locator;
  readonly runs: Locator;
  readonly trades: Locator;
  readonly tradeTip: Locator;
  readonly fidelityTable: Locator;
  readonly attribution: Locator;
  /** Fidelities view: the equity chart's figure (the chart and its legend). */
  readonly fidelityChart: Locator;
  readonly sweepProgress: Locator;
  readonly sweepResult: Locator;
  readonly heatmap: Locator;
  readonly sweepResults: Locator;
  readonly comparison: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Backtest' });
    this.data = this.root.getByLabel('Data', { exact: true });
    this.strategy = this.root.getByLabel('Strategy', { exact: true });
    this.fidelity = this.root.getByLabel('Fidelity', { exact: true });
    this.commission = this.root.getByLabel('Commission', { exact: true });
    this.haircut = this.root.getByLabel('Haircut bps', { exact: true });
    this.cash = this.root.getByLabel('Cash', { exact: true });
    this.sizing = this.root.getByLabel('Sizing', { exact: true });
    this.barLength = this.root.getByLabel('Bar length', { exact: true });
    this.urgency = this.root.getByLabel('Urgency', { exact: true });
    this.latency = this.root.getByLabel('Latency ms', { exact: true });
    this.importDemo = this.root.getByRole('button', { name: 'Import demo tape' });
    this.from = this.root.getByLabel('From', { exact: true });
    this.to = this.root.getByLabel('To', { exact: true });
    this.run = this.root.getByRole('button', { name: 'Run backtest' });
    this.progress = this.root.getByRole('progressbar', { name: 'Backtest progress' });
    this.result = this.root.getByRole('status', { name: 'Backtest result' });
    this.metrics = this.root.getByRole('table', { name: 'Metrics' });
    this.assumptions = this.root.getByRole('table', { name: 'Assumptions' });
    this.runs = this.root.getByRole('table', { name: 'Runs' });
    this.trades = this.root.getByRole('table', { name: 'Trades' });
    this.tradeTip = this.root.getByRole('status', { name: 'Trade at cursor' });
    this.fidelityTable = this.root.getByRole('table', { name: 'Fidelity comparison' });
    this.attribution = this.root.getByRole('table', { name: 'Fidelity attribution' });
    this.fidelityChart = this.root.locator('figure').filter({ has: page.getByRole('img', { name: 'Equity at each fidelity level (return %)' }) });
    this.sweepProgress = this.root.getByRole('progressbar', { name: 'Sweep progress' });
    this.sweepResult = this.root.getByRole('status', { name: 'Sweep result' });
    this.heatmap = this.root.getByRole('table', { name: 'Sweep heatmap' });
    this.sweepResults = this.root.getByRole('table', { name: 'Sweep results' });
    this.comparison = this.root.getByRole('table', { name: 'Run comparison' });
  }

  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Backtest', exact: true }).click();
    await expect(this.root).toBeVisible();
  }

  /** A Fidelity option (bar, l1, l2, l3), to read whether it is offered for the picked data. */
  fidelityOption(value: 'bar' | 'l1' | 'l2' | 'l3'): Locator {
    return this.fidelity.locator(`option[value="${value}"]`);
  }

  /**
   * Waits for the form's run to finish: its progress bar gives way to "finished in N s". A run is a worker thread
   * that loads the engine, which on a loaded CI machine can take longer than the default 15 s bound
   * (it did at a load average of 15 on 2 cores); the wait still ends as soon as the bar says done.
   */
  async waitForRun(): Promise<void> {
    await expect(this.result).toHaveText(/^finished in \d/, { timeout: 90_000 });
    await expect(this.progress).toHaveCount(0);
  }

  /** An assumption of the shown run (the Assumptions table under its metrics). */
  async assumption(name: string): Promise<string> {
    return this.cell(this.assumptions, name, 1);
  }

  /** Imports the host's demo trade tape and waits until the Data picker has it selected. */
  async importDemoTape(): Promise<void> {
    await this.importDemo.click();
    await expect(this.data).toHaveValue('binance_XRPETH_trades_20191011-13.csv');
    await expect(this.importDemo).toBeHidden();
  }

  param(name: string): Locator {
    return this.root.getByLabel(`Parameter ${name}`, { exact: true });
  }

  async view(name: 'Run' | 'Fidelities' | 'Sweep' | 'Compare'): Promise<void> {
    const tab = this.root.getByRole('tab', { name, exact: true });
    await tab.click();
    await expect(tab).toHaveAttribute('aria-selected', 'true');
  }

  /** A metric's value in the first run column of the Metrics table. */
  async metric(name: string): Promise<string> {
    return this.cell(this.metrics, name, 1);
  }

  /** The text of a table's cell in the row headed `row`, `col` columns right of the row header. */
  async cell(table: Locator, row: string, col: number): Promise<string> {
    const r = table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: row, exact: true }) });
    await expect(r).toHaveCount(1);
    return (await r.getByRole('cell').nth(col - 1).innerText()).trim();
  }

  /** The index (0-based) of the column whose header contains `text`. */
  async column(table: Locator, text: string): Promise<number> {
    const heads = await table.getByRole('columnheader').allInnerTexts();
    const i = heads.findIndex((h) => h.includes(text));
    expect(i, `column "${text}" in ${heads.join(' | ')}`).toBeGreaterThanOrEqual(0);
    return i;
  }

  /** Fidelities view: runs the form's settings at every level and waits for the table. */
  async compareFidelities(): Promise<void> {
    await this.view('Fidelities');
    await this.root.getByRole('button', { name: 'Compare fidelities' }).click();
    await expect(this.fidelityTable).toBeVisible({ timeout: 60_000 });
  }

  /**
   * The price axis a line chart drew, in % (LinesChart writes it on its figure once it has painted),
   * and its legend's entries.
   */
  async chartAxis(figure: Locator): Promise<{ min: number; max: number }> {
    await expect(figure).toHaveAttribute('data-axis-min', /\d/);
    return { min: Number(await figure.getAttribute('data-axis-min')), max: Number(await figure.getAttribute('data-axis-max')) };
  }

  legendEntries(figure: Locator): Locator {
    return figure.locator('figcaption > span');
  }

  /** Sweep view: one or two parameters, then waits for the sweep to finish and its heatmap. */
  async sweep(x: string, xValues: string, y: string, yValues: string): Promise<void> {
    await this.view('Sweep');
    await this.root.getByLabel('Sweep X parameter').selectOption(x);
    await this.root.getByLabel('Sweep X values').fill(xValues);
    await this.root.getByLabel('Sweep Y parameter').selectOption(y);
    if (y) await this.root.getByLabel('Sweep Y values').fill(yValues);
    await this.root.getByRole('button', { name: 'Run sweep' }).click();
    await expect(this.sweepResult).toHaveText(/^finished: \d+ points in /, { timeout: 120_000 });
    await expect(this.sweepProgress).toHaveCount(0);
    await expect(this.heatmap).toBeVisible();
  }

  /** Clicks a Sweep results column header to sort by it. */
  async sortSweepBy(label: string): Promise<void> {
    await this.sweepResults.getByRole('columnheader').getByRole('button', { name: label }).click();
  }

  /** The Sweep results table's column as numbers, top to bottom. */
  async sweepColumn(label: string): Promise<number[]> {
    const col = await this.column(this.sweepResults, label);
    const rows = this.sweepResults.locator('tbody tr');
    const out: number[] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push(Number((await rows.nth(i).getByRole('cell').nth(col).innerText()).replace(/[,%]/g, '')));
    return out;
  }

  async pickRun(id: number): Promise<void> {
    await this.runs.getByRole('checkbox', { name: `Pick run ${id}`, exact: true }).check();
  }

  async compareRuns(): Promise<void> {
    await this.root.getByRole('button', { name: 'Compare runs', exact: true }).click();
    await expect(this.comparison).toBeVisible();
  }
}
