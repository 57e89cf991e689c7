import type { Page, WebSocketRoute } from '@playwright/test';

/**
 * The terminal's WebSocket routed through Playwright so a test can cut it and keep the engine
 * unreachable for a while; the far end is the real engine. Every frame the engine sends crosses the
 * test runner, and the market data stream (books, trades, candles: well over a hundred frames a
 * second) can back the runner up until new sockets stop being routed at all. Those frames are not
 * relayed: the tests that cut the connection are about requests, responses and state events.
 */
const NOT_RELAYED = /^\{"t":"evt","event":"(book|trade|candle)"/;

export class CuttableSocket {
  private unreachable = false;
  private readonly live: WebSocketRoute[] = [];

  private constructor() {}

  static async install(page: Page): Promise<CuttableSocket> {
    const s = new CuttableSocket();
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      if (s.unreachable) {
        void ws.close({ code: 4000, reason: 'test: engine unreachable' });
        return;
      }
      const server = ws.connectToServer();
      server.onMessage((m) => {
        if (typeof m === 'string' && NOT_RELAYED.test(m)) return;
        ws.send(m);
      });
      s.live.push(ws);
    });
    return s;
  }

  /** Drops every live connection; new ones are refused until restore(). */
  async cut(): Promise<void> {
    this.unreachable = true;
    for (const ws of this.live.splice(0)) await ws.close({ code: 1001, reason: 'test: connection dropped' });
  }

  restore(): void {
    this.unreachable = false;
  }
}
