import type { BarSeries } from './series.ts';

/**
 * Several instruments on one clock: a k-way merge of their bar times. The clock holds every time
 * at which at least one instrument has a bar; for each instrument and clock step, `index` is the
 * instrument's bar at that time, or -1 when it has none (the caller decides whether to carry the
 * last bar forward; nothing is filled silently here). `last` is the instrument's latest bar at or
 * before the step (-1 before its first), which is what a strategy may see at that time.
 */
export interface AlignedClock {
  readonly time: Float64Array;
  readonly names: readonly string[];
  /** index[k][t]: bar of instrument k at clock step t, or -1. */
  readonly index: readonly Int32Array[];
  /** last[k][t]: latest bar of instrument k at or before step t, or -1. */
  readonly last: readonly Int32Array[];
}

/** A binary min-heap on (time, instrument) so ties merge in instrument order. */
class CursorHeap {
  private readonly heap: number[] = [];
  private readonly key: (k: number) => number;
  constructor(key: (k: number) => number) {
    this.key = key;
  }
  get size(): number {
    return this.heap.length;
  }
  private less(a: number, b: number): boolean {
    const ka = this.key(a);
    const kb = this.key(b);
    return ka < kb || (ka === kb && a < b);
  }
  push(k: number): void {
    const h = this.heap;
    h.push(k);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  peek(): number {
    return this.heap[0]!;
  }
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function alignBars(series: readonly { name: string; bars: BarSeries }[]): AlignedClock {
  const k = series.length;
  const cursor = new Int32Array(k);
  const heap = new CursorHeap((i) => series[i]!.bars.time[cursor[i]!]!);
  for (let i = 0; i < k; i++) if (series[i]!.bars.time.length > 0) heap.push(i);
  const times: number[] = [];
  const hits: number[][] = series.map(() => []);
  while (heap.size > 0) {
    const t = series[heap.peek()]!.bars.time[cursor[heap.peek()]!]!;
    const step = times.length;
    times.push(t);
    while (heap.size > 0 && series[heap.peek()]!.bars.time[cursor[heap.peek()]!]! === t) {
      const i = heap.pop();
      hits[i]!.push(step, cursor[i]!);
      cursor[i]!++;
      if (cursor[i]! < series[i]!.bars.time.length) heap.push(i);
    }
  }
  const n = times.length;
  const index = series.map(() => new Int32Array(n).fill(-1));
  const last = series.map(() => new Int32Array(n).fill(-1));
  for (let i = 0; i < k; i++) {
    const h = hits[i]!;
    for (let j = 0; j < h.length; j += 2) index[i]![h[j]!] = h[j + 1]!;
    let prev = -1;
    for (let t = 0; t < n; t++) {
      if (index[i]![t]! >= 0) prev = index[i]![t]!;
      last[i]![t] = prev;
    }
  }
  return { time: Float64Array.from(times), names: series.map((s) => s.name), index, last };
}
