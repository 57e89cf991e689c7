/** The renderer's state, one slice per domain; components import from here. */
export { useStore } from './store.ts';
export type { State } from './store.ts';
export * from './account.ts';
export * from './approvals.ts';
export * from './client.ts';
export * from './connection.ts';
export * from './layout.ts';
export * from './market.ts';
export * from './orders.ts';
export * from './portfolio.ts';
export * from './risk.ts';
export * from './signals.ts';
export * from './ticket.ts';
export * from './toasts.ts';
export { attach, detach, SLICES } from './registry.ts';
