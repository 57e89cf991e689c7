import type { Client, FrontierDto, PortfolioTargetDto, RebalanceDto } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { errorText, toast } from './toasts.ts';

/**
 * L2 portfolio: the combined target (current vs target weight per instrument, each alpha's share,
 * the sizing inputs and L1's gate), the efficient frontier, and the last rebalance. The contract
 * pushes none of these: the target is asked again after a signal cycle, and while a portfolio view
 * is shown also when the book moves (at most every TARGET_REFRESH_MS). The frontier costs an
 * optimisation per point, so it is computed when the view opens and on request.
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
}

export function portfolioInitial(): PortfolioSlice {
  return { portfolioTarget: null, frontier: null, frontierBusy: false, frontierError: null, lastRebalance: null, rebalanceBusy: false };
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

/** A new signal cycle restates the targets, whoever is looking. */
function onSignalCycle(): void {
  scheduleTarget();
}

/** The book moved: current weights changed. Only while a portfolio view is shown. */
function onBookChanged(): void {
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
 * A portfolio view is on screen: bring the target and the frontier up to date now and keep the
 * target current while the book moves. Returns the unwatch function (a React effect's cleanup).
 */
export function watchPortfolio(): () => void {
  watchers++;
  void refreshTarget();
  void refreshFrontier();
  return () => {
    watchers = Math.max(0, watchers - 1);
    if (watchers === 0 && targetTimer !== null) {
      clearTimeout(targetTimer);
      targetTimer = null;
    }
  };
}

async function load(c: Client, current: () => boolean): Promise<void> {
  const t = await c.call('portfolio.target', {}).catch(() => null);
  if (t && current() && Array.isArray(t.rows)) set({ portfolioTarget: t });
}

export const portfolioSlice: SliceDef = {
  name: 'portfolio',
  events: { 'signal.generated': onSignalCycle, 'position.updated': onBookChanged, 'account.updated': onBookChanged },
  load,
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
