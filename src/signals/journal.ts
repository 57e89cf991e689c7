import type { Aggregate } from './aggregator.ts';
import type { AlphaConfig } from './registry.ts';
import type { JournaledSignal } from './signal.ts';

/**
 * The signal journal port: every cycle is written with the signals it produced (each with the
 * inputs behind it) and the combined targets with their attribution, so a proposal made from them
 * can always be explained later. src/store/sqlite/signal-journal.ts implements it on SQLite; the memory
 * implementation below serves backtests and tests.
 */

export interface AlphaFailure {
  alpha: string;
  code: string;
  message: string;
}

export interface CycleRecord {
  /** `C-<seq>`. */
  id: string;
  seq: number;
  at: number;
  /** Alphas that ran in this cycle (due or triggered), in order. */
  ran: string[];
  /** Alphas that threw or emitted an invalid signal; the cycle went on without them. */
  failed: AlphaFailure[];
  /** Signals generated in this cycle. */
  signals: JournaledSignal[];
  /** Combined targets over every standing signal of the enabled alphas. */
  aggregate: Aggregate;
}

export interface SignalQuery {
  alpha?: string;
  instrument?: string;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

export interface SignalJournalPort {
  /** The sequence number the next cycle gets (1 on an empty journal). */
  nextCycleSeq(): number;
  /** Writes a cycle and its signals atomically. */
  appendCycle(cycle: CycleRecord): void;
  /** Signals newest first. */
  signals(query?: SignalQuery): JournaledSignal[];
  /** Cycles newest first, at most `limit` (default 20). */
  cycles(limit?: number): CycleRecord[];
  lastCycle(): CycleRecord | undefined;
  /** The alpha registry's configuration as last saved; undefined if never saved (use the defaults). */
  loadAlphaConfig(): AlphaConfig[] | undefined;
  saveAlphaConfig(config: readonly AlphaConfig[]): void;
}

/** Freezes a cycle record all the way down: once journaled it is a fact, shared without copies. */
export function freezeCycle(c: CycleRecord): CycleRecord {
  deepFreeze(c);
  return c;
}

/**
 * Object.freeze all the way down. Arrays by index and records by for-in (a record here is plain
 * data: own enumerable keys only), not an Object.values array per object: an engine cycles every
 * simulated minute of a replay, and the copies were half of the freeze.
 */
function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) if (Object.hasOwn(o, k)) deepFreeze(o[k]);
}

/**
 * Keeps everything in memory (backtests, tests). Records are deep-frozen on append, so what a caller
 * gets back cannot change what was journaled, and reads need no copies.
 */
export class MemorySignalJournal implements SignalJournalPort {
  readonly #cycles: CycleRecord[] = [];
  #config: string | undefined;

  loadAlphaConfig(): AlphaConfig[] | undefined {
    return this.#config === undefined ? undefined : (JSON.parse(this.#config) as AlphaConfig[]);
  }

  saveAlphaConfig(config: readonly AlphaConfig[]): void {
    this.#config = JSON.stringify(config);
  }

  nextCycleSeq(): number {
    return (this.#cycles[this.#cycles.length - 1]?.seq ?? 0) + 1;
  }

  appendCycle(cycle: CycleRecord): void {
    const last = this.#cycles[this.#cycles.length - 1];
    if (last && cycle.seq <= last.seq) throw new RangeError(`cycle seq ${cycle.seq} is not after ${last.seq}`);
    this.#cycles.push(freezeCycle(structuredCloneIfNeeded(cycle)));
  }

  signals(query: SignalQuery = {}): JournaledSignal[] {
    const limit = query.limit ?? 100;
    const out: JournaledSignal[] = [];
    for (let i = this.#cycles.length - 1; i >= 0 && out.length < limit; i--) {
      const sigs = this.#cycles[i]!.signals;
      for (let j = sigs.length - 1; j >= 0 && out.length < limit; j--) {
        const s = sigs[j]!;
        if ((query.alpha === undefined || s.alpha === query.alpha) && (query.instrument === undefined || s.instrument === query.instrument)) out.push(s);
      }
    }
    return out;
  }

  cycles(limit = 20): CycleRecord[] {
    return this.#cycles.slice(-limit).reverse();
  }

  lastCycle(): CycleRecord | undefined {
    return this.#cycles[this.#cycles.length - 1];
  }
}

/** A record the cycle froze is stored as is; anything else is copied first so the caller keeps its own. */
function structuredCloneIfNeeded(c: CycleRecord): CycleRecord {
  return Object.isFrozen(c) ? c : structuredClone(c);
}
