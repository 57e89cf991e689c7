/** The portfolio-construction settings in memory (backtests, tests): nothing survives the session (SqlitePortfolioSettingsStore keeps them). */
export class MemoryPortfolioSettingsStore {
  #v: string | undefined;
  #last: number | null = null;
  load(): unknown {
    return this.#v === undefined ? undefined : (JSON.parse(this.#v) as unknown);
  }
  save(settings: unknown): void {
    this.#v = JSON.stringify(settings);
  }
  lastRebalanceAt(): number | null {
    return this.#last;
  }
  saveLastRebalanceAt(t: number): void {
    this.#last = t;
  }
}
