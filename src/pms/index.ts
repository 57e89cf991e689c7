/**
 * Portfolio-monitoring analytics (PMS): pure functions over returns, positions and NAV history.
 * The PMS watches the portfolio on its own interval, outside the order path, and raises flags.
 */
export * from './periods.ts';
export * from './stats.ts';
export * from './returns.ts';
export * from './volatility.ts';
export * from './correlation.ts';
export * from './var.ts';
export * from './stress.ts';
export * from './portfolio-metrics.ts';
export * from './flags.ts';
export * from './monitor.ts';
