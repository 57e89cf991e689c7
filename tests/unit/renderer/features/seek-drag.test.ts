import { describe, expect, it } from 'vitest';
import { SeekDrag } from '../../../../renderer/src/features/replay/seek-drag.ts';

/** Timers the test fires by hand: the settle delay is a step of the test, not a wait. */
function manualTimers() {
  const due = new Map<number, () => void>();
  let next = 1;
  return {
    timers: {
      set: (fn: () => void) => {
        due.set(next, fn);
        return next++;
      },
      clear: (h: unknown) => void due.delete(h as number),
    },
    fire: () => {
      const fns = [...due.values()];
      due.clear();
      for (const f of fns) f();
    },
    pending: () => due.size,
  };
}

/** A seek the test answers: resolve(true) once "the engine's state is applied", or false (refused). */
function engineSeeks() {
  const calls: { time: number; answer: (ok: boolean) => void }[] = [];
  const seek = (time: number) => new Promise<boolean>((resolve) => calls.push({ time, answer: resolve }));
  return { seek, calls };
}

const START = 1_570_752_000_000;
const END = START + 59 * 3_600_000;
const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('ReplayBar slider (SeekDrag, issue 12)', () => {
  it('when the slider is dragged to the end then it shows the dragged value while the seek runs, its progress from the pushed position, and the engine at the target on success', async () => {
    // Arrange
    const t = manualTimers();
    const e = engineSeeks();
    let changes = 0;
    const d = new SeekDrag(e.seek, () => changes++, { timers: t.timers });
    const from = START + 11_000;
    // Act: the hand moves twice, then rests.
    d.slide(START + 3_600_000, from);
    d.slide(END, from);
    expect(d.shown(from)).toBe(END);
    expect(e.calls).toEqual([]);
    t.fire();
    // Assert: one seek, to where the hand rested.
    expect(e.calls.map((c) => c.time)).toEqual([END]);
    expect(d.seeking).toBe(true);
    // The engine pushes its progress: the slider stays where the operator put it.
    const halfway = from + (END - from) / 2;
    expect(d.shown(halfway)).toBe(END);
    expect(d.progress(halfway, START)).toBeCloseTo(0.5, 6);
    // Success: the engine's reply (applied before the seek resolves) is at the target.
    e.calls[0]?.answer(true);
    await flush();
    expect(d.seeking).toBe(false);
    expect(d.shown(END)).toBe(END);
    expect(d.progress(END, START)).toBeNull();
    expect(changes).toBeGreaterThan(0);
  });

  it('when the slider moves again while a seek runs then the newer value stays shown after the first seek answers, until its own seek does', async () => {
    const t = manualTimers();
    const e = engineSeeks();
    const d = new SeekDrag(e.seek, () => undefined, { timers: t.timers });
    d.slide(END, START);
    t.fire();
    d.slide(START + 7_200_000, START + 1000);
    e.calls[0]?.answer(true);
    await flush();
    expect(d.shown(END)).toBe(START + 7_200_000);
    t.fire();
    expect(e.calls.map((c) => c.time)).toEqual([END, START + 7_200_000]);
    e.calls[1]?.answer(true);
    await flush();
    expect(d.shown(START + 7_200_000)).toBe(START + 7_200_000);
  });

  it('when a seek back runs then its progress counts from the start (the engine rebuilds), and a refused seek shows the engine where it is', async () => {
    const t = manualTimers();
    const e = engineSeeks();
    const d = new SeekDrag(e.seek, () => undefined, { timers: t.timers });
    const at = START + 10 * 3_600_000;
    d.slide(START + 4 * 3_600_000, at);
    t.fire();
    expect(d.progress(START + 1 * 3_600_000, START)).toBeCloseTo(0.25, 6);
    e.calls[0]?.answer(false);
    await flush();
    expect(d.shown(at)).toBe(at);
    expect(d.seeking).toBe(false);
    d.dispose();
    expect(t.pending()).toBe(0);
  });
});
