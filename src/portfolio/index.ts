/** L2 portfolio construction and sizing: pure functions of prices, weights and parameters. */
export * from './errors.ts';
export * from './frame.ts';
export * from './expected-returns.ts';
export * from './risk-models.ts';
export * from './performance.ts';
export * from './constraints.ts';
export * from './frontier.ts';
export * from './hrp.ts';
export * from './simple.ts';
export * from './black-litterman.ts';
export * from './cvar.ts';
export * from './discrete.ts';
export * from './sizing.ts';
export * from './rebalancer.ts';
export { optimize, METHODS, RETURN_MODELS, viewsSchema } from './optimize.ts';
export type { OptimizeRequest, OptimizeResult, Views } from './optimize.ts';
