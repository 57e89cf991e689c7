/**
 * The mean of the last `size` samples in a ring, with a running sum (re-summed exactly each time the
 * ring wraps, so rounding never accumulates past one window).
 */
export class RollingMean {
  private readonly ring: Float64Array;
  private head = 0;
  private sum = 0;
  count = 0;

  constructor(size: number) {
    this.ring = new Float64Array(size);
  }

  push(x: number): void {
    const size = this.ring.length;
    if (this.count === size) this.sum -= this.ring[this.head]!;
    else this.count++;
    this.ring[this.head] = x;
    this.sum += x;
    this.head = (this.head + 1) % size;
    if (this.head === 0) {
      let exact = 0;
      for (let i = 0; i < this.count; i++) exact += this.ring[i]!;
      this.sum = exact;
    }
  }

  mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }
}
