import { aggregate } from './aggregator.ts';
import type { Aggregate, AlphaSignals } from './aggregator.ts';
import type { Alpha } from './alpha.ts';
import { isDue } from './alpha.ts';
import { SignalError } from './errors.ts';
import { freezeCycle } from './journal.ts';
import type { AlphaFailure, CycleRecord, SignalJournalPort } from './journal.ts';
import type { AlphaRegistry } from './registry.ts';
import { signalStands } from './signal.ts';
import type { JournaledSignal, Signal } from './signal.ts';
import type { AlphaView } from './view.ts';

/** A cycle's id from its journal sequence number. */
export function cycleIdOf(seq: number): string {
  return `C-${seq}`;
}

/**
 * One signal cycle: run the enabled alphas that are due (by cadence, or triggered), keep each one's
 * standing intent per instrument, aggregate, journal. Called by the engine on its clock (after a bar
 * closes, or on a timer); a backtest calls it bar by bar on the same view type.
 *
 * Standing intent: a target stands until the same alpha restates that instrument or its horizon
 * ends; a delta counts only in the cycle that emitted it. A disabled alpha's intent is dropped. An
 * alpha that throws, or emits a malformed signal, is reported in `failed` and the cycle carries on
 * with the others (its previous intent stands).
 */
export class SignalCycle {
  readonly #registry: AlphaRegistry;
  readonly #view: AlphaView;
  readonly #journal: SignalJournalPort;
  /** alpha name → instrument → standing target signal. */
  readonly #standing = new Map<string, Map<string, Signal>>();
  /** alpha name → (instance that ran, when). A rebuilt instance (new params) is due at once. */
  readonly #lastRun = new Map<string, { alpha: Alpha; at: number }>();
  /**
   * The last run, when a repeat could stand for the next one: no alpha failed, none emitted a delta
   * (a delta counts only in its own cycle) and none ran by cadence (whether it would have been
   * triggered too is unknown); the alphas that ran (triggered) and the instruments each restated.
   */
  #repeatable: { version: number; ran: { alpha: Alpha; instruments: string[] }[] } | undefined;

  constructor(registry: AlphaRegistry, view: AlphaView, journal: SignalJournalPort) {
    this.#registry = registry;
    this.#view = view;
    this.#journal = journal;
  }

  run(): CycleRecord {
    const at = this.#view.now();
    const seq = this.#journal.nextCycleSeq();
    const id = cycleIdOf(seq);
    const ran: string[] = [];
    const failed: AlphaFailure[] = [];
    const signals: JournaledSignal[] = [];
    const deltas = new Map<string, Signal[]>();
    const enabled = this.#registry.enabled();
    const restated: { alpha: Alpha; instruments: string[] }[] = [];
    let repeatable = true;
    const enabledNames = new Set(enabled.map((a) => a.name));
    for (const name of [...this.#standing.keys()]) if (!enabledNames.has(name)) this.#standing.delete(name);

    for (const alpha of enabled) {
      const last = this.#lastRun.get(alpha.name);
      const lastAt = last && last.alpha === alpha ? last.at : undefined;
      let byCadence = false;
      let emitted: Signal[];
      try {
        byCadence = isDue(alpha.params.cadence, lastAt, at);
        if (!byCadence && !(alpha.triggered?.(this.#view) ?? false)) continue;
        emitted = alpha.generate(this.#view);
        for (const s of emitted) checkSignal(alpha.name, s, at);
      } catch (err) {
        failed.push({ alpha: alpha.name, code: err instanceof SignalError ? err.code : 'ALPHA_FAILED', message: err instanceof Error ? err.message : String(err) });
        repeatable = false;
        continue;
      }
      if (byCadence || emitted.some((s) => s.kind !== 'target')) repeatable = false;
      restated.push({ alpha, instruments: emitted.map((s) => s.instrument) });
      ran.push(alpha.name);
      this.#lastRun.set(alpha.name, { alpha, at });
      let standing = this.#standing.get(alpha.name);
      if (!standing) {
        standing = new Map();
        this.#standing.set(alpha.name, standing);
      }
      for (const s of emitted) {
        signals.push({ ...s, id: `${id}-${signals.length + 1}`, cycleId: id });
        if (s.kind === 'target') standing.set(s.instrument, s);
        else deltas.set(alpha.name, [...(deltas.get(alpha.name) ?? []), s]);
      }
    }

    const inputs: AlphaSignals[] = enabled.map((alpha) => {
      const standing = this.#standing.get(alpha.name);
      const live: Signal[] = [];
      if (standing) {
        for (const [instrument, s] of standing) {
          if (signalStands(s, at)) live.push(s);
          else standing.delete(instrument);
        }
      }
      return { alpha: alpha.name, weight: alpha.params.weight, signals: [...live, ...(deltas.get(alpha.name) ?? [])] };
    });
    // Frozen: the record is journaled and returned, and neither reader may change the other's copy.
    const record = freezeCycle({ id, seq, at, ran, failed, signals, aggregate: aggregate(inputs, at) });
    this.#journal.appendCycle(record);
    this.#repeatable = repeatable ? { version: this.#registry.version, ran: restated } : undefined;
    return record;
  }

  /**
   * Whether a run now may be replaced by `repeat()`, given that the view's bars and weights are what
   * they were at the last run (the caller answers for those): the last run is repeatable, the
   * registry unchanged, every enabled alpha repeatable and not due by its cadence, and no standing
   * signal has a horizon (its expiry would change the aggregate). The alphas then decide as they
   * did, and those that ran restate the same signals, stamped now.
   */
  canRepeat(): boolean {
    const last = this.#repeatable;
    if (last === undefined || last.version !== this.#registry.version) return false;
    const at = this.#view.now();
    for (const alpha of this.#registry.enabled()) {
      const run = this.#lastRun.get(alpha.name);
      if (alpha.repeatable !== true || run === undefined || run.alpha !== alpha || isDue(alpha.params.cadence, run.at, at)) return false;
      for (const s of this.#standing.get(alpha.name)?.values() ?? []) if (s.horizonMs !== null) return false;
    }
    return true;
  }

  /**
   * A quiet cycle (see canRepeat): the state a run now would leave — the alphas that ran last time
   * ran now, their restated signals stand stamped now — without generating, aggregating or
   * journaling a record whose output is the last one's. Returns the alphas that ran.
   */
  repeat(): string[] {
    const at = this.#view.now();
    const names: string[] = [];
    for (const r of this.#repeatable?.ran ?? []) {
      this.#lastRun.set(r.alpha.name, { alpha: r.alpha, at });
      const standing = this.#standing.get(r.alpha.name);
      for (const i of r.instruments) {
        const s = standing?.get(i);
        if (s) standing!.set(i, { ...s, time: at });
      }
      names.push(r.alpha.name);
    }
    return names;
  }

  /** The combined targets over the standing intent now, without running any alpha. */
  current(): Aggregate {
    const at = this.#view.now();
    return aggregate(
      this.#registry.enabled().map((alpha) => ({
        alpha: alpha.name,
        weight: alpha.params.weight,
        signals: [...(this.#standing.get(alpha.name)?.values() ?? [])].filter((s) => signalStands(s, at)),
      })),
      at,
    );
  }
}

/** A malformed signal is the alpha's bug: refuse it rather than let it reach the aggregator. */
function checkSignal(alpha: string, s: Signal, now: number): void {
  const bad = (why: string): never => {
    throw new SignalError('BAD_INPUT', `${alpha} emitted an invalid signal for ${String(s.instrument)}: ${why}`);
  };
  if (s.alpha !== alpha) bad(`source alpha is ${s.alpha}`);
  if (typeof s.instrument !== 'string' || s.instrument === '') bad('no instrument');
  if (s.kind !== 'target' && s.kind !== 'delta') bad(`kind ${String(s.kind)}`);
  if (!Number.isFinite(s.value)) bad(`value ${s.value}`);
  if (!(s.conviction >= 0 && s.conviction <= 1)) bad(`conviction ${s.conviction} outside 0–1`);
  if (s.expectedReturn !== null && !Number.isFinite(s.expectedReturn)) bad(`expected return ${s.expectedReturn}`);
  if (s.horizonMs !== null && !(s.horizonMs > 0)) bad(`horizon ${s.horizonMs}`);
  if (s.time !== now) bad(`time ${s.time} is not the engine time ${now}`);
}
