import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  contentSecurityPolicy,
  CSP_DIRECTIVES,
  decideWindowOpen,
  externalUrl,
  isAppUrl,
  isNavigationAllowed,
  isPermissionAllowed,
  securityHeaders,
  webPreferences,
  windowOptions,
} from '../../../main/security.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

describe('window options', () => {
  it('when a window is created then the renderer is isolated, sandboxed and without Node', () => {
    const prefs = webPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
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
    });
  });

  it('when built for a packaged app then devtools can be turned off and the hardening stays', () => {
    const opts = windowOptions({ preloadPath: '/p.cjs', devTools: false });
    expect(opts.webPreferences?.devTools).toBe(false);
    expect(opts.webPreferences?.sandbox).toBe(true);
    expect(opts.webPreferences?.contextIsolation).toBe(true);
    expect(opts.show).toBe(false);
    expect(opts.title).toBe('Strata');
  });
});

describe('content security policy', () => {
  const csp = directives(contentSecurityPolicy());

  it('when served then everything defaults to none and scripts come only from the app origin', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('when any directive is read then it allows no eval, no inline script and no remote host', () => {
    const all = [...csp.values()].flat();
    expect(all).not.toContain("'unsafe-eval'");
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    for (const v of all) expect(v).not.toMatch(/^(https?:|wss?:|\*)/);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('when the headers are built then the CSP is among them with nosniff', () => {
    const h = securityHeaders();
    expect(h['Content-Security-Policy']).toBe(contentSecurityPolicy(CSP_DIRECTIVES));
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });

  it('when the app scheme is registered then it is standard and secure but does not bypass the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false });
  });
});

describe('navigation', () => {
  it('when the target is our own origin then navigation is allowed', () => {
    expect(isNavigationAllowed(APP_ENTRY_URL)).toBe(true);
    expect(isNavigationAllowed(`${APP_ORIGIN}/index.html#/orders`)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'app://other/index.html',
    'app://strata:8080/index.html',
    'app://user:pw@strata/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'not a url',
    '',
  ])('when the target is %s then navigation is refused', (url) => {
    expect(isNavigationAllowed(url)).toBe(false);
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('new windows and external links', () => {
  it('when a page opens an https link then no window opens and the link goes to the browser', () => {
    expect(decideWindowOpen('https://www.tradingview.com/')).toEqual({ action: 'deny', openExternal: 'https://www.tradingview.com/' });
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'app://strata/index.html', 'smb://host/share', 'https://user:pw@example.com/', 'about:blank'])(
    'when a page opens %s then it is denied and not opened externally',
    (url) => {
      expect(decideWindowOpen(url)).toEqual({ action: 'deny', openExternal: null });
    },
  );

  it('when the url is absurdly long then it is not opened', () => {
    expect(externalUrl(`https://example.com/${'a'.repeat(5000)}`)).toBeNull();
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial'])('when %s is requested then it is denied', (p) => {
    expect(isPermissionAllowed(p)).toBe(false);
  });
});
