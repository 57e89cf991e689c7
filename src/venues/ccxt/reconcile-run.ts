import { rescale } from '../../core/precision.ts';
import type { CcxtVenue } from './ccxt-venue.ts';
import { VenueRequestError } from './port.ts';
import type { BalanceView, JournalOrderView, ReconcileInput } from './reconcile.ts';

/** What the journal side brings to a reconciliation run. */
export interface JournalSnapshot {
  open: JournalOrderView[];
  knownClientIds: ReadonlySet<string>;
  knownFillIds: ReadonlySet<string>;
  /** Time of the last trade the journal has seen; the venue's trades from then on are compared. */
  lastTradeTs?: number;
  notFoundCounts?: ReadonlyMap<string, number>;
  /** The journal's balances per asset (10^-8 units), when balances are to be compared. */
  balances?: BalanceView[];
}

/**
 * Asks the venue everything reconciliation compares: its open orders, the state of each journal
 * order it does not list as open, the trades since the last seen one on every symbol involved,
 * and the balances. Reads only; `reconcile()` decides.
 */
export async function gatherReconcileInput(venue: CcxtVenue, journal: JournalSnapshot): Promise<ReconcileInput> {
  const venueOpen = await venue.fetchOpenOrders();
  const openIds = new Set(venueOpen.map((o) => o.clientOrderId));
  const venueStatus: ReconcileInput['venueStatus'] = new Map();
  for (const o of journal.open) {
    if (openIds.has(o.clientOrderId)) continue;
    try {
      (venueStatus as Map<string, unknown>).set(o.clientOrderId, (await venue.fetchOrder(o.clientOrderId, o.symbol)) ?? 'not_found');
    } catch (err) {
      // Not visible yet (a create in flight) or a read failure: no verdict on this order this round.
      if (!(err instanceof VenueRequestError)) throw err;
    }
  }
  const symbols = new Set<string>([...journal.open.map((o) => o.symbol), ...venue.instruments().map((i) => i.symbol), ...venueOpen.map((o) => o.symbol)]);
  const venueFills = [];
  for (const s of symbols) venueFills.push(...(await venue.fetchTradesSince(s, journal.lastTradeTs)));
  const input: ReconcileInput = { journalOpen: journal.open, knownClientIds: journal.knownClientIds, knownFillIds: journal.knownFillIds, venueOpen, venueStatus, venueFills };
  if (journal.notFoundCounts) input.notFoundCounts = journal.notFoundCounts;
  if (journal.balances) {
    const acct = await venue.fetchAccount();
    const venueBalances: BalanceView[] = [{ asset: acct.currency, units: acct.cashUnits }];
    for (const h of acct.holdings) {
      const inst = venue.registry.get(h.symbol);
      if (inst) venueBalances.push({ asset: inst.base, units: rescale(h.qtyUnits, inst.qtyDecimals, 8) });
    }
    input.balances = { journal: journal.balances, venue: venueBalances };
  }
  return input;
}
