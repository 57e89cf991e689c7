/** L2 signals: alphas over a clock-gated view → signals (intent) → aggregated targets. No limits here. */
export * from './signal.ts';
export * from './errors.ts';
export * from './bars.ts';
export * from './view.ts';
export * from './indicators.ts';
export * from './alpha.ts';
export * from './aggregator.ts';
export * from './journal.ts';
export * from './cycle.ts';
export * from './registry.ts';
export { StrategicAllocationAlpha, strategicAllocation, strategicAllocationSchema } from './alphas/strategic-allocation.ts';
export { TacticalRegimeAlpha, tacticalRegime, tacticalRegimeSchema, readRegime } from './alphas/tactical-regime.ts';
export { SmaCrossAlpha, smaCross, smaCrossSchema, lastCross } from './alphas/sma-cross.ts';
export { StatisticalModelAlpha, statisticalModel, statisticalModelSchema } from './alphas/statistical-model.ts';
export { fitRidge, predict } from './ridge.ts';
export type { RidgeModel } from './ridge.ts';
