import type { Page } from '@playwright/test';

/**
 * Lets a test cut the terminal's WebSocket and keep the engine unreachable for a while, then
 * restore it; the far end is the real engine throughout.
 *
 * It works inside the page: an init script wraps the browser's WebSocket so that `cut()` closes
 * every live socket and, until `restore()`, new ones are pointed at a path the engine refuses (the browser
 * sees the connection refused, as when the engine is down). An earlier version relayed every frame
 * through Playwright's WebSocket routing; under load that relay backed up and then refused new
 * sockets for good, so the terminal could never reconnect and the tests failed for the harness's
 * sake, not the product's.
 */
export class CuttableSocket {
  private readonly page: Page;

  private constructor(page: Page) {
    this.page = page;
  }

  /** Installs the wrapper for the next navigation (call `page.reload()` after it). */
  static async install(page: Page): Promise<CuttableSocket> {
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const cut = { unreachable: false, live: [] as WebSocket[] };
      (window as unknown as { __strataCut: typeof cut }).__strataCut = cut;
      class Cuttable extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          // A path the engine does not serve: the upgrade is refused at once, as when the engine is
          // down. (Port 1 was used before; the page's CSP blocks it, and Chromium then leaves the
          // socket connecting without an event: the transport's connect timeout now covers that.)
          const target = cut.unreachable ? String(url).replace('/ws?', '/ws-unreachable?') : url;
          super(target, protocols);
          cut.live.push(this);
        }
      }
      window.WebSocket = Cuttable;
    });
    return new CuttableSocket(page);
  }

  /** Drops every live connection; new ones fail until restore(). */
  async cut(): Promise<void> {
    await this.page.evaluate(() => {
      const cut = (window as unknown as { __strataCut: { unreachable: boolean; live: WebSocket[] } }).__strataCut;
      cut.unreachable = true;
      for (const ws of cut.live.splice(0)) ws.close(4000, 'test: connection dropped');
    });
  }

  async restore(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __strataCut: { unreachable: boolean } }).__strataCut.unreachable = false;
    });
  }
}
