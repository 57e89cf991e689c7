import type { StressDto } from '../contract/risk-dto.ts';
import { navOf } from './held.ts';
import type { Held } from './held.ts';
import type { PmsConfig, ScenarioSpec } from './monitor-config.ts';
import type { Observation } from './returns.ts';
import { applyScenario, historicalStress, reverseStress } from './stress.ts';
import type { ShockScenario } from './stress.ts';
import type { Positions } from './var.ts';

/** The monitor's stress report: historical (loaded daily history), hypothetical and reverse stress of the held book. */

export interface StressOptions {
  lossFractions?: readonly number[];
  /** Extra scenarios, run after the configured ones. */
  scenarios?: readonly ScenarioSpec[];
}

/** Runs `fn`; on a throw, records what failed and returns the fallback (bad data never throws out of the PMS). */
export type Attempt = <T>(what: string, fn: () => T, fallback: T) => T;

export function stressReport(
  ts: number,
  held: Held,
  daily: ReadonlyMap<string, { series: Observation[]; source: string }>,
  config: Pick<PmsConfig, 'stressHorizonsDays' | 'scenarios' | 'lossFractions' | 'groups'>,
  opts: StressOptions,
  attempt: Attempt,
): StressDto {
  const nav = navOf(held);
  const positions: Positions = held.values;

  const historical: StressDto['historical'] = [];
  const missingHistory: string[] = [];
  for (const symbol of held.symbols) {
    const d = daily.get(symbol);
    if (!d || d.series.length < 2) {
      missingHistory.push(symbol);
      continue;
    }
    const horizons = config.stressHorizonsDays.filter((h) => d.series.length >= h + 1);
    const one = { [symbol]: positions[symbol]! };
    const res = attempt(`historical stress ${symbol}`, () => historicalStress(one, { [symbol]: d.series }, horizons), []);
    for (const h of res) {
      for (const i of h.instruments) {
        historical.push({ symbol, position: i.position, horizonDays: h.horizon, worstMove: i.applied.move, from: i.applied.from, to: i.applied.to, pnl: i.pnl, source: d.source });
      }
    }
  }

  const specs = [...config.scenarios, ...(opts.scenarios ?? [])];
  const scenarios: StressDto['scenarios'] = [];
  for (const spec of specs) {
    const sc = shockOf(spec, held.symbols, config.groups);
    const r = attempt(`scenario ${spec.name}`, () => applyScenario(positions, sc, nav > 0 ? nav : undefined), null);
    if (r) scenarios.push({ name: r.name, pnl: r.pnl, pnlPctNav: r.pnlPctNav, instruments: r.instruments });
  }

  const reverse: StressDto['reverse'] = [];
  if (nav > 0) {
    for (const f of opts.lossFractions ?? config.lossFractions) {
      if (!(f > 0 && Number.isFinite(f))) continue;
      const r = reverseStress(positions, nav, f);
      reverse.push({
        lossFraction: f,
        loss: r.loss,
        uniformMove: r.uniform.move,
        feasible: r.uniform.feasible,
        instruments: r.instruments.map((i) => ({ symbol: i.symbol, position: i.position, move: i.move, feasible: i.feasible })),
      });
    }
  }
  return { ts, nav, historical, scenarios, reverse, missingHistory };
}

/** A scenario's shocks on the held symbols: the symbol's own, else its group's (PmsConfig.groups). */
export function shockOf(spec: ScenarioSpec, symbols: readonly string[], groups: Readonly<Record<string, string>>): ShockScenario {
  const shocks: Record<string, number> = {};
  for (const s of symbols) {
    const own = spec.shocks?.[s];
    const group = groups[s];
    const byGroup = group !== undefined ? spec.groups?.[group] : undefined;
    const x = own ?? byGroup;
    if (x !== undefined) shocks[s] = x;
  }
  const out: ShockScenario = { name: spec.name, shocks };
  if (spec.all !== undefined) out.all = spec.all;
  return out;
}
