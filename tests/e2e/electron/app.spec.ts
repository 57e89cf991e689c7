import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { hasDisplay, probeElectron } from '../../../scripts/start.ts';

/**
 * The packaged-shape desktop app end to end: electron-vite build output launched by the real
 * Electron binary. Skips itself (with the reason) where no binary or no display exists.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const lookup = probeElectron();
const display = hasDisplay(process.platform, process.env);
const skipReason = !lookup.ok ? `Electron binary is missing: ${lookup.reason}` : !display ? 'no display for Electron (DISPLAY/WAYLAND_DISPLAY unset)' : '';

test.skip(skipReason !== '', skipReason);

interface Bridge {
  send(frame: unknown): void;
  onMessage(cb: (frame: string) => void): () => void;
}

test.describe.configure({ mode: 'serial' });

/** The test's environment for the app, minus ELECTRON_RUN_AS_NODE (which would make it plain Node). */
function launchEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
  env.STRATA_DATA_DIR = dataDir;
  return env;
}

let app: ElectronApplication;
let page: Page;
let dataDir = '';

test.beforeAll(async () => {
  if (!lookup.ok) return;
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  expect(build.status, 'electron-vite build').toBe(0);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-electron-e2e-'));
  // Chromium refuses its sandbox as root (CI containers); everything else stays as shipped.
  const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  app = await electron.launch({
    executablePath: lookup.binary,
    args: [ROOT, ...rootArgs, '--data-dir', dataDir, '--seed', '7'],
    env: launchEnv(),
    timeout: 30_000,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the window shows the app from app://strata with the UI rendered', async () => {
  expect(page.url()).toBe('app://strata/index.html');
  await expect(page).toHaveTitle(/Strata/);
  await expect(page.locator('#root')).not.toBeEmpty();
});

test('the renderer sees one narrow bridge and no Node', async () => {
  const shape = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown> & { strata: Bridge };
    let rejected = '';
    try {
      w.strata.send(42);
    } catch (err) {
      rejected = err instanceof Error ? err.message : String(err);
    }
    return { keys: Object.keys(w.strata).sort(), require: typeof w.require, process: typeof w.process, rejected };
  });
  expect(shape.keys).toEqual(['onMessage', 'send']);
  expect(shape.require).toBe('undefined');
  expect(shape.process).toBe('undefined');
  expect(shape.rejected).toMatch(/must be a string/);
});

test('a request frame goes to the engine process and its reply comes back', async () => {
  const reply = await page.evaluate(
    () =>
      new Promise<{ t: string; id: number; ok: boolean; result?: { version?: unknown } }>((resolve) => {
        const bridge = (window as unknown as { strata: Bridge }).strata;
        const off = bridge.onMessage((frame) => {
          const msg = JSON.parse(frame) as { t: string; id: number; ok: boolean };
          if (msg.t === 'res' && msg.id === 900001) {
            off();
            resolve(msg);
          }
        });
        bridge.send(JSON.stringify({ t: 'req', id: 900001, method: 'session.info', params: {} }));
      }),
  );
  expect(reply.ok).toBe(true);
  expect(typeof reply.result?.version).toBe('string');
});

test('eval is blocked by the CSP', async () => {
  const result = await page.evaluate(() => {
    try {
      return String((0, eval)('1 + 1'));
    } catch {
      return 'blocked';
    }
  });
  expect(result).toBe('blocked');
});

test('navigation away and new windows are refused', async () => {
  const opened = await page.evaluate(() => window.open('file:///etc/hostname') === null);
  expect(opened).toBe(true);
  // Wait on the main process's own will-navigate (the app's handler, registered first, refuses it)
  // rather than on wall time: once it has run, a navigation that was let through would be under way.
  const attempted = app.evaluate(
    ({ BrowserWindow }) =>
      new Promise<string>((resolve) => {
        BrowserWindow.getAllWindows()[0]!.webContents.once('will-navigate', (_event, url) => setImmediate(() => resolve(url)));
      }),
  );
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  expect(await attempted).toBe('https://example.com/');
  expect(page.url()).toBe('app://strata/index.html');
  expect(app.windows()).toHaveLength(1);
});

test('the engine runs outside the main process', async () => {
  const mainPid = await app.evaluate(() => process.pid);
  const metrics = await app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().map((m) => ({ pid: m.pid, type: m.type, name: m.name ?? '' })));
  const utility = metrics.filter((m) => m.type === 'Utility' && /Strata Engine/.test(m.name));
  expect(utility).toHaveLength(1);
  expect(utility[0]?.pid).not.toBe(mainPid);
});
