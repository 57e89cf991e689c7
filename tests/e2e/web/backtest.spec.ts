import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const ORCL = resolve(root, 'tests', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');
/** The demo trade tape the host offers for import (assets/demo), by the name it is stored under. */
const DEMO = 'binance_XRPETH_trades_20191011-13.csv';

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

test('a backtest run from the UI shows the same result as the CLI, with its metrics, and is kept in the runs list', async ({ terminal, engine, page }) => {
  // The operator imported ORCL with the CLI beforehand; the screen lists it.
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');
  const cli = JSON.parse(strata(engine.dataDir, 'backtest', 'run', '--data', 'ORCL', '--param', 'fast=10', '--param', 'slow=30', '--commission', '0.001', '--no-save', '--json')) as { finalValue: number; metrics: { totalReturn: number } };
  expect(terminal.page).toBe(page);

  const bt = new BacktestScreenObject(page);
  await bt.open();
  await expect(bt.data.locator('option')).toContainText(['ORCL (5036 bars)']);
  await bt.data.selectOption('ORCL');
  await bt.strategy.selectOption('sma-cross');
  await bt.param('fast').fill('10');
  await bt.param('slow').fill('30');
  await bt.fidelity.selectOption('bar');
  await bt.commission.fill('0.001');
  await bt.run.click();

  await bt.waitForRun();
  await expect(bt.metrics).toBeVisible();
  // The same run as the CLI's, to the cent, and its total return as the metrics table shows it.
  expect(Number(await bt.metric('final value'))).toBeCloseTo(cli.finalValue, 2);
  expect(await bt.metric('total return')).toBe(`${(cli.metrics.totalReturn * 100).toFixed(2)}%`);
  await expect(bt.root.getByRole('table', { name: 'Monthly returns' })).toBeVisible();
  await expect(bt.runs.getByRole('row')).toHaveCount(2);
  // The equity chart opens on the whole run, 1995 to 2014 (it opened on its last ~3 years).
  const equity = bt.root.getByRole('img', { name: /^Equity curve and drawdown of run/ });
  await expect.poll(async () => Number(await equity.getAttribute('data-visible-from'))).toBeLessThanOrEqual(Date.UTC(1995, 11, 31));
  await expect.poll(async () => Number(await equity.getAttribute('data-visible-to'))).toBeGreaterThanOrEqual(Date.UTC(2014, 11, 1));
});

interface CliLevel {
  fidelity: string;
  finalValue: number;
  fills: number;
  metrics: { sharpe: number; totalReturn: number; costs: { fees: number; spread: number; impact: number } };
}

test('from the UI: the same settings at every fidelity level, a small sweep with its heatmap and sortable table, trades on the price chart, and two runs side by side', async ({ terminal, engine, page }) => {
  expect(terminal.page).toBe(page);
  test.setTimeout(300_000);
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');
  // The CLI's own comparison of the same settings, for the numbers the UI must show.
  const cli = JSON.parse(strata(engine.dataDir, 'backtest', 'fidelities', '--data', 'ORCL', '--param', 'fast=10', '--param', 'slow=30', '--commission', '0.001', '--haircut-bps', '5', '--json')) as CliLevel[];
  const level = (f: string) => cli.find((x) => x.fidelity === f)!;

  const bt = new BacktestScreenObject(page);
  await bt.open();
  await bt.data.selectOption('ORCL');
  await bt.param('fast').fill('10');
  await bt.param('slow').fill('30');
  await bt.commission.fill('0.001');
  await bt.haircut.fill('5');

  // Fidelities: bar, L1 and L2 ran and match the CLI to the cent; L3 says why it did not run.
  await bt.compareFidelities();
  for (const [f, head] of [['bar', 'bar'], ['l1', 'L1'], ['l2', 'L2']] as const) {
    const col = await bt.column(bt.fidelityTable, head);
    expect(Number((await bt.cell(bt.fidelityTable, 'final value', col)).replace(/,/g, ''))).toBeCloseTo(level(f).finalValue, 2);
    expect(Number(await bt.cell(bt.fidelityTable, 'fills', col))).toBe(level(f).fills);
    expect(Number((await bt.cell(bt.fidelityTable, 'costs: impact', col)).replace(/,/g, ''))).toBeCloseTo(level(f).metrics.costs.impact, 2);
  }
  expect(await bt.cell(bt.fidelityTable, 'fill assumption', await bt.column(bt.fidelityTable, 'L3'))).toContain('Not run');
  await expect(bt.attribution.getByRole('row')).toHaveCount(3);
  await bt.page.setViewportSize({ width: 1600, height: 900 });
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-fidelities-1600.png' });

  // A 2 × 2 sweep: four cells, four rows, and the (10, 30) point is the bar-level run above.
  await bt.sweep('fast', '5,10', 'slow', '20,30');
  await expect(bt.heatmap.locator('tbody td button')).toHaveCount(4);
  await expect(bt.sweepResults.locator('tbody tr')).toHaveCount(4);
  await expect(bt.heatmap.getByRole('button', { name: `fast=10 slow=30: Sharpe ${level('bar').metrics.sharpe.toFixed(3)}` })).toBeVisible();
  // A new column sorts best first (highest Sharpe); a second click reverses it.
  await bt.sortSweepBy('Return');
  await bt.sortSweepBy('Sharpe');
  const desc = await bt.sweepColumn('Sharpe');
  await bt.sortSweepBy('Sharpe');
  const asc = await bt.sweepColumn('Sharpe');
  expect(asc).toEqual([...desc].reverse());
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-sweep-1600.png' });

  // A 10 × 10 sweep at 1500 × 1000 (issue 12 D7): the results table sits beside or below the
  // heatmap, never over it; the last column (fast=14) can be clicked.
  await bt.page.setViewportSize({ width: 1500, height: 1000 });
  await bt.sweep('fast', '5:14:1', 'slow', '20:65:5');
  await expect(bt.heatmap.locator('tbody td button')).toHaveCount(100);
  const heatBox = (await bt.heatmap.boundingBox())!;
  const tableBox = (await bt.sweepResults.boundingBox())!;
  const apart = heatBox.x + heatBox.width <= tableBox.x || tableBox.y >= heatBox.y + heatBox.height;
  expect(apart, `heatmap ${JSON.stringify(heatBox)} vs results ${JSON.stringify(tableBox)}`).toBe(true);
  const lastColumn = bt.heatmap.getByRole('button', { name: /^fast=14 slow=20: / });
  await lastColumn.scrollIntoViewIfNeeded();
  // A trial click fails when another element would receive it.
  await lastColumn.click({ trial: true, timeout: 5_000 });
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-sweep-100-1500.png' });
  await bt.page.setViewportSize({ width: 1600, height: 960 });

  // Two runs (bar, then L2), their trades on the price chart, then both side by side.
  await bt.view('Run');
  await bt.fidelity.selectOption('bar');
  await bt.run.click();
  await bt.waitForRun();
  await expect(bt.runs.getByRole('row')).toHaveCount(2);
  await bt.fidelity.selectOption('l2');
  await bt.run.click();
  await expect(bt.runs.getByRole('row')).toHaveCount(3);
  await expect(bt.root.getByRole('heading', { name: /^Run 2: .* l2 / })).toBeVisible();
  await bt.trades.getByRole('button', { name: 'Show trade 1 on the chart' }).click();
  await expect(bt.tradeTip).toContainText('entry');
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-run-1600.png' });
  await bt.pickRun(1);
  await bt.pickRun(2);
  await bt.compareRuns();
  expect(Number(await bt.cell(bt.comparison, 'final value', 1))).toBeCloseTo(level('bar').finalValue, 2);
  expect(Number(await bt.cell(bt.comparison, 'final value', 2))).toBeCloseTo(level('l2').finalValue, 2);
  await expect(bt.root.getByRole('img', { name: 'Equity of runs 1 and 2 (return %)' })).toBeVisible();
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-compare-1600.png' });

  // The same views at 1280 × 720: nothing cut off (a person looks at these).
  await bt.page.setViewportSize({ width: 1280, height: 720 });
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-compare-1280.png' });
  for (const v of ['Run', 'Fidelities', 'Sweep'] as const) {
    await bt.view(v);
    await bt.page.screenshot({ path: `test-results/screenshots/backtest-${v.toLowerCase()}-1280.png` });
  }
});

interface CliTapeLevel extends CliLevel {
  l3?: { venueFills: number; partiallyFilledOrders: number; denied: number; tapeTrades: number };
}

test('from the UI on a trade tape: the demo tape imports, L3 is offered only on a tape, the comparison over a three-hour window shows L3 through the engine beside bar, L1 and L2, and an L3 run is kept', async ({ terminal, engine, page }) => {
  expect(terminal.page).toBe(page);
  test.setTimeout(120_000);
  // ORCL is the bar series L3 refuses.
  strata(engine.dataDir, 'data', 'import', ORCL, '--name', 'ORCL');

  const bt = new BacktestScreenObject(page);
  await bt.open();
  // The host's demo tape: one click imports it, and the picker lists it as a trade tape, selected.
  await bt.importDemoTape();
  await expect(bt.data.locator('option', { hasText: 'binance_XRPETH_trades_20191011-13.csv (trade tape, 12477 trades)' })).toHaveCount(1);

  // On a bar series L3 is listed but disabled, with its reason; on a tape it can be picked.
  await bt.data.selectOption('ORCL');
  await expect(bt.fidelityOption('l3')).toBeDisabled();
  await expect(bt.fidelity).toHaveAccessibleDescription(/needs a recorded trade tape/);
  await expect(bt.barLength).toBeHidden();
  await bt.data.selectOption(DEMO);
  await expect(bt.fidelityOption('l3')).toBeEnabled();
  await expect(bt.barLength).toHaveValue('60000');
  await bt.param('fast').fill('5');
  await bt.param('slow').fill('20');
  await bt.cash.fill('20');
  await bt.commission.fill('0.001');
  await bt.sizing.fill('fixed:3000');
  // Three hours of the tape keep the runs short; typed in UTC like the CLI's --from/--to.
  await bt.from.fill('2019-10-11 00:00');
  await bt.to.fill('2019-10-11 03:00');

  // The CLI's comparison of the same settings on the tape the UI imported, for the numbers the UI must show.
  const cli = JSON.parse(strata(engine.dataDir, 'backtest', 'fidelities', '--data', DEMO, '--param', 'fast=5', '--param', 'slow=20', '--cash', '20', '--commission', '0.001', '--sizing', 'fixed:3000', '--from', '2019-10-11T00:00:00Z', '--to', '2019-10-11T03:00:00Z', '--json')) as CliTapeLevel[];
  const level = (f: string) => cli.find((x) => x.fidelity === f)!;
  expect(cli.map((x) => x.fidelity)).toEqual(['bar', 'l1', 'l2', 'l3']);

  // The comparison: four levels that ran, matching the CLI's, L3 with the venue's fills.
  await bt.compareFidelities();
  for (const [f, head] of [['bar', 'bar'], ['l1', 'L1'], ['l2', 'L2'], ['l3', 'L3']] as const) {
    const col = await bt.column(bt.fidelityTable, head);
    expect(Number((await bt.cell(bt.fidelityTable, 'final value', col)).replace(/,/g, ''))).toBeCloseTo(level(f).finalValue, 2);
    expect(Number(await bt.cell(bt.fidelityTable, 'fills', col))).toBe(level(f).fills);
  }
  const l3 = level('l3').l3!;
  expect(l3.tapeTrades).toBeGreaterThan(100);
  expect(l3.tapeTrades).toBeLessThan(2000);
  expect(await bt.cell(bt.fidelityTable, 'venue fills', await bt.column(bt.fidelityTable, 'L3'))).toBe(`${l3.venueFills} fills (${l3.partiallyFilledOrders} order(s) in parts, ${l3.denied} denied) on ${l3.tapeTrades} recorded trades`);
  // The engine's guards did not act on these three hours: nothing denied, ACTIVE throughout.
  expect(await bt.cell(bt.fidelityTable, 'trading state', await bt.column(bt.fidelityTable, 'L3'))).toBe('ACTIVE throughout');
  await expect(bt.attribution.getByRole('row')).toHaveCount(4);
  await expect(bt.attribution.getByRole('rowheader', { name: /L2 execution-aware → L3 full simulation/ })).toBeVisible();
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-fidelities-tape-1600.png' });

  // The equity chart (issue 12): L2 falls to −7.5% while the others stay near 0. Its price scale spans
  // every level's curve (each starts at 0 and ends at its total return), and the legend names every
  // level with that return, wherever its line ends.
  // On opening at 1600 × 960 the chart and its legend are in full view, above the tables.
  await expect(bt.fidelityChart).toBeInViewport({ ratio: 1 });
  const names = { bar: 'bar (textbook)', l1: 'L1 signal-only', l2: 'L2 execution-aware', l3: 'L3 full simulation' } as const;
  const legendReturn = (r: number) => `${r * 100 > 0.005 ? '+' : r * 100 < -0.005 ? '−' : ''}${Math.abs(r * 100).toFixed(2)}%`;
  await expect(bt.legendEntries(bt.fidelityChart)).toHaveText(cli.map((x) => `${names[x.fidelity as keyof typeof names]} ${legendReturn(x.metrics.totalReturn)}`));
  for (const entry of await bt.legendEntries(bt.fidelityChart).all()) await expect(entry).toBeInViewport();
  const ends = cli.map((x) => x.metrics.totalReturn * 100);
  expect(Math.min(...ends)).toBeLessThan(-5);
  const axis = await bt.chartAxis(bt.fidelityChart);
  // (1e-9: the chart's returns are the curve's last value over its first, the CLI's the final value over the cash.)
  expect(axis.min).toBeLessThanOrEqual(Math.min(0, ...ends) + 1e-9);
  expect(axis.max).toBeGreaterThanOrEqual(Math.max(0, ...ends) - 1e-9);
  await bt.fidelityChart.screenshot({ path: 'test-results/screenshots/backtest-fidelities-tape-chart-1600.png' });
  await bt.page.setViewportSize({ width: 1280, height: 720 });
  await bt.fidelityChart.scrollIntoViewIfNeeded();
  for (const entry of await bt.legendEntries(bt.fidelityChart).all()) await expect(entry).toBeInViewport();
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-fidelities-tape-chart-1280.png' });
  await bt.page.setViewportSize({ width: 1600, height: 960 });

  // An L3 run from the form: kept in the runs list, its metrics labelled l3 with the venue's stats.
  await bt.view('Run');
  await bt.fidelity.selectOption('l3');
  await bt.run.click();
  await bt.waitForRun();
  await expect(bt.root.getByRole('heading', { name: `Run 1: sma-cross fast=5 slow=20 · l3 · ${DEMO}` })).toBeVisible();
  await expect(bt.runs.getByRole('row')).toHaveCount(2);
  expect(await bt.metric('venue fills')).toBe(String(l3.venueFills));
  expect(await bt.metric('orders denied')).toBe('0 denied');
  expect(await bt.metric('fills')).toBe(String(level('l3').fills));
  await bt.page.screenshot({ path: 'test-results/screenshots/backtest-run-l3-1600.png' });
});
