import type { Client, ParamsIn, ReconItemDto, ReconOperatorAction, ReconRunDto, ReconciliationDto, VenueConfigDto, VenueInfoDto } from '../../../src/contract/index.ts';
import { call, currentClient } from './client.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { settle, toast } from './toasts.ts';

/**
 * The venue: which exchange and account, live or paper, its stored configuration (Settings), and
 * reconciliation with the exchange (the Reconciliation view). Keys go out through `storeKeys` and
 * are never kept here.
 */
export interface VenueSlice {
  venueInfo: VenueInfoDto | null;
  venueConfig: VenueConfigDto | null;
  /** Why the configuration cannot be read (an engine started without a configuration store). */
  venueConfigError: string | null;
  recon: ReconciliationDto | null;
  /** Set while the engine restarts on a newly applied venue. */
  venueSwitching: boolean;
}

export function venueInitial(): VenueSlice {
  return { venueInfo: null, venueConfig: null, venueConfigError: null, recon: null, venueSwitching: false };
}

function onReconciled(run: ReconRunDto): void {
  const cur = get().recon;
  const runs = [run, ...(cur?.runs ?? []).filter((r) => r.id !== run.id)].slice(0, 50);
  // Items waiting for the operator: the new run's, plus older ones still open (refreshed on load).
  const open = [...run.items.filter((i) => i.status === 'needs_operator'), ...(cur?.open ?? []).filter((i) => !run.items.some((n) => n.id === i.id))];
  set({ recon: { runs, open } });
  void refreshRecon();
}

async function load(c: Client, current: () => boolean): Promise<void> {
  const [info, recon] = await Promise.all([settle(c.call('venue.info', {}), 'venue'), settle(c.call('venue.reconciliation', { limit: 20 }), 'reconciliation')]);
  if (!current()) return;
  set({ venueInfo: info, recon });
  try {
    const cfg = await c.call('venue.config.get', {});
    if (current()) set({ venueConfig: cfg, venueConfigError: null });
  } catch (err) {
    if (current()) set({ venueConfig: null, venueConfigError: err instanceof Error ? err.message : String(err) });
  }
}

export async function refreshRecon(): Promise<void> {
  const recon = await settle(call('venue.reconciliation', { limit: 20 }), 'reconciliation');
  if (recon) set({ recon });
}

export async function reconcileNow(): Promise<void> {
  const run = await settle(call('venue.reconcile', {}), 'reconciliation');
  if (run) toast('info', run.ok ? `Reconciliation: ${run.items.length} difference${run.items.length === 1 ? '' : 's'}` : `Reconciliation failed: ${run.error ?? ''}`);
  await refreshRecon();
}

export async function actOnReconItem(itemId: string, action: ReconOperatorAction): Promise<ReconItemDto | null> {
  const item = await settle(call('venue.reconciliation.act', { itemId, action }), 'reconciliation action');
  await refreshRecon();
  return item;
}

/** Stores the keys; the fields holding them are the caller's to clear. Resolves true when stored. */
export async function storeKeys(p: ParamsIn<'venue.keys.set'>): Promise<boolean> {
  await call('venue.keys.set', p);
  const cfg = await settle(call('venue.config.get', {}), 'venue configuration');
  if (cfg) set({ venueConfig: cfg });
  toast('info', `Keys for ${p.exchangeId} stored (encrypted); they are never shown again`);
  return true;
}

/**
 * Saves the venue configuration; with `apply` the engine restarts on it and every view reloads from
 * the new engine once it answers.
 */
export async function saveVenueConfig(p: ParamsIn<'venue.config.set'>): Promise<VenueConfigDto> {
  const before = get().session?.startedAt;
  const cfg = await call('venue.config.set', p);
  set({ venueConfig: cfg });
  if (!p.apply) {
    toast('info', 'Venue configuration saved: it applies at the next start');
    return cfg;
  }
  set({ venueSwitching: true });
  try {
    const c = currentClient();
    const end = Date.now() + 120_000;
    // The engine behind the connection is being replaced: wait for the new one to answer.
    for (;;) {
      const s = await call('session.info', {}).catch(() => null);
      if (s && s.startedAt !== before) break;
      if (Date.now() > end) throw new Error('the engine did not come back on the new venue within 2 minutes');
      await new Promise((r) => setTimeout(r, 300));
    }
    if (c && c === currentClient()) (await import('./registry.ts')).attach(c);
    toast('info', 'Engine restarted on the configured venue');
  } finally {
    set({ venueSwitching: false });
  }
  return cfg;
}

export const venueSlice: SliceDef = {
  name: 'venue',
  events: {
    'venue.reconciled': onReconciled,
    'venue.info': (info) => set({ venueInfo: info }),
  },
  load,
  reset: () => set({ venueInfo: null, recon: null }),
};
