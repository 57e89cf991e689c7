import type { SymbolExposure } from './projected-state.ts';

/**
 * The two read-only maps projected states are made of (split from projected-state.ts for size):
 * neither copies the map it derives from.
 */

/**
 * A map equal to `base` with `key` set to `value` (in place when `base` has the key, else last),
 * without copying `base`. The state maps are never written after they are built.
 */
export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private readonly base: ReadonlyMap<K, V>;
  private readonly key: K;
  private readonly value: V;

  constructor(base: ReadonlyMap<K, V>, key: K, value: V) {
    this.base = base;
    this.key = key;
    this.value = value;
  }

  get size(): number {
    return this.base.has(this.key) ? this.base.size : this.base.size + 1;
  }

  get(k: K): V | undefined {
    return k === this.key ? this.value : this.base.get(k);
  }

  has(k: K): boolean {
    return k === this.key || this.base.has(k);
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[K, V]> {
    let seen = false;
    for (const [k, v] of this.base.entries()) {
      if (k === this.key) {
        seen = true;
        yield [k, this.value];
      } else yield [k, v];
    }
    if (!seen) yield [this.key, this.value];
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/**
 * The cache's symbols map: exposures in a fixed symbol order, looked up through an index shared by
 * every state of that order. A revaluation copies the array (pointers), not a map.
 */
export class OrderedExposures implements ReadonlyMap<string, SymbolExposure> {
  private readonly order: readonly string[];
  private readonly indexOf: ReadonlyMap<string, number>;
  private readonly exposures: readonly SymbolExposure[];

  constructor(order: readonly string[], indexOf: ReadonlyMap<string, number>, exposures: readonly SymbolExposure[]) {
    this.order = order;
    this.indexOf = indexOf;
    this.exposures = exposures;
  }

  get size(): number {
    return this.order.length;
  }

  get(k: string): SymbolExposure | undefined {
    const i = this.indexOf.get(k);
    return i === undefined ? undefined : this.exposures[i];
  }

  has(k: string): boolean {
    return this.indexOf.has(k);
  }

  forEach(fn: (value: SymbolExposure, key: string, map: ReadonlyMap<string, SymbolExposure>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.order.length; i++) fn.call(thisArg, this.exposures[i]!, this.order[i]!, this);
  }

  *entries(): MapIterator<[string, SymbolExposure]> {
    for (let i = 0; i < this.order.length; i++) yield [this.order[i]!, this.exposures[i]!];
  }

  *keys(): MapIterator<string> {
    yield* this.order;
  }

  *values(): MapIterator<SymbolExposure> {
    yield* this.exposures;
  }

  [Symbol.iterator](): MapIterator<[string, SymbolExposure]> {
    return this.entries();
  }
}
