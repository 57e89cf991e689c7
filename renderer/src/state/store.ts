import { create } from 'zustand';
import type { AccountSlice } from './account.ts';
import type { ApprovalsSlice } from './approvals.ts';
import type { ConnectionSlice } from './connection.ts';
import type { LayoutSlice } from './layout.ts';
import type { MarketSlice } from './market.ts';
import type { OrdersSlice } from './orders.ts';
import type { PortfolioSlice } from './portfolio.ts';
import type { RiskSlice } from './risk.ts';
import type { SignalsSlice } from './signals.ts';
import type { TicketSlice } from './ticket.ts';
import type { ToastsSlice } from './toasts.ts';
import { accountInitial } from './account.ts';
import { approvalsInitial } from './approvals.ts';
import { connectionInitial } from './connection.ts';
import { layoutInitial } from './layout.ts';
import { marketInitial } from './market.ts';
import { ordersInitial } from './orders.ts';
import { portfolioInitial } from './portfolio.ts';
import { riskInitial } from './risk.ts';
import { signalsInitial } from './signals.ts';
import { ticketInitial } from './ticket.ts';
import { toastsInitial } from './toasts.ts';

/**
 * The renderer's one zustand store, made of one slice per domain. Each slice file owns its fields,
 * its actions, the pushed events it handles and the snapshots it loads (see registry.ts).
 *
 * The slices import this module for `set`/`get` and this module imports their initial values: the
 * `*Initial` are function declarations (hoisted), so the cycle is safe whichever module loads first.
 */
export type State = ConnectionSlice & MarketSlice & OrdersSlice & AccountSlice & RiskSlice & ToastsSlice & TicketSlice & LayoutSlice & SignalsSlice & PortfolioSlice & ApprovalsSlice;

export function initialState(): State {
  return {
    ...connectionInitial(),
    ...marketInitial(),
    ...ordersInitial(),
    ...accountInitial(),
    ...riskInitial(),
    ...toastsInitial(),
    ...ticketInitial(),
    ...layoutInitial(),
    ...signalsInitial(),
    ...portfolioInitial(),
    ...approvalsInitial(),
  };
}

export const useStore = create<State>()(() => initialState());

export const set = useStore.setState;
export const get = useStore.getState;
