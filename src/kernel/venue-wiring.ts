import type { VenueAlertDto, VenueInfoDto } from '../contract/api/venue.ts';
import type { Events } from '../contract/api.ts';
import type { Clock } from '../core/clock.ts';
import type { FillRecord } from '../core/ports.ts';
import { toUnits } from '../core/precision.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Oms } from '../execution/oms.ts';
import type { VenueContext } from './context.ts';
import type { KernelConfig, KernelParts } from './parts.ts';
import type { Ledger } from '../core/ledger.ts';
import { VENUE_BASELINE_KEY } from './parts.ts';
import { PositionAdjuster } from './position-adjuster.ts';
import { VenueReconciler } from './venue-reconciler.ts';

const KEEP_ALERTS = 20;

export interface VenueWiring {
  ctx: VenueContext;
  /** Whether the venue counts as connected for the venue-disconnect breaker. */
  connected(): boolean;
  /** Fills applied while the OMS recovers (missed while Strata was down) are reported by reconciliation. */
  recovering(on: boolean): void;
  fillApplied(f: FillRecord): void;
  start(): void;
  stop(): void;
}

/**
 * The venue's side of the kernel beyond the port: its connection state for the breaker, operator
 * alerts (kept and published as engine alerts), reconciliation with a live exchange at start and on
 * a timer, and the venue contract's info. The demo venue has none of these and is always connected.
 */
export function wireVenue(
  parts: KernelParts,
  config: KernelConfig,
  d: {
    clock: Clock;
    oms: Oms;
    ledger: Pick<Ledger, 'adjust'>;
    instruments: () => Instrument[];
    cashUnits: () => bigint;
    positionUnits: (s: string) => bigint;
    markOf: (s: string) => bigint | undefined;
    changed: (s: string | null) => void;
    publish: <K extends keyof Events>(type: K, payload: Events[K]) => void;
  },
): VenueWiring {
  const link = parts.venueLink;
  const alerts: VenueAlertDto[] = [];
  let offAlerts: (() => void) | undefined;
  // Positions that did not come from fills go into the ledger now, before recovery replays the fills.
  const adjuster = new PositionAdjuster({ clock: d.clock, journal: parts.journal, ledger: d.ledger, instruments: d.instruments, currency: parts.marketData.currency, changed: d.changed, log: parts.log });
  const adjustments = adjuster.load();
  const live = link?.gather !== undefined && link.venueMode === 'live';
  // A live account's holdings when its journal first met the exchange are its opening positions.
  const baseline = live ? parts.journal.getMeta(VENUE_BASELINE_KEY) : undefined;
  const opened = live ? adjuster.opening(baseline ? (JSON.parse(baseline) as Record<string, string>) : undefined, (s) => link?.openingPrice?.(s), adjustments) : [];
  const reconciler =
    link?.gather && live
      ? new VenueReconciler({
          adjuster,
          markOf: d.markOf,
          clock: d.clock,
          oms: d.oms,
          journal: parts.journal,
          link: { ...link, gather: link.gather.bind(link) },
          instruments: d.instruments,
          currency: parts.marketData.currency,
          cashUnits: d.cashUnits,
          initialCashUnits: toUnits(parts.ids.initialCash, CASH_DECIMALS),
          positionUnits: d.positionUnits,
          publish: (run) => d.publish('venue.reconciled', run),
          log: parts.log,
          ...(config.reconcileEveryMs !== undefined ? { everyMs: config.reconcileEveryMs } : {}),
        })
      : undefined;
  const info = (): VenueInfoDto => ({
    kind: link ? 'ccxt' : 'sim',
    mode: parts.mode,
    venueMode: link?.venueMode ?? null,
    exchangeId: link?.exchangeId ?? null,
    account: link?.account ?? null,
    connection: link ? link.connection() : 'connected',
    apiUrl: link?.apiUrl ?? null,
    symbols: link?.symbols ?? parts.marketData.instruments.all().map((i) => i.symbol),
    alerts: [...alerts],
    lastReconciledAt: reconciler?.lastAt ?? null,
  });
  let recovered: FillRecord[] | undefined;
  return {
    ctx: { info, reconciler, admin: config.venueAdmin },
    recovering(on) {
      if (on) recovered = [];
      else {
        if (recovered && recovered.length > 0) reconciler?.noteRecovered(recovered);
        recovered = undefined;
      }
    },
    fillApplied(f) {
      recovered?.push(f);
    },
    connected: () => !link || link.connection() !== 'disconnected',
    start() {
      offAlerts = link?.onAlert((a) => {
        alerts.unshift({ level: a.level, code: a.code, message: a.message, at: a.ts });
        alerts.length = Math.min(alerts.length, KEEP_ALERTS);
        d.publish('engine.alert', { code: a.code, severity: a.level, message: a.message, orderId: null, at: a.ts });
        d.publish('venue.info', info());
      });
      if (opened.length > 0) reconciler?.noteOpening(opened);
      reconciler?.start();
    },
    stop() {
      offAlerts?.();
      reconciler?.stop();
    },
  };
}
