import type { Aggregate, CombinedTarget, Contribution } from '../../signals/aggregator.ts';

/**
 * The stored form of a cycle's aggregate. Written as JSON arrays in a fixed field order instead of
 * objects: the key names were ~40% of its text (~59 KB a cycle over 100 instruments × 3 alphas), and
 * every byte is written to the WAL and again at the checkpoint. Still plain JSON, so SQL's json_*
 * functions can read it; `decodeAggregate` gives back the very objects (same keys, same order).
 *
 *   [at, totalWeight, cash, [[instrument, target, delta, support, expectedReturn, urgency, horizonMs,
 *     [[alpha, kind, value, conviction, alphaWeight, share, contribution, expectedReturn, urgency, time], …]], …]]
 *
 * An aggregate of any other shape (a field added later) is stored as its plain JSON object, and
 * rows written before this form are plain objects too: the first character tells them apart.
 */
const AGGREGATE_KEYS = ['at', 'totalWeight', 'targets', 'cash'] as const;
const TARGET_KEYS = ['instrument', 'target', 'delta', 'support', 'expectedReturn', 'urgency', 'horizonMs', 'contributions'] as const;
const CONTRIBUTION_KEYS = ['alpha', 'kind', 'value', 'conviction', 'alphaWeight', 'share', 'contribution', 'expectedReturn', 'urgency', 'time'] as const;

type ContributionRow = [string, Contribution['kind'], number, number, number, number, number, number | null, Contribution['urgency'], number];
type TargetRow = [string, number | null, number, number, number | null, CombinedTarget['urgency'], number | null, ContributionRow[]];
type AggregateRow = [number, number, number, TargetRow[]];

function hasKeys(o: object, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (own[i] !== keys[i]) return false;
  return true;
}

function isKnownShape(a: Aggregate): boolean {
  if (!hasKeys(a, AGGREGATE_KEYS)) return false;
  for (const t of a.targets) {
    if (!hasKeys(t, TARGET_KEYS)) return false;
    for (const c of t.contributions) if (!hasKeys(c, CONTRIBUTION_KEYS)) return false;
  }
  return true;
}

export function encodeAggregate(a: Aggregate): string {
  if (!isKnownShape(a)) return JSON.stringify(a);
  const row: AggregateRow = [
    a.at,
    a.totalWeight,
    a.cash,
    a.targets.map((t): TargetRow => [
      t.instrument,
      t.target,
      t.delta,
      t.support,
      t.expectedReturn,
      t.urgency,
      t.horizonMs,
      t.contributions.map((c): ContributionRow => [c.alpha, c.kind, c.value, c.conviction, c.alphaWeight, c.share, c.contribution, c.expectedReturn, c.urgency, c.time]),
    ]),
  ];
  return JSON.stringify(row);
}

export function decodeAggregate(text: string): Aggregate {
  if (text.charCodeAt(0) !== 0x5b /* [ */) return JSON.parse(text) as Aggregate;
  const [at, totalWeight, cash, targets] = JSON.parse(text) as AggregateRow;
  return {
    at,
    totalWeight,
    targets: targets.map(([instrument, target, delta, support, expectedReturn, urgency, horizonMs, contributions]) => ({
      instrument,
      target,
      delta,
      support,
      expectedReturn,
      urgency,
      horizonMs,
      contributions: contributions.map(([alpha, kind, value, conviction, alphaWeight, share, contribution, er, u, time]) => ({
        alpha,
        kind,
        value,
        conviction,
        alphaWeight,
        share,
        contribution,
        expectedReturn: er,
        urgency: u,
        time,
      })),
    })),
    cash,
  };
}
