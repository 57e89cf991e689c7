/**
 * The exposure version L1 caches its projected state against, with the symbol each step changed,
 * so that after a burst of order updates and fills L1 reads back only those symbols. A step that
 * cannot name its symbol (the once-a-second backstop) stands for every symbol.
 */

/** Steps remembered; a reader further behind than this is told 'all'. */
const REMEMBERED = 64;

export class ExposureLog {
  private v = 0;
  /** The symbol step k changed is at k % REMEMBERED; null: any symbol. */
  private readonly steps: (string | null)[] = new Array<string | null>(REMEMBERED).fill(null);

  get version(): number {
    return this.v;
  }

  /** A position, cash, working order or parent of `symbol` changed. */
  changed(symbol: string): void {
    this.v++;
    this.steps[this.v % REMEMBERED] = symbol;
  }

  /** Anything may have changed. */
  changedAll(): void {
    this.v++;
    this.steps[this.v % REMEMBERED] = null;
  }

  /**
   * The list changedSince hands out, rewritten by the next call: L1 asks once per order checked
   * (the version moves with every order) and walks the answer at once, keeping none of it.
   */
  private readonly named: string[] = [];

  /** The symbols changed since the version was `since`; 'all' when unknown or too far back. Read it at once: the next call rewrites the list. */
  changedSince(since: unknown): readonly string[] | 'all' {
    if (typeof since !== 'number' || !Number.isInteger(since) || since > this.v || this.v - since > REMEMBERED) return 'all';
    const out = this.named;
    // Written by index and cut to length at the end: emptying the list (length = 0) drops its
    // storage, and the next push would allocate it again.
    let n = 0;
    for (let k = since + 1; k <= this.v; k++) {
      const s = this.steps[k % REMEMBERED]!;
      if (s === null) return 'all';
      let seen = false;
      for (let i = 0; i < n && !seen; i++) seen = out[i] === s;
      if (seen) continue;
      if (n < out.length) out[n] = s;
      else out.push(s);
      n++;
    }
    if (out.length !== n) out.length = n;
    return out;
  }
}
