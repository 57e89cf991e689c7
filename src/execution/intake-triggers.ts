import type { Params } from '../contract/api.ts';
import { DomainError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import type { TriggerRecord } from '../core/ports.ts';
import { PrecisionError, toDecimalString, toUnits } from '../core/precision.ts';
import type { HeldRequest } from './oms.ts';
import { ratchet, referencePrice } from './trigger-rules.ts';
import type { TriggerPrices } from './trigger-rules.ts';

/**
 * What the intake needs to turn a ticket's stop, stop-limit, trailing stop or bracket into the
 * orders Strata holds until they trigger (the venue has none of these): checked like any ticket
 * field before anything is journaled.
 */

type Ticket = Omit<Params<'orders.place'>, 'source' | 'confirm'>;

export type StopKind = 'stop' | 'stop-limit' | 'trailing-stop';

export function isStopKind(t: string): t is StopKind {
  return t === 'stop' || t === 'stop-limit' || t === 'trailing-stop';
}

/** A price parameter on the instrument's tick, or BAD_REQUEST before anything is journaled. */
export function priceParam(inst: Instrument, v: number | string, name: string): bigint {
  try {
    const u = toUnits(v, inst.priceDecimals);
    if (u <= 0n || u % inst.tickUnits !== 0n) throw new DomainError('BAD_REQUEST', `${name} must be a positive multiple of the tick size ${inst.tickSize}`);
    return u;
  } catch (err) {
    if (err instanceof PrecisionError) throw new DomainError('BAD_REQUEST', `${name}: ${err.message}`);
    throw err;
  }
}

/** The trigger of a stop ticket; a trailing stop without a stop price starts one trail from the market it watches. */
export function stopTrigger(t: Ticket, inst: Instrument, kind: StopKind, prices: TriggerPrices): TriggerRecord {
  const trigger: TriggerRecord = {
    kind,
    by: t.trigger ?? 'last',
    stopPriceUnits: t.stopPrice !== undefined ? priceParam(inst, t.stopPrice, 'stopPrice') : null,
    trailPercent: t.trailPercent ?? null,
    trailUnits: t.trailAmount !== undefined ? priceParam(inst, t.trailAmount, 'trailAmount') : null,
    triggeredAt: null,
    entryId: null,
    role: null,
  };
  if (kind === 'stop-limit' && t.price !== undefined) priceParam(inst, t.price, 'price');
  if (kind === 'trailing-stop' && trigger.stopPriceUnits === null) {
    const ref = referencePrice(trigger, t.side, prices);
    if (ref !== undefined) trigger.stopPriceUnits = ratchet(trigger, t.side, ref, inst.tickUnits);
  }
  return trigger;
}

/**
 * A bracket's exits (take-profit and/or stop-loss, one-cancels-other when both), validated now and
 * journaled with the entry before the venue can fill it. Undefined when the ticket has none.
 */
export function bracketExits(t: Ticket, inst: Instrument, place: (req: HeldRequest) => void): ((entry: Order) => void) | undefined {
  if (t.takeProfit === undefined && t.stopLoss === undefined) return undefined;
  const tp = t.takeProfit !== undefined ? priceParam(inst, t.takeProfit, 'takeProfit') : undefined;
  const sl = t.stopLoss !== undefined ? priceParam(inst, t.stopLoss, 'stopLoss') : undefined;
  const above = t.side === 'buy' ? 'above' : 'below';
  const below = t.side === 'buy' ? 'below' : 'above';
  const entryPx = t.price !== undefined ? priceParam(inst, t.price, 'price') : undefined;
  const wrong = (a: bigint, b: bigint) => (t.side === 'buy' ? a <= b : a >= b);
  if (tp !== undefined && sl !== undefined && wrong(tp, sl)) throw new DomainError('BAD_REQUEST', `a ${t.side} bracket's take-profit must be ${above} its stop-loss`);
  if (entryPx !== undefined && tp !== undefined && wrong(tp, entryPx)) throw new DomainError('BAD_REQUEST', `a ${t.side} bracket's take-profit must be ${above} the entry price`);
  if (entryPx !== undefined && sl !== undefined && wrong(entryPx, sl)) throw new DomainError('BAD_REQUEST', `a ${t.side} bracket's stop-loss must be ${below} the entry price`);
  const exitSide = t.side === 'buy' ? 'sell' : 'buy';
  const by = t.trigger ?? 'last';
  return (entry) => {
    const group = tp !== undefined && sl !== undefined ? `${entry.id}-OCO` : null;
    // The exits are part of the entry's order: same origin and approval; each child is checked by L1.
    const base = { symbol: inst.symbol, side: exitSide, qty: 0, source: entry.source, urgency: 'immediate', ocoGroup: group, check: false, approvedBy: entry.approvedBy, proposalId: entry.proposalId, riskConfirmed: entry.riskConfirmed } as const;
    const trig = (kind: 'take-profit' | 'stop', stop: bigint | null, role: 'take-profit' | 'stop-loss'): TriggerRecord => ({
      kind,
      by,
      stopPriceUnits: stop,
      trailPercent: null,
      trailUnits: null,
      triggeredAt: null,
      entryId: entry.id,
      role,
    });
    if (tp !== undefined) place({ ...base, id: `${entry.id}-TP`, price: toDecimalString(tp, inst.priceDecimals), childType: 'limit', trigger: trig('take-profit', null, 'take-profit') });
    if (sl !== undefined) place({ ...base, id: `${entry.id}-SL`, childType: 'market', trigger: trig('stop', sl, 'stop-loss') });
  };
}
