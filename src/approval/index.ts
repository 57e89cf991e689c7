/** The approval queue: proposals from the rebalancer wait for the operator, then go through L1 to L3. */
export * from './proposal.ts';
export * from './store.ts';
export * from './queue.ts';
