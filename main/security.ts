import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';

/**
 * Every security decision of the shell, as plain functions of their inputs. main/index.ts only
 * wires these to Electron; tests/unit/main checks them without an Electron binary.
 */

/** The renderer is served from app://strata/… and nothing else is ever loaded in a window. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'strata';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Standard + secure so relative URLs, 'self' in the CSP, module scripts (fetched in CORS mode),
 * and storage work as on https. No bypassCSP, no service workers.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    corsEnabled: true,
    codeCache: true,
    bypassCSP: false,
    allowServiceWorkers: false,
    stream: false,
  },
};

/**
 * The Content-Security-Policy sent with every response of the app scheme. Scripts come from the
 * bundle only (no inline script, no eval); the renderer reaches the engine through window.strata,
 * so it needs no network beyond its own origin. Inline styles are allowed (not inline scripts):
 * lightweight-charts injects a <style> element for its attribution logo and React may hoist
 * <style> tags; with connect-src/img-src limited to 'self', inline CSS cannot leak anything out.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'child-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function contentSecurityPolicy(directives: Readonly<Record<string, readonly string[]>> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Headers added to every app:// response (the CSP among them). */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=()',
  };
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for URLs of our own origin: app://strata/… (no credentials, no port). */
export function isAppUrl(url: string): boolean {
  const u = parseUrl(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** will-navigate / will-redirect: a window may only ever show our own origin. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

const MAX_EXTERNAL_URL_LENGTH = 2048;

/**
 * The URL to hand to shell.openExternal, or null. Only plain http(s) links to a named host,
 * without credentials; everything else (file:, javascript:, custom schemes, smb:, …) is refused.
 */
export function externalUrl(url: string): string | null {
  if (url.length > MAX_EXTERNAL_URL_LENGTH) return null;
  const u = parseUrl(url);
  if (!u) return null;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username !== '' || u.password !== '') return null;
  if (u.hostname === '') return null;
  return u.href;
}

export interface WindowOpenDecision {
  action: 'deny';
  /** Set when the link should open in the user's browser instead. */
  openExternal: string | null;
}

/** setWindowOpenHandler: never a new Electron window; http(s) links go to the browser. */
export function decideWindowOpen(url: string): WindowOpenDecision {
  return { action: 'deny', openExternal: externalUrl(url) };
}

/** Permission requests and checks (camera, notifications, clipboard-read, …): all refused. */
export function isPermissionAllowed(_permission: string): boolean {
  return false;
}

export type StrataWebPreferences = NonNullable<BrowserWindowConstructorOptions['webPreferences']>;

export function webPreferences(preloadPath: string): StrataWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: true,
  };
}

export interface WindowOptionsInput {
  preloadPath: string;
  iconPath?: string;
  devTools?: boolean;
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const options: BrowserWindowConstructorOptions = {
    title: 'Strata',
    width: 1600,
    height: 960,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: '#0b0e14',
    autoHideMenuBar: true,
    webPreferences: { ...webPreferences(input.preloadPath), devTools: input.devTools ?? true },
  };
  if (input.iconPath) options.icon = input.iconPath;
  return options;
}
