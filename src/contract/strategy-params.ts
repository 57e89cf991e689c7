import { CONSTRUCTION_METHODS } from './api/portfolio.ts';

/**
 * A strategy's parameters as the CLI and the UI print them. Parameters are numbers; a target
 * strategy's construction `method` is kept as its index into CONSTRUCTION_METHODS and printed by
 * name (a run read "method=4", which nobody can read back).
 */
export function strategyParamsText(p: Readonly<Record<string, number>>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${k === 'method' ? (CONSTRUCTION_METHODS[v] ?? v) : v}`)
    .join(' ');
}
