import type { Aggregate, CombinedTarget, Contribution } from '../../signals/aggregator.ts';
import type { Signal } from '../../signals/signal.ts';

/**
 * The stored form of a cycle's aggregate. Written as JSON arrays in a fixed field order instead of
 * objects: the key names were ~40% of its text (~59 KB a cycle over 100 instruments × 3 alphas), and
 * every byte is written to the WAL and again at the checkpoint. Still plain JSON, so SQL's json_*
 * functions can read it; `decodeAggregate` gives back the very objects (same keys, same order).
 *
 *   [at, totalWeight, cash, [[instrument, target, delta, support, expectedReturn, urgency, horizonMs,
 *     [[alpha, kind, value, conviction, alphaWeight, share, contribution, expectedReturn, urgency, time], …]], …]]
 *
 * A contribution copies seven fields of the signal behind it. When that signal is one of the same
 * cycle's (an alpha that ran in it), the contribution is stored as `[ord, alphaWeight, share,
 * contribution]`, `ord` its place in the cycle's signals, and read back from that signal: the
 * fields are taken only if they are identical, so nothing read differs from what was written. A
 * standing signal of an earlier cycle keeps the full row (a number first tells the two apart).
 *
 * An aggregate of any other shape (a field added later) is stored as its plain JSON object, and
 * rows written before this form are plain objects too: the first character tells them apart.
 */
const AGGREGATE_KEYS = ['at', 'totalWeight', 'targets', 'cash'] as const;
const TARGET_KEYS = ['instrument', 'target', 'delta', 'support', 'expectedReturn', 'urgency', 'horizonMs', 'contributions'] as const;
const CONTRIBUTION_KEYS = ['alpha', 'kind', 'value', 'conviction', 'alphaWeight', 'share', 'contribution', 'expectedReturn', 'urgency', 'time'] as const;

type ContributionRow = [string, Contribution['kind'], number, number, number, number, number, number | null, Contribution['urgency'], number] | [number, number, number, number];
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

/** The cycle's signal that `c` (a contribution to `instrument`) copies, by its place; -1 if none. */
function sourceOf(c: Contribution, candidates: readonly number[] | undefined, signals: readonly Signal[]): number {
  if (!candidates) return -1;
  for (const ord of candidates) {
    const s = signals[ord]!;
    if (Object.is(s.value, c.value) && Object.is(s.conviction, c.conviction) && s.kind === c.kind && Object.is(s.expectedReturn, c.expectedReturn) && s.urgency === c.urgency && s.time === c.time) return ord;
  }
  return -1;
}

/** `signals`: the cycle's own signals, in journal order (the same list must be given to decode). */
export function encodeAggregate(a: Aggregate, signals: readonly Signal[]): string {
  if (!isKnownShape(a)) return JSON.stringify(a);
  const byKey = new Map<string, number[]>();
  for (let ord = 0; ord < signals.length; ord++) {
    const s = signals[ord]!;
    const key = `${s.alpha}\u0000${s.instrument}`;
    const list = byKey.get(key);
    if (list) list.push(ord);
    else byKey.set(key, [ord]);
  }
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
      t.contributions.map((c): ContributionRow => {
        const ord = sourceOf(c, byKey.get(`${c.alpha}\u0000${t.instrument}`), signals);
        return ord >= 0
          ? [ord, c.alphaWeight, c.share, c.contribution]
          : [c.alpha, c.kind, c.value, c.conviction, c.alphaWeight, c.share, c.contribution, c.expectedReturn, c.urgency, c.time];
      }),
    ]),
  ];
  return JSON.stringify(row);
}

function decodeContribution(r: ContributionRow, signals: readonly Signal[]): Contribution {
  if (r.length === 4) {
    const [ord, alphaWeight, share, contribution] = r;
    const s = signals[ord];
    if (!s) throw new RangeError(`aggregate refers to signal ${ord + 1} of a cycle with ${signals.length}`);
    return { alpha: s.alpha, kind: s.kind, value: s.value, conviction: s.conviction, alphaWeight, share, contribution, expectedReturn: s.expectedReturn, urgency: s.urgency, time: s.time };
  }
  const [alpha, kind, value, conviction, alphaWeight, share, contribution, expectedReturn, urgency, time] = r;
  return { alpha, kind, value, conviction, alphaWeight, share, contribution, expectedReturn, urgency, time };
}

/** `signals`: the cycle's signals in journal order, as given to encodeAggregate. */
export function decodeAggregate(text: string, signals: readonly Signal[]): Aggregate {
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
      contributions: contributions.map((c) => decodeContribution(c, signals)),
    })),
    cash,
  };
}
