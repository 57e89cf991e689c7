import type { BacktestFill } from './types.ts';

/**
 * A run's fills kept in columns (typed arrays, grown by doubling) while the bar loop runs, and made
 * into BacktestFill objects once, for the result. A 1M-bar run makes ~17k fills: as objects each
 * was ~180 bytes of old-space heap (the object and five boxed doubles) that every major GC of the
 * run marked again; as columns they are 45 bytes of flat memory no GC walks. The objects built at
 * the end carry the same numbers, so a result is bit for bit what it was.
 */
export class FillColumns {
  private n = 0;
  private bar = new Int32Array(16);
  private time = new Float64Array(16);
  /** 1: buy, 0: sell. */
  private buy = new Uint8Array(16);
  private qty = new Float64Array(16);
  private price = new Float64Array(16);
  private fee = new Float64Array(16);
  private spread = new Float64Array(16);
  private impact = new Float64Array(16);
  /** Index into `reasons`: a strategy names a handful ('entry', 'exit', 'rebalance'). */
  private reason = new Uint16Array(16);
  private readonly reasons: string[] = [];
  private readonly instrument: string;

  constructor(instrument: string) {
    this.instrument = instrument;
  }

  get length(): number {
    return this.n;
  }

  push(bar: number, time: number, side: 'buy' | 'sell', qty: number, price: number, fee: number, spreadCost: number, impactCost: number, reason: string): void {
    if (this.n === this.bar.length) this.grow();
    const i = this.n++;
    this.bar[i] = bar;
    this.time[i] = time;
    this.buy[i] = side === 'buy' ? 1 : 0;
    this.qty[i] = qty;
    this.price[i] = price;
    this.fee[i] = fee;
    this.spread[i] = spreadCost;
    this.impact[i] = impactCost;
    this.reason[i] = this.reasonIndex(reason);
  }

  /** The fills as the result's objects, in the order they were made. */
  toArray(): BacktestFill[] {
    const out: BacktestFill[] = new Array<BacktestFill>(this.n);
    for (let i = 0; i < this.n; i++) {
      out[i] = { bar: this.bar[i]!, time: this.time[i]!, instrument: this.instrument, side: this.buy[i] === 1 ? 'buy' : 'sell', qty: this.qty[i]!, price: this.price[i]!, fee: this.fee[i]!, spreadCost: this.spread[i]!, impactCost: this.impact[i]!, reason: this.reasons[this.reason[i]!]! };
    }
    return out;
  }

  private reasonIndex(reason: string): number {
    const r = this.reasons;
    for (let k = 0; k < r.length; k++) if (r[k] === reason) return k;
    if (r.length === 0xffff) throw new RangeError('a run names at most 65,535 distinct fill reasons');
    r.push(reason);
    return r.length - 1;
  }

  private grow(): void {
    const cap = this.bar.length * 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.bar = widen(this.bar, (k) => new Int32Array(k));
    this.time = widen(this.time, (k) => new Float64Array(k));
    this.buy = widen(this.buy, (k) => new Uint8Array(k));
    this.qty = widen(this.qty, (k) => new Float64Array(k));
    this.price = widen(this.price, (k) => new Float64Array(k));
    this.fee = widen(this.fee, (k) => new Float64Array(k));
    this.spread = widen(this.spread, (k) => new Float64Array(k));
    this.impact = widen(this.impact, (k) => new Float64Array(k));
    this.reason = widen(this.reason, (k) => new Uint16Array(k));
  }
}
