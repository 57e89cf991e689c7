/**
 * Synchronous, deterministic event bus. An event published while another is being dispatched is
 * queued and delivered after it (FIFO), so handlers never see events out of causal order and
 * recursion depth stays flat.
 */
export type Handler<T> = (payload: T) => void;

export class EventBus<E extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof E, Handler<never>[]>();
  private readonly anyHandlers: ((type: keyof E, payload: E[keyof E]) => void)[] = [];
  private readonly queueTypes: (keyof E)[] = [];
  private readonly queuePayloads: unknown[] = [];
  private head = 0;
  private dispatching = false;
  onError: (err: unknown, type: keyof E) => void = (err) => {
    throw err;
  };

  on<K extends keyof E>(type: K, h: Handler<E[K]>): () => void {
    let list = this.handlers.get(type);
    if (!list) {
      list = [];
      this.handlers.set(type, list);
    }
    list.push(h as Handler<never>);
    return () => {
      const l = this.handlers.get(type);
      if (l) this.handlers.set(type, l.filter((x) => x !== h));
    };
  }

  onAny(h: (type: keyof E, payload: E[keyof E]) => void): () => void {
    this.anyHandlers.push(h);
    return () => {
      const i = this.anyHandlers.indexOf(h);
      if (i >= 0) this.anyHandlers.splice(i, 1);
    };
  }

  /**
   * Whether anyone listens to `type` (its own handlers or catch-all ones). A producer asks before
   * building a payload: with no subscriber (a backtest, a benchmark) no DTO is built at all.
   */
  wants(type: keyof E): boolean {
    if (this.anyHandlers.length > 0) return true;
    const list = this.handlers.get(type);
    return list !== undefined && list.length > 0;
  }

  publish<K extends keyof E>(type: K, payload: E[K]): void {
    if (this.dispatching) {
      this.queueTypes.push(type);
      this.queuePayloads.push(payload);
      return;
    }
    // Not dispatching, so it would be delivered now, to the handlers there are now: with none, there
    // is nothing to do. Otherwise it goes out directly and only events it causes use the queue, which
    // is not touched (its arrays not reallocated) on the common path of a backtest or a benchmark.
    if (this.anyHandlers.length === 0) {
      const list = this.handlers.get(type);
      if (list === undefined || list.length === 0) return;
    }
    this.dispatching = true;
    try {
      this.deliver(type, payload as E[keyof E]);
      while (this.head < this.queueTypes.length) {
        const t = this.queueTypes[this.head]!;
        const p = this.queuePayloads[this.head];
        this.head++;
        this.deliver(t, p as E[keyof E]);
      }
    } finally {
      if (this.queueTypes.length > 0) {
        this.queueTypes.length = 0;
        this.queuePayloads.length = 0;
      }
      this.head = 0;
      this.dispatching = false;
    }
  }

  private deliver(type: keyof E, payload: E[keyof E]): void {
    const list = this.handlers.get(type);
    if (list) {
      for (let i = 0; i < list.length; i++) {
        try {
          (list[i] as Handler<E[keyof E]>)(payload);
        } catch (err) {
          this.onError(err, type);
        }
      }
    }
    for (let i = 0; i < this.anyHandlers.length; i++) {
      try {
        this.anyHandlers[i]!(type, payload);
      } catch (err) {
        this.onError(err, type);
      }
    }
  }
}
