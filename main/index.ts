/**
 * Electron main process: lifecycle, the single window, the app:// protocol, and the engine
 * utility process. The decisions live in small modules (security, app-protocol, config,
 * engine-supervisor); this file wires them to Electron.
 */
import { app, BrowserWindow, dialog, MessageChannelMain, Notification, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import type { MessagePortMain, WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAppProtocolHandler } from './app-protocol.ts';
import { engineArgs, engineEnv, parseAppArgs, resolveDataDir } from './config.ts';
import { createEngineSupervisor, describeEngineStatus } from './engine-supervisor.ts';
import type { ClientHandle, EngineStatus, EngineSupervisor } from './engine-supervisor.ts';
import { PORT_CHANNEL } from './messages.ts';
import { createVaultService } from './vault-protector.ts';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  decideWindowOpen,
  isAppUrl,
  isNavigationAllowed,
  isPermissionAllowed,
  windowOptions,
} from './security.ts';

/** out/main (this file's folder once built by electron-vite). */
const mainDir = import.meta.dirname;
export const paths = {
  preload: path.join(mainDir, '../preload/index.cjs'),
  renderer: path.join(mainDir, '../renderer'),
  engine: path.join(mainDir, 'engine-process.js'),
};

function log(message: string, err?: unknown): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : String(err);
  console.log(`[strata] ${message}${detail ? `: ${detail}` : ''}`);
}

/** Navigation, new windows and webviews, for every webContents the app ever creates. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternal) void shell.openExternal(decision.openExternal).catch((err: unknown) => log('openExternal failed', err));
    return { action: decision.action };
  });
}

export interface AppHandles {
  supervisor: () => EngineSupervisor<MessagePortMain> | null;
  window: () => BrowserWindow | null;
}

export function startApp(argv: readonly string[] = process.argv): AppHandles {
  const args = parseAppArgs(argv.slice(1));
  let supervisor: EngineSupervisor<MessagePortMain> | null = null;
  let mainWindow: BrowserWindow | null = null;
  const handles: AppHandles = { supervisor: () => supervisor, window: () => mainWindow };

  // Both must happen before 'ready'.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return handles;
  }

  // Windows ties notifications to the installer's shortcut through this id (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId('dev.strata.terminal');

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const onEngineStatus = (status: EngineStatus): void => {
    log(`engine ${status.state}${'exitCode' in status ? ` (exit code ${status.exitCode})` : ''}`);
    const notice = describeEngineStatus(status);
    if (notice.kind === 'notification') {
      if (Notification.isSupported()) new Notification({ title: notice.title, body: notice.body }).show();
    } else if (notice.kind === 'dialog') {
      const options = { type: 'error' as const, title: notice.title, message: notice.message, detail: notice.detail, buttons: ['Retry', 'Quit'], defaultId: 0, cancelId: 1 };
      const shown = mainWindow && !mainWindow.isDestroyed() ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options);
      void shown.then((r) => (r.response === 0 ? supervisor?.retry() : app.quit()));
    }
  };

  const createWindow = (engine: EngineSupervisor<MessagePortMain>): BrowserWindow => {
    const win = new BrowserWindow(windowOptions({ preloadPath: paths.preload, devTools: !app.isPackaged }));
    let client: ClientHandle | null = null;
    const deliver = (port: MessagePortMain): void => {
      // Only ever hand an engine port to our own page.
      if (win.isDestroyed() || !isAppUrl(win.webContents.getURL())) {
        port.close();
        return;
      }
      win.webContents.postMessage(PORT_CHANNEL, null, [port]);
    };
    // The preload listens from the start; each (re)load of the page gets a fresh channel.
    win.webContents.on('dom-ready', () => {
      if (client) client.reconnect();
      else client = engine.connect(deliver);
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      log(`renderer gone (${details.reason})`);
      if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.webContents.reload();
    });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      client?.disconnect();
      if (mainWindow === win) mainWindow = null;
    });
    void win.loadURL(APP_ENTRY_URL).catch((err: unknown) => log('could not load the UI', err));
    return win;
  };

  let engineStopped = false;
  let quitRequested = false;
  app.on('before-quit', (event) => {
    if (engineStopped || !supervisor) return;
    event.preventDefault();
    if (quitRequested) return;
    quitRequested = true;
    void supervisor.stop().finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(() => {
      const ses = session.defaultSession;
      ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
      ses.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
      // No remote content: nothing in the app's session goes to the network.
      ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) =>
        callback({ cancel: true }),
      );
      protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.renderer, (file) => readFile(file)));

      const dataDir = resolveDataDir({ argDir: args.dataDir, env: process.env, userData: app.getPath('userData'), cwd: process.cwd() });
      log(`data directory ${dataDir}`);
      const engine = createEngineSupervisor<MessagePortMain>({
        fork: () =>
          utilityProcess.fork(paths.engine, engineArgs(dataDir, args.seed), {
            serviceName: 'Strata Engine',
            stdio: 'inherit',
            env: engineEnv(process.env, dataDir),
          }),
        createChannel: () => new MessageChannelMain(),
        now: () => Date.now(),
        setTimer: (fn, ms) => {
          const t = setTimeout(fn, ms);
          return () => clearTimeout(t);
        },
        onStatus: onEngineStatus,
        // The vault's data key is wrapped with safeStorage, which only main has (the engine asks).
        vault: createVaultService(safeStorage, process.platform),
      });
      supervisor = engine;
      engine.start();
      mainWindow = createWindow(engine);

      app.on('activate', () => {
        if (!mainWindow) mainWindow = createWindow(engine);
      });
    })
    .catch((err: unknown) => {
      log('start-up failed', err);
      dialog.showErrorBox('Strata could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });

  return handles;
}

// Runs only inside Electron; importing this module elsewhere (unit tests) starts nothing.
if (process.versions.electron) startApp();
