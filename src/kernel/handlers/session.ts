import type { Handlers } from '../../contract/api.ts';
import type { SessionInfoDto } from '../../contract/api/session.ts';
import { ENGINE_VERSION } from '../version.ts';
import { instrumentDto } from '../dto-mapping.ts';
import type { KernelContext } from '../context.ts';

/** The session: which engine, which mode (declared by the mode that built it), which venue and instruments. */
export function sessionHandlers(ctx: KernelContext): Pick<Handlers, 'session.info' | 'instruments.list'> {
  return {
    'session.info': (): SessionInfoDto => ({
      version: ENGINE_VERSION,
      mode: ctx.mode,
      venue: ctx.venueName,
      ...sessionVenue(ctx),
      startedAt: ctx.startedAt,
      serverTime: ctx.clock.now(),
      currency: ctx.currency,
      instruments: ctx.instruments.all().map(instrumentDto),
      clock: ctx.clockDto(),
    }),
    'instruments.list': () => ctx.instruments.all().map(instrumentDto),
  };
}

/** On an exchange: the account and whether its orders are real or paper (the top bar shows both). */
function sessionVenue(ctx: KernelContext): { account?: string; venueMode?: 'live' | 'paper' } {
  const v = ctx.venue.info();
  return { ...(v.account ? { account: v.account } : {}), ...(v.venueMode ? { venueMode: v.venueMode } : {}) };
}
