import type { Side } from '../../contract/dto.ts';
import type { VenueFill, VenueOrderStatus } from '../../core/ports.ts';
import type { VenueOpenOrder } from './port.ts';

/**
 * Reconciliation, pure: what the journal believes against what the venue reports, as a list of
 * differences and the action for each. Applying the actions is the kernel's job (it owns the
 * journal); doing it twice is harmless because fills are keyed by their id and orders close once.
 *
 * The rules, in the order the actions must run:
 * 1. a venue trade of one of our orders that the journal lacks is a missed fill: apply it once;
 * 2. an order the venue shows filled further than the journal and the trades explain: fetch its fills;
 * 3. an order the journal has open and the venue closed (cancelled, expired, rejected): close it;
 * 4. an open venue order Strata did not place: adopt it as EXTERNAL (visible, cancellable, in
 *    exposure), with its trades; a trade of an unknown order that is no longer open is recorded
 *    as an external fill;
 * 5. an open journal order the venue does not know: ask again; only `notFoundLimit` not-founds in a
 *    row declare it lost, and that is the operator's call;
 * 6. a balance that differs from the journal's by more than the tolerance is reported to the operator.
 */

export interface JournalOrderView {
  clientOrderId: string;
  symbol: string;
  side: Side;
  qtyUnits: bigint;
  filledUnits: bigint;
  venueOrderId: string | null;
}

export interface BalanceView {
  asset: string;
  /** Units of 10^-8 of the asset. */
  units: bigint;
}

export interface ReconcileInput {
  /** Orders the journal has open (sent, not ended). */
  journalOpen: readonly JournalOrderView[];
  /** Every client order id the journal has ever had, open or not. */
  knownClientIds: ReadonlySet<string>;
  /** Every fill id the journal has. */
  knownFillIds: ReadonlySet<string>;
  venueOpen: readonly VenueOpenOrder[];
  /** What the venue said about journal-open orders it does not list as open. */
  venueStatus: ReadonlyMap<string, VenueOrderStatus | 'not_found'>;
  /** The account's trades since the last seen trade. */
  venueFills: readonly VenueFill[];
  /** Not-founds in a row so far, per client order id (from earlier runs). */
  notFoundCounts?: ReadonlyMap<string, number>;
  notFoundLimit?: number;
  balances?: { journal: readonly BalanceView[]; venue: readonly BalanceView[]; toleranceUnits?: bigint };
}

export type ReconcileAction =
  | { kind: 'apply_fill'; fill: VenueFill }
  | { kind: 'fetch_fills'; clientOrderId: string; symbol: string }
  | { kind: 'close_order'; clientOrderId: string; state: 'cancelled' | 'expired' | 'rejected'; reason: string }
  | { kind: 'adopt_external'; order: VenueOpenOrder }
  | { kind: 'adopt_external_fill'; fill: VenueFill }
  | { kind: 'recheck'; clientOrderId: string; notFound: number }
  | { kind: 'declare_lost'; clientOrderId: string; notFound: number }
  | { kind: 'report_balance'; asset: string; journalUnits: bigint; venueUnits: bigint };

export type DifferenceKind = 'missed_fill' | 'fills_behind' | 'closed_at_venue' | 'external_order' | 'external_fill' | 'missing_at_venue' | 'balance';

export interface ReconcileDifference {
  kind: DifferenceKind;
  clientOrderId?: string;
  detail: string;
  action: ReconcileAction;
  /** True where a human must decide (a lost order, a balance that does not add up). */
  needsOperator: boolean;
}

export interface ReconcileResult {
  differences: ReconcileDifference[];
  /** The actions in the order they must run. */
  actions: ReconcileAction[];
}

const STAGE: Record<ReconcileAction['kind'], number> = {
  apply_fill: 0,
  fetch_fills: 1,
  close_order: 2,
  adopt_external: 3,
  adopt_external_fill: 4,
  recheck: 5,
  declare_lost: 5,
  report_balance: 6,
};

export function reconcile(input: ReconcileInput): ReconcileResult {
  const diffs: ReconcileDifference[] = [];
  const limit = input.notFoundLimit ?? 3;
  const venueOpenById = new Map(input.venueOpen.map((o) => [o.clientOrderId, o]));
  const seenFills = new Set<string>();
  const newFillQty = new Map<string, bigint>();

  // 1. Missed fills of our orders; trades of orders we do not know are kept for step 4.
  const externalFills: VenueFill[] = [];
  for (const f of input.venueFills) {
    if (input.knownFillIds.has(f.fillId) || seenFills.has(f.fillId)) continue;
    seenFills.add(f.fillId);
    if (!input.knownClientIds.has(f.clientOrderId)) {
      externalFills.push(f);
      continue;
    }
    newFillQty.set(f.clientOrderId, (newFillQty.get(f.clientOrderId) ?? 0n) + f.qtyUnits);
    diffs.push({ kind: 'missed_fill', clientOrderId: f.clientOrderId, detail: `trade ${f.fillId} (${f.side} ${f.qtyUnits} @ ${f.priceUnits} units) is not in the journal`, action: { kind: 'apply_fill', fill: f }, needsOperator: false });
  }

  // 2, 3, 5. Each order the journal has open.
  for (const o of input.journalOpen) {
    const explained = o.filledUnits + (newFillQty.get(o.clientOrderId) ?? 0n);
    const open = venueOpenById.get(o.clientOrderId);
    const status = open ?? input.venueStatus.get(o.clientOrderId);
    if (status === undefined) continue;
    if (status === 'not_found') {
      const n = (input.notFoundCounts?.get(o.clientOrderId) ?? 0) + 1;
      const lost = n >= limit;
      diffs.push({
        kind: 'missing_at_venue',
        clientOrderId: o.clientOrderId,
        detail: lost ? `the venue has not known ${o.clientOrderId} for ${n} checks in a row` : `the venue does not know ${o.clientOrderId} (check ${n} of ${limit})`,
        action: lost ? { kind: 'declare_lost', clientOrderId: o.clientOrderId, notFound: n } : { kind: 'recheck', clientOrderId: o.clientOrderId, notFound: n },
        needsOperator: lost,
      });
      continue;
    }
    if (status.filledUnits > explained) {
      diffs.push({ kind: 'fills_behind', clientOrderId: o.clientOrderId, detail: `the venue shows ${status.filledUnits} filled, the journal and recent trades ${explained}`, action: { kind: 'fetch_fills', clientOrderId: o.clientOrderId, symbol: o.symbol }, needsOperator: false });
    }
    if (status.state === 'cancelled' || status.state === 'expired' || status.state === 'rejected') {
      diffs.push({
        kind: 'closed_at_venue',
        clientOrderId: o.clientOrderId,
        detail: `${o.clientOrderId} is ${status.state} at the venue but open in the journal`,
        action: { kind: 'close_order', clientOrderId: o.clientOrderId, state: status.state, reason: status.reason?.message ?? `${status.state} at the venue` },
        needsOperator: false,
      });
    }
  }

  // 4. What the venue has that Strata did not place.
  const adopted = new Set<string>();
  for (const v of input.venueOpen) {
    if (input.knownClientIds.has(v.clientOrderId) || adopted.has(v.clientOrderId)) continue;
    adopted.add(v.clientOrderId);
    diffs.push({ kind: 'external_order', clientOrderId: v.clientOrderId, detail: `open ${v.side} ${v.qtyUnits} ${v.symbol} at the venue was not placed by Strata: adopted as EXTERNAL`, action: { kind: 'adopt_external', order: v }, needsOperator: false });
  }
  for (const f of externalFills) {
    diffs.push({ kind: 'external_fill', clientOrderId: f.clientOrderId, detail: `trade ${f.fillId} of an order Strata did not place (${f.side} ${f.qtyUnits} ${f.symbol})`, action: { kind: 'adopt_external_fill', fill: f }, needsOperator: false });
  }

  // 6. Balances.
  if (input.balances) {
    const tol = input.balances.toleranceUnits ?? 0n;
    const j = new Map(input.balances.journal.map((b) => [b.asset, b.units]));
    const v = new Map(input.balances.venue.map((b) => [b.asset, b.units]));
    for (const asset of [...new Set([...j.keys(), ...v.keys()])].sort()) {
      const ju = j.get(asset) ?? 0n;
      const vu = v.get(asset) ?? 0n;
      const d = vu - ju;
      if (d > tol || -d > tol) {
        diffs.push({ kind: 'balance', detail: `${asset}: venue ${vu}, journal ${ju} (difference ${d} units of 1e-8)`, action: { kind: 'report_balance', asset, journalUnits: ju, venueUnits: vu }, needsOperator: true });
      }
    }
  }

  const actions = diffs.map((d, i) => ({ a: d.action, i })).sort((x, y) => STAGE[x.a.kind] - STAGE[y.a.kind] || x.i - y.i).map((x) => x.a);
  return { differences: diffs, actions };
}
