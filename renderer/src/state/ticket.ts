import type { ExecutionStyle, OrderType, Side, TimeInForce, Urgency } from '../../../src/contract/index.ts';
import { get, set } from './store.ts';

/** The order ticket's form, kept in the store so it survives a screen switch and keyboard shortcuts reach it. */
export interface TicketState {
  side: Side;
  qty: string;
  /** Order type of a direct order (market or limit); algorithms take `price` as their cap. */
  type: OrderType;
  price: string;
  tif: TimeInForce;
  urgency: Urgency;
  /** 'auto' lets routing pick from the urgency; anything else overrides it. */
  algo: 'auto' | ExecutionStyle;
  /** Algorithm parameters as typed (empty = routing's default). */
  durationSec: string;
  slices: string;
  jitterPct: string;
  participationPct: string;
  displayQty: string;
  minChildQty: string;
  maxChildQty: string;
}

export interface TicketSlice {
  ticket: TicketState;
  /** Incremented to ask the ticket to focus its quantity field. */
  ticketFocus: number;
}

export function ticketInitial(): TicketSlice {
  return {
    ticket: {
      side: 'buy',
      qty: '',
      type: 'market',
      price: '',
      tif: 'gtc',
      urgency: 'immediate',
      algo: 'auto',
      durationSec: '',
      slices: '',
      jitterPct: '',
      participationPct: '',
      displayQty: '',
      minChildQty: '',
      maxChildQty: '',
    },
    ticketFocus: 0,
  };
}

export function updateTicket(patch: Partial<TicketState>): void {
  set((s) => ({ ticket: { ...s.ticket, ...patch } }));
}

/** Esc: clears quantity and price; keeps side, type, urgency, algorithm and its parameters. */
export function clearTicket(): void {
  set((s) => ({ ticket: { ...s.ticket, qty: '', price: '' } }));
}

/** Market or limit for a direct order; an explicit market/limit algorithm choice follows it. */
export function setOrderType(type: OrderType): void {
  set((s) => ({ ticket: { ...s.ticket, type, algo: s.ticket.algo === 'market' || s.ticket.algo === 'limit' ? type : s.ticket.algo } }));
}

export function focusTicket(): void {
  set((s) => ({ ticketFocus: s.ticketFocus + 1 }));
}

/** A click on a book level: a limit order at that price (the side stays what the trader chose). */
export function pickBookLevel(price: number): void {
  const sym = get().selected;
  const decimals = (sym ? get().instruments[sym]?.priceDecimals : undefined) ?? 2;
  set((s) => ({ ticket: { ...s.ticket, type: 'limit', algo: s.ticket.algo === 'market' ? 'limit' : s.ticket.algo, price: price.toFixed(decimals) } }));
}
