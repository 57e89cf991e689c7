import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONNECT_TIMEOUT_MS, connect } from '../../../../renderer/src/app/transport.ts';
import type { ConnectionHandlers } from '../../../../renderer/src/app/transport.ts';

/** A browser WebSocket whose fate the test decides: open, fail, or never answer. */
class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  closed = false;
  readonly url: string;
  constructor(url: string) {
    super();
    this.url = url;
    FakeSocket.all.push(this);
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  send(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.readyState = FakeSocket.CLOSED;
    // The browser reports the end asynchronously, as it does for a real socket.
    queueMicrotask(() => this.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason: '' })));
  }
}

function handlers(): ConnectionHandlers & { phases: string[]; ups: number } {
  const h = {
    phases: [] as string[],
    ups: 0,
    onState: (s: { phase: string }) => h.phases.push(s.phase),
    onUp: () => {
      h.ups++;
    },
    onDown: () => undefined,
  };
  return h as unknown as ConnectionHandlers & { phases: string[]; ups: number };
}

describe('WebSocket transport', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    const storage = new Map<string, string>();
    vi.stubGlobal('window', {
      location: { href: 'http://127.0.0.1:5000/?token=t0k', protocol: 'http:', host: '127.0.0.1:5000' },
      history: { state: null, replaceState: () => undefined },
      sessionStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) },
    });
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('fetch', () => Promise.resolve({ ok: true }));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('when a connection attempt never opens nor fails then it is abandoned after the connect timeout and a new attempt connects', async () => {
    const h = handlers();
    const c = connect(h);
    expect(FakeSocket.all).toHaveLength(1);
    // The first attempt hangs (a blackholed network; a connection the browser blocks silently).
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS + 1);
    expect(FakeSocket.all[0]!.closed).toBe(true);
    expect(h.phases).toContain('reconnecting');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(FakeSocket.all.length).toBeGreaterThanOrEqual(2);
    FakeSocket.all.at(-1)!.open();
    expect(h.phases.at(-1)).toBe('open');
    expect(h.ups).toBe(1);
    c.close();
  });

  it('when "Retry now" is pressed during a hanging attempt then that attempt is given up and a fresh one starts at once', async () => {
    const h = handlers();
    const c = connect(h);
    const hanging = FakeSocket.all[0]!;
    c.retryNow();
    expect(hanging.closed).toBe(true);
    expect(FakeSocket.all).toHaveLength(2);
    // The abandoned socket's late close does not schedule another attempt or report a drop.
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.all[1]!.open();
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS * 2);
    expect(FakeSocket.all).toHaveLength(2);
    expect(h.phases.at(-1)).toBe('open');
    c.close();
  });
});
