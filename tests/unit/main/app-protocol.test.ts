import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, mimeTypeFor, resolveAppPath } from '../../../main/app-protocol.ts';
import { contentSecurityPolicy } from '../../../main/security.ts';

const ROOT = path.resolve('/srv/strata/out/renderer');

describe('resolveAppPath', () => {
  it('when the path is / then it serves index.html', () => {
    expect(resolveAppPath(ROOT, 'app://strata/')).toEqual({ ok: true, file: path.join(ROOT, 'index.html') });
  });

  it('when the path names a bundle file then it resolves inside the root', () => {
    expect(resolveAppPath(ROOT, 'app://strata/assets/index-abc.js?v=1#x')).toEqual({ ok: true, file: path.join(ROOT, 'assets/index-abc.js') });
  });

  it.each([
    'app://strata/assets/..%2f..%2fsecret',
    'app://strata/..%5c..%5cwindows',
    'app://strata/assets%5c..%5c..%5csecret',
    'app://strata/C:%2fWindows%2fwin.ini',
    'app://strata/%2fetc%2fpasswd/..%2f..',
  ])('when the path %s tries to leave the root through encoded separators then it is refused', (url) => {
    expect(resolveAppPath(ROOT, url)).toEqual({ ok: false, status: 403 });
  });

  it.each([
    'app://strata/%2e%2e/%2e%2e/etc/passwd',
    'app://strata/../../etc/passwd',
    'app://strata/a/./../../../x',
    'app://strata/%2E%2E/x',
    'app://strata/assets/..%2f..%2f..%2fx',
    'app://strata//etc/passwd',
  ])('when the path is %s then whatever resolves stays inside the root', (url) => {
    const r = resolveAppPath(ROOT, url);
    if (r.ok) expect(r.file.startsWith(ROOT + path.sep)).toBe(true);
  });

  it('when literal dot segments are used then the URL parser keeps them inside the root', () => {
    const r = resolveAppPath(ROOT, 'app://strata/../../etc/passwd');
    expect(r).toEqual({ ok: true, file: path.join(ROOT, 'etc/passwd') });
  });

  it('when the path has a NUL byte or bad encoding then it is a bad request', () => {
    expect(resolveAppPath(ROOT, 'app://strata/index.html%00.js')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(ROOT, 'app://strata/%E0%A4%A')).toEqual({ ok: false, status: 400 });
  });

  it('when the host or scheme is not ours then it is not found', () => {
    expect(resolveAppPath(ROOT, 'app://evil/index.html')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath(ROOT, 'https://strata/index.html')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath(ROOT, 'app://strata:99/index.html')).toEqual({ ok: false, status: 404 });
  });

  it('when Windows paths are in use then backslash tricks are refused too', () => {
    const r = resolveAppPath('C:\\app\\out\\renderer', 'app://strata/..%5c..%5cboot.ini', path.win32);
    expect(r.ok).toBe(false);
    const ok = resolveAppPath('C:\\app\\out\\renderer', 'app://strata/assets/a.js', path.win32);
    expect(ok).toEqual({ ok: true, file: 'C:\\app\\out\\renderer\\assets\\a.js' });
  });
});

describe('mimeTypeFor', () => {
  it('when a module script is served then it has a JavaScript type (module scripts need one)', () => {
    expect(mimeTypeFor('/x/index-1.js')).toMatch(/^text\/javascript/);
    expect(mimeTypeFor('/x/a.CSS')).toMatch(/^text\/css/);
    expect(mimeTypeFor('/x/blob.bin')).toBe('application/octet-stream');
  });
});

describe('createAppProtocolHandler', () => {
  let dir = '';
  let outside = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-proto-'));
    fs.mkdirSync(path.join(dir, 'renderer/assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'renderer/index.html'), '<!doctype html><title>Strata</title>');
    fs.writeFileSync(path.join(dir, 'renderer/assets/app.js'), 'console.log(1)');
    outside = path.join(dir, 'secret.txt');
    fs.writeFileSync(outside, 'secret');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const handler = () => createAppProtocolHandler(path.join(dir, 'renderer'), (f) => fs.promises.readFile(f));

  it('when index.html is requested then it comes with the CSP and an html type', async () => {
    const res = await handler()(new Request('app://strata/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>Strata</title>');
  });

  it('when a script is requested then it is served as JavaScript with the CSP', async () => {
    const res = await handler()(new Request('app://strata/assets/app.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });

  it('when a traversal reaches for a file next to the root then it is refused with the CSP still set', async () => {
    const res = await handler()(new Request('app://strata/..%2fsecret.txt'));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    expect(await res.text()).not.toContain('secret');
  });

  it('when the file does not exist or is a folder then it is 404', async () => {
    expect((await handler()(new Request('app://strata/missing.js'))).status).toBe(404);
    expect((await handler()(new Request('app://strata/assets/'))).status).toBe(404);
  });

  it('when the method is not GET or HEAD then it is 405', async () => {
    const res = await handler()(new Request('app://strata/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
  });

  it('when HEAD is used then headers come without a body', async () => {
    const res = await handler()(new Request('app://strata/index.html', { method: 'HEAD' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});
