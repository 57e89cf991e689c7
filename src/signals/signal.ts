import type { Urgency } from '../contract/dto.ts';

/**
 * A signal is intent, not execution: "hold this much of X" (a target weight, the default) or "move X
 * by this much" (a delta), with how urgently, for how long, from which alpha and how sure it is.
 * Execution details (algo, slicing, venue) belong to L3; limits belong to L1. Signals are plain JSON
 * so they can be journaled and sent over the contract unchanged.
 */

/** The instrument name a strategic allocation uses for the cash sleeve. */
export const CASH = 'CASH';

export type SignalKind = 'target' | 'delta';

/** What produced a signal: the figures the alpha looked at, kept so a proposal can be explained later. */
export type SignalInput = number | string | boolean | null | readonly number[];
export type SignalInputs = Readonly<Record<string, SignalInput>>;

export interface Signal {
  /** Symbol, or CASH for the cash sleeve of an allocation. */
  instrument: string;
  /** 'target': `value` is the weight of NAV to hold; 'delta': `value` is the weight to add (negative: remove). */
  kind: SignalKind;
  value: number;
  urgency: Urgency;
  /**
   * How long the intent stands, in ms from `time`; null: until the same alpha says otherwise for
   * this instrument (an event-mode crossing holds until the opposite crossing).
   */
  horizonMs: number | null;
  /** Name of the alpha that emitted it. */
  alpha: string;
  /** 0–1: how sure the alpha is. The aggregator scales the alpha's intent by it. */
  conviction: number;
  /** Expected return over the horizon as a fraction (0.004 = 0.4%), when the alpha models one. */
  expectedReturn: number | null;
  /** Engine time (epoch ms) of the view the signal was generated from. */
  time: number;
  inputs: SignalInputs;
}

/** A signal as the journal keeps it: with its id and the cycle that produced it. */
export interface JournaledSignal extends Signal {
  id: string;
  cycleId: string;
}

/** True while the signal's intent stands at `now`. */
export function signalStands(s: Signal, now: number): boolean {
  return s.horizonMs === null || now < s.time + s.horizonMs;
}

export function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}
