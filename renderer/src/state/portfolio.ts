import type { PortfolioConfigureInput, PortfolioSettingsDto } from '../../../src/contract/api/portfolio.ts';
import type { FrontierDto, PortfolioTargetDto, RebalanceDto } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { errorText, toast } from './toasts.ts';

/**
 * L2 portfolio: the combined target (current vs target weight per instrument, each alpha's share,
 * the sizing inputs and L1's gate), the efficient frontier, and the last rebalance. The contract
 * pushes none of these, and the first target of an engine run costs a signal cycle: nothing is
 * asked at connect. While a view showing the target is up (watchTarget) it is asked again after a
 * signal cycle and when the book moves, at most every TARGET_REFRESH_MS. The frontier costs an
 * optimisation per point, so it is computed when the Portfolio view opens and on request. The
 * construction settings are asked when the settings view opens and then follow `portfolio.configured`,
 * which the engine pushes on every change, from this window or another.
 */

const TARGET_REFRESH_MS = 3000;

export interface PortfolioSlice {
  portfolioTarget: PortfolioTargetDto | null;
  frontier: FrontierDto | null;
  frontierBusy: boolean;
  frontierError: string | null;
  /** The last rebalance asked from this terminal (dry run or real). */
  lastRebalance: RebalanceDto | null;
  rebalanceBusy: boolean;
  /** How the live book is built (portfolio.settings); null until a view asked for it. */
  portfolioSettings: PortfolioSettingsDto | null;
}

export function portfolioInitial(): PortfolioSlice {
  return { portfolioTarget: null, frontier: null, frontierBusy: false, frontierError: null, lastRebalance: null, rebalanceBusy: false, portfolioSettings: null };
}

let watchers = 0;
let targetTimer: ReturnType<typeof setTimeout> | null = null;
let targetAt = 0;

/** Quiet: a failure keeps the last good target (its time is shown). */
export async function refreshTarget(): Promise<void> {
  targetAt = Date.now();
  try {
    const t = await call('portfolio.target', {});
    const cur = get().portfolioTarget;
    if (t && Array.isArray(t.rows) && (!cur || t.at >= cur.at)) set({ portfolioTarget: t });
  } catch {
    // As above.
  }
}

function scheduleTarget(): void {
  if (targetTimer !== null) return;
  const wait = Math.max(0, targetAt + TARGET_REFRESH_MS - Date.now());
  targetTimer = setTimeout(() => {
    targetTimer = null;
    void refreshTarget();
  }, wait);
}

/** A new signal cycle restates the targets; the book moving changes the current weights. */
function onTargetInputs(): void {
  if (watchers > 0) scheduleTarget();
}

export async function refreshFrontier(): Promise<void> {
  if (get().frontierBusy) return;
  set({ frontierBusy: true, frontierError: null });
  try {
    const f = await call('portfolio.frontier', {});
    set({ frontier: f, frontierError: null });
  } catch (err) {
    const e = errorText(err);
    set({ frontierError: `${e.code}: ${e.message}` });
  } finally {
    set({ frontierBusy: false });
  }
}

/**
 * A view showing the target is on screen: ask for it now and keep it current after signal cycles
 * and book moves. Returns the unwatch function (a React effect's cleanup).
 */
export function watchTarget(): () => void {
  watchers++;
  void refreshTarget();
  return () => {
    watchers = Math.max(0, watchers - 1);
    if (watchers === 0 && targetTimer !== null) {
      clearTimeout(targetTimer);
      targetTimer = null;
    }
  };
}

/** The Portfolio view: the target kept current, and the frontier computed once as it opens. */
export function watchPortfolio(): () => void {
  const unwatch = watchTarget();
  void refreshFrontier();
  return unwatch;
}

/** Asks the engine for the construction settings (a refusal is thrown to the view that asked). */
export async function loadPortfolioSettings(): Promise<PortfolioSettingsDto> {
  const s = await call('portfolio.settings', {});
  set({ portfolioSettings: s });
  return s;
}

/**
 * Changes the construction settings; the engine's answer is applied (its push, which every other
 * window gets, says the same). A refusal (BAD_PARAM, INFEASIBLE) is thrown and changes nothing.
 */
export async function configurePortfolio(change: PortfolioConfigureInput): Promise<PortfolioSettingsDto> {
  const s = await call('portfolio.configure', change);
  set({ portfolioSettings: s });
  // The target is built with the new settings.
  void refreshTarget();
  return s;
}

function onConfigured(s: PortfolioSettingsDto): void {
  set({ portfolioSettings: s });
  onTargetInputs();
}

export const portfolioSlice: SliceDef = {
  name: 'portfolio',
  events: { 'signal.generated': onTargetInputs, 'position.updated': onTargetInputs, 'account.updated': onTargetInputs, 'portfolio.configured': onConfigured },
  reset: () => set(portfolioInitial()),
};

/**
 * Turns the current target into proposals (a dry run only shows them). The proposals themselves
 * reach the approval queue through `proposal.created`.
 */
export async function rebalance(dryRun: boolean): Promise<RebalanceDto | null> {
  if (get().rebalanceBusy) return null;
  set({ rebalanceBusy: true });
  try {
    const r = await call('portfolio.rebalance', { dryRun });
    set({ lastRebalance: r });
    const n = Array.isArray(r.proposals) ? r.proposals.length : 0;
    if (dryRun) toast('info', `Rebalance preview: ${n} order${n === 1 ? '' : 's'} would be proposed`);
    else if (!r.due || n === 0) toast('info', `Rebalance: nothing to propose${r.notes[0] ? ` (${r.notes[0]})` : ''}`);
    else toast('info', `Rebalance: ${n} proposal${n === 1 ? '' : 's'} queued for approval`);
    return r;
  } catch (err) {
    const e = errorText(err);
    toast('error', `Rebalance failed: ${e.code} — ${e.message}`);
    return null;
  } finally {
    set({ rebalanceBusy: false });
  }
}
