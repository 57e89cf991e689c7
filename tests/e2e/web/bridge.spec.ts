import { TerminalPage } from '../pages/terminal-page.ts';
import { expect, test } from '../fixtures.ts';

/**
 * The renderer's other transport: inside Electron it talks through `window.strata` (send /
 * onMessage). Here that bridge is a thin shim over the real engine's WebSocket, installed before
 * the page's scripts run, so the IPC code path is exercised against the real engine.
 */
test('with window.strata present the terminal trades through the bridge', async ({ page, engine }) => {
  await page.addInitScript(
    ({ port, token }) => {
      const listeners = new Set<(frame: string) => void>();
      const queue: string[] = [];
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`);
      ws.addEventListener('open', () => {
        for (const f of queue.splice(0)) ws.send(f);
      });
      ws.addEventListener('message', (ev) => {
        for (const l of listeners) l(String(ev.data));
      });
      const w = window as unknown as { strata: unknown; __bridgeSends: number };
      w.__bridgeSends = 0;
      w.strata = {
        send(frame: string) {
          w.__bridgeSends++;
          if (ws.readyState === WebSocket.OPEN) ws.send(frame);
          else queue.push(frame);
        },
        onMessage(cb: (frame: string) => void) {
          listeners.add(cb);
          return () => listeners.delete(cb);
        },
      };
    },
    { port: engine.port, token: engine.token },
  );

  const terminal = new TerminalPage(page);
  // No token in the URL: the bridge needs none.
  await page.goto(`http://127.0.0.1:${engine.port}/`);
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected (IPC)');
  await expect.poll(async () => (await terminal.quote('SPY')).bid).toBeGreaterThan(0);

  const id = await terminal.ticket.place({ symbol: 'SPY', side: 'Buy', quantity: '3', type: 'Market' });
  await expect(terminal.ticket.status).toContainText('FILLED');
  await expect(await terminal.blotter.orders.cell(id, 'Status')).toHaveText(/FILLED/);
  await expect.poll(async () => Number(await terminal.positions.cellText('SPY', 'Qty'))).toBe(3);
  expect(await page.evaluate(() => (window as unknown as { __bridgeSends: number }).__bridgeSends)).toBeGreaterThan(5);
});
