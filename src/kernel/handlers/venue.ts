import type { Handlers } from '../../contract/api.ts';
import { DomainError } from '../../core/errors.ts';
import type { KernelContext } from '../context.ts';

type VenueMethods = 'venue.info' | 'venue.config.get' | 'venue.config.set' | 'venue.keys.set' | 'venue.reconciliation' | 'venue.reconcile' | 'venue.reconciliation.act';

/**
 * The venue over the contract: what the engine trades on, its stored configuration, write-only
 * keys, and reconciliation with a live exchange (runs, differences, the operator's decisions).
 */
export function venueHandlers(ctx: KernelContext): Pick<Handlers, VenueMethods> {
  const admin = () => {
    if (!ctx.venue.admin) throw new DomainError('VENUE_REJECTED', 'this engine was started without a venue configuration store (use strata serve)', [{ path: 'NO_VENUE_ADMIN', message: 'no configuration store' }]);
    return ctx.venue.admin;
  };
  const reconciler = () => {
    if (!ctx.venue.reconciler) throw new DomainError('VENUE_REJECTED', `the ${ctx.venueName} venue has nothing to reconcile: reconciliation runs against a live exchange`, [{ path: 'NOT_LIVE', message: 'not on a live exchange' }]);
    return ctx.venue.reconciler;
  };
  return {
    'venue.info': () => ctx.venue.info(),
    'venue.config.get': () => admin().getConfig(),
    'venue.config.set': (p) => {
      if (p.mode === 'live' && !p.confirmLive) {
        throw new DomainError('VENUE_REJECTED', 'live mode sends real orders with real money: confirm it (confirmLive: true)', [{ path: 'CONFIRM_REQUIRED', message: 'switching to live needs confirmation' }]);
      }
      return admin().setConfig(p);
    },
    'venue.keys.set': async (p) => {
      await admin().setKeys(p);
      return { exchangeId: p.exchangeId, stored: true as const };
    },
    'venue.reconciliation': ({ limit }) => (ctx.venue.reconciler ? ctx.venue.reconciler.view(limit) : { runs: [], open: [] }),
    'venue.reconcile': () => reconciler().run('operator'),
    'venue.reconciliation.act': ({ itemId, action }) => reconciler().act(itemId, action),
  };
}
