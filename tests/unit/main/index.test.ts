import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PORT_CHANNEL } from '../../../main/messages.ts';
import { APP_ENTRY_URL } from '../../../main/security.ts';

type Listener = (...args: unknown[]) => void;

const h = vi.hoisted(() => {
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(event: string, l: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
      return this;
    }
    once(event: string, l: Listener): this {
      return this.on(event, l);
    }
    emit(event: string, ...args: unknown[]): void {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
  }
  class FakeWebContents extends Emitter {
    url = '';
    posted: { channel: string; message: unknown; transfer: unknown[] }[] = [];
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    reload = vi.fn();
    getURL(): string {
      return this.url;
    }
    postMessage(channel: string, message: unknown, transfer: unknown[] = []): void {
      this.posted.push({ channel, message, transfer });
    }
    setWindowOpenHandler(handler: (d: { url: string }) => { action: string }): void {
      this.openHandler = handler;
    }
  }
  class FakeWindow extends Emitter {
    static created: FakeWindow[] = [];
    webContents = new FakeWebContents();
    options: unknown;
    constructor(options: unknown) {
      super();
      this.options = options;
      FakeWindow.created.push(this);
    }
    loadURL = vi.fn(async (url: string) => {
      this.webContents.url = url;
    });
    isDestroyed = () => false;
    isMinimized = () => false;
    restore = vi.fn();
    focus = vi.fn();
    show = vi.fn();
  }
  class FakeChild extends Emitter {
    postMessage = vi.fn();
    kill = vi.fn(() => true);
  }
  let portId = 0;
  class FakeChannel {
    port1 = { id: ++portId, close: vi.fn() };
    port2 = { id: ++portId, close: vi.fn() };
  }
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => (resolveReady = r));
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    exit: vi.fn(),
    enableSandbox: vi.fn(),
    whenReady: vi.fn(() => ready),
    getPath: vi.fn(() => '/home/u/.config/Strata'),
    isPackaged: false,
  });
  const children: FakeChild[] = [];
  return {
    Emitter,
    FakeWindow,
    FakeWebContents,
    FakeChannel,
    app,
    children,
    resolveReady: () => resolveReady(),
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        webRequest: { onBeforeRequest: vi.fn() },
      },
    },
    utilityProcess: {
      fork: vi.fn(() => {
        const c = new FakeChild();
        children.push(c);
        return c;
      }),
    },
    shell: { openExternal: vi.fn(async () => {}) },
    // Main's safeStorage, behind the engine's vault protector: a reversible stand-in with a real backend.
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (s: string) => Buffer.from(`enc:${s}`),
      decryptStringAsync: async (b: Buffer) => ({ result: b.toString().slice(4), shouldReEncrypt: false }),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    dialog: { showMessageBox: vi.fn(async () => ({ response: 1 })), showErrorBox: vi.fn() },
  };
});

vi.mock('electron', () => ({
  app: h.app,
  BrowserWindow: h.FakeWindow,
  MessageChannelMain: h.FakeChannel,
  Notification: class {
    static isSupported = () => false;
    show(): void {}
  },
  protocol: h.protocol,
  session: h.session,
  shell: h.shell,
  dialog: h.dialog,
  utilityProcess: h.utilityProcess,
  safeStorage: h.safeStorage,
}));

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('main process', () => {
  let mod: typeof import('../../../main/index.ts');

  beforeAll(async () => {
    mod = await import('../../../main/index.ts');
  });

  it('when another instance holds the lock then the app quits without opening anything', () => {
    h.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    mod.startApp(['electron', '.']);
    expect(h.app.quit).toHaveBeenCalledOnce();
    expect(h.app.whenReady).not.toHaveBeenCalled();
    h.app.quit.mockClear();
    h.protocol.registerSchemesAsPrivileged.mockClear();
  });

  describe('when started', () => {
    // Vitest clears mock calls before each test: keep what start-up did.
    const seen = {
      register: [] as unknown[][],
      sandbox: 0,
      handle: [] as unknown[][],
      permissionRequest: [] as unknown[][],
      permissionCheck: [] as unknown[][],
      beforeRequest: [] as unknown[][],
      fork: [] as unknown[][],
      loadURL: [] as unknown[][],
    };
    beforeAll(async () => {
      mod.startApp(['electron', '.', '--data-dir', '/tmp/strata-data', '--seed', '9']);
      h.resolveReady();
      await flush();
      seen.register = [...h.protocol.registerSchemesAsPrivileged.mock.calls];
      seen.sandbox = h.app.enableSandbox.mock.calls.length;
      seen.handle = [...h.protocol.handle.mock.calls];
      seen.permissionRequest = [...h.session.defaultSession.setPermissionRequestHandler.mock.calls];
      seen.permissionCheck = [...h.session.defaultSession.setPermissionCheckHandler.mock.calls];
      seen.beforeRequest = [...h.session.defaultSession.webRequest.onBeforeRequest.mock.calls];
      seen.fork = [...h.utilityProcess.fork.mock.calls];
      seen.loadURL = [...(h.FakeWindow.created[0]?.loadURL.mock.calls ?? [])];
    });

    it('then the app scheme is registered as privileged before ready, and the sandbox is forced', () => {
      expect(seen.register).toEqual([[[expect.objectContaining({ scheme: 'app' })]]]);
      expect(seen.sandbox).toBeGreaterThan(0);
    });

    it('then app:// is served by a handler that adds the CSP', async () => {
      expect(seen.handle).toEqual([['app', expect.any(Function)]]);
      const handler = seen.handle[0]?.[1] as (r: Request) => Promise<Response>;
      const res = await handler(new Request('app://strata/..%2f..%2fpackage.json'));
      expect(res.status).toBe(403);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    });

    it('then permission requests and checks are denied', () => {
      const request = seen.permissionRequest[0]?.[0] as (w: unknown, p: string, cb: (ok: boolean) => void) => void;
      const cb = vi.fn();
      request({}, 'media', cb);
      expect(cb).toHaveBeenCalledWith(false);
      const check = seen.permissionCheck[0]?.[0] as (w: unknown, p: string) => boolean;
      expect(check({}, 'clipboard-read')).toBe(false);
    });

    it('then remote http(s) and websocket requests are cancelled', () => {
      const [filter, listener] = seen.beforeRequest[0] as [
        { urls: string[] },
        (d: unknown, cb: (r: { cancel: boolean }) => void) => void,
      ];
      expect(filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
      const cb = vi.fn();
      listener({ url: 'https://example.com' }, cb);
      expect(cb).toHaveBeenCalledWith({ cancel: true });
    });

    it('then the engine runs in a utility process with the data dir and seed', () => {
      expect(seen.fork).toHaveLength(1);
      const [modulePath, args, options] = seen.fork[0] as [string, string[], { env: Record<string, string> }];
      expect(path.basename(modulePath)).toBe('engine-process.js');
      expect(args).toEqual(['--data-dir', '/tmp/strata-data', '--seed', '9']);
      expect(options.env.STRATA_DATA_DIR).toBe('/tmp/strata-data');
    });

    it('then one hardened window loads the app entry with the preload', () => {
      expect(h.FakeWindow.created).toHaveLength(1);
      const win = h.FakeWindow.created[0]!;
      expect(seen.loadURL).toEqual([[APP_ENTRY_URL]]);
      expect(win.options).toMatchObject({
        show: false,
        webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
      });
      const preload = (win.options as { webPreferences: { preload: string } }).webPreferences.preload;
      expect(preload.endsWith(path.join('preload', 'index.cjs'))).toBe(true);
    });

    it('then on dom-ready the page gets a MessagePort whose twin went to the engine', () => {
      const win = h.FakeWindow.created[0]!;
      win.webContents.emit('dom-ready');
      const child = h.children[0]!;
      expect(child.postMessage).toHaveBeenCalledWith({ type: 'strata:connect' }, [expect.objectContaining({ id: expect.any(Number) })]);
      const enginePort = (child.postMessage.mock.calls[0] as unknown as [unknown, { id: number }[]])[1][0]!;
      expect(win.webContents.posted).toHaveLength(1);
      const sent = win.webContents.posted[0]!;
      expect(sent.channel).toBe(PORT_CHANNEL);
      expect((sent.transfer[0] as { id: number }).id).toBe(enginePort.id + 1);
    });

    it('then a reload gets a fresh channel', () => {
      const win = h.FakeWindow.created[0]!;
      win.webContents.emit('dom-ready');
      expect(win.webContents.posted).toHaveLength(2);
    });

    it("then the engine's vault requests are answered by main with safeStorage, to that process only", async () => {
      const child = h.children[0]!;
      const key = Buffer.alloc(32, 7).toString('base64');
      child.emit('message', { type: 'strata:vault', id: 1, op: 'wrap', key });
      await flush();
      const reply = child.postMessage.mock.calls.map((c) => c[0] as { type: string; id?: number; value?: string }).find((m) => m.type === 'strata:vault-reply' && m.id === 1);
      expect(reply).toMatchObject({ ok: true, value: expect.any(String) });
      child.emit('message', { type: 'strata:vault', id: 2, op: 'unwrap', wrapped: reply?.value });
      await flush();
      expect(child.postMessage).toHaveBeenCalledWith({ type: 'strata:vault-reply', id: 2, ok: true, value: key });
      // Nothing of it went to the page.
      expect(JSON.stringify(h.FakeWindow.created[0]!.webContents.posted)).not.toContain(key);
    });

    it('then a page that is not ours never receives an engine port', () => {
      const win = h.FakeWindow.created[0]!;
      win.webContents.url = 'https://evil.example/';
      win.webContents.emit('dom-ready');
      expect(win.webContents.posted).toHaveLength(2);
      win.webContents.url = APP_ENTRY_URL;
    });

    it('then every new webContents blocks foreign navigation and new windows', () => {
      const contents = new h.FakeWebContents();
      h.app.emit('web-contents-created', {}, contents);
      const nav = (url: string, event: string) => {
        const e = { url, preventDefault: vi.fn() };
        contents.emit(event, e);
        return e.preventDefault.mock.calls.length > 0;
      };
      expect(nav('https://example.com/', 'will-navigate')).toBe(true);
      expect(nav('file:///etc/passwd', 'will-frame-navigate')).toBe(true);
      expect(nav('http://127.0.0.1/', 'will-redirect')).toBe(true);
      expect(nav(`${APP_ENTRY_URL}#x`, 'will-navigate')).toBe(false);
      const webview = { preventDefault: vi.fn() };
      contents.emit('will-attach-webview', webview);
      expect(webview.preventDefault).toHaveBeenCalled();

      expect(contents.openHandler?.({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
      expect(h.shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
      h.shell.openExternal.mockClear();
      expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
      expect(h.shell.openExternal).not.toHaveBeenCalled();
    });

    it('then quitting stops the engine first and quits once it has exited', async () => {
      const event = { preventDefault: vi.fn() };
      h.app.emit('before-quit', event);
      expect(event.preventDefault).toHaveBeenCalled();
      const child = h.children[0]!;
      expect(child.postMessage).toHaveBeenLastCalledWith({ type: 'strata:stop' });
      expect(h.app.quit).not.toHaveBeenCalled();
      child.emit('exit', 0);
      await flush();
      expect(h.app.quit).toHaveBeenCalledOnce();
      const again = { preventDefault: vi.fn() };
      h.app.emit('before-quit', again);
      expect(again.preventDefault).not.toHaveBeenCalled();
    });
  });
});
