import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from '../fixtures.ts';
import { BacktestScreenObject } from '../pages/backtest-screen.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');

function strata(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['src/host/main.ts', '--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });
}

test('an L3 run with Desk guards ticked keeps them in its spec; the switch is offered at L3 only', async ({ terminal, engine, page }) => {
  expect(terminal.page).toBe(page);
  const bt = new BacktestScreenObject(page);
  await bt.open();
  await bt.importDemoTape();
  const guards = bt.root.getByRole('checkbox', { name: 'Desk guards', exact: true });
  // Bar levels run without the desk's guards: no switch there.
  await expect(guards).toHaveCount(0);
  await bt.fidelity.selectOption('l3');
  await expect(guards).not.toBeChecked();
  await guards.check();
  await bt.from.fill('2019-10-11 00:00');
  await bt.to.fill('2019-10-11 03:00');
  await bt.run.click();
  await expect(bt.runs.getByRole('row')).toHaveCount(2, { timeout: 90_000 });
  await terminal.screenshotOf(bt.root.locator('form').first(), 'backtest-desk-guards');
  const kept = JSON.parse(strata(engine.dataDir, 'backtest', 'show', '1', '--json')) as { spec: { fidelity: string; deskGuards?: boolean } };
  expect(kept.spec).toMatchObject({ fidelity: 'l3', deskGuards: true });
  // The run view says so with its other assumptions, cash in the tape's quote currency.
  await expect(bt.root.getByRole('heading', { name: /^Run 1: / })).toBeVisible();
  expect(await bt.assumption('desk guards')).toBe('on (PMS escalation, circuit breakers)');
  expect(await bt.assumption('cash')).toBe('3.00 ETH');
  expect(await bt.assumption('seed')).toBe('42');
  expect(await bt.assumption('fidelity')).toBe('l3');

  // Unticked, the next L3 run is kept without them (the spec omits the switch when off).
  await guards.uncheck();
  await bt.run.click();
  await expect(bt.runs.getByRole('row')).toHaveCount(3, { timeout: 90_000 });
  const second = JSON.parse(strata(engine.dataDir, 'backtest', 'show', '2', '--json')) as { spec: { deskGuards?: boolean } };
  expect(second.spec.deskGuards).toBeUndefined();
  await expect(bt.root.getByRole('heading', { name: /^Run 2: / })).toBeVisible();
  expect(await bt.assumption('desk guards')).toBe('off');
  // Side by side, the one assumption they differ in.
  await bt.pickRun(1);
  await bt.pickRun(2);
  await bt.compareRuns();
  expect(await bt.cell(bt.comparison, 'desk guards', 1)).toBe('on (PMS escalation, circuit breakers)');
  expect(await bt.cell(bt.comparison, 'desk guards', 2)).toBe('off');
  await terminal.screenshotOf(bt.root, 'backtest-compare-desk-guards');
  await bt.view('Run');
  await bt.fidelity.selectOption('bar');
  await expect(guards).toHaveCount(0);
});
