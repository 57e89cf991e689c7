import path from 'node:path';
import { APP_HOST, APP_SCHEME, securityHeaders } from './security.ts';

/**
 * The app:// protocol: maps app://strata/<path> to a file under the built renderer folder,
 * refusing anything that would leave it, and answers with the CSP and the other security headers.
 * No Electron import: the handler is a plain (Request) => Promise<Response>.
 */

export type Resolution = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/**
 * Resolves a request URL to a file inside `root` (an absolute folder). Refuses other hosts,
 * encoded or literal `..` segments, backslashes, NUL bytes and anything that would still end up
 * outside `root` after normalisation.
 */
export function resolveAppPath(root: string, requestUrl: string, pathApi: path.PlatformPath = path): Resolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') return { ok: false, status: 404 };

  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400 };
  if (decoded.includes('\\')) return { ok: false, status: 403 };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403 };
  // A drive letter or UNC-looking first segment ("C:") would make resolve() jump on Windows.
  if (segments.some((s) => s.includes(':'))) return { ok: false, status: 403 };

  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const base = pathApi.resolve(root);
  const file = pathApi.resolve(base, relative);
  const rel = pathApi.relative(base, file);
  if (rel === '' || rel.startsWith('..') || pathApi.isAbsolute(rel)) return { ok: false, status: 403 };
  return { ok: true, file };
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type ReadFile = (file: string) => Promise<Uint8Array<ArrayBuffer>>;

function errorResponse(status: number): Response {
  const text = status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : status === 405 ? 'Method Not Allowed' : 'Bad Request';
  return new Response(text, { status, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The handler given to protocol.handle('app', …). */
export function createAppProtocolHandler(root: string, readFile: ReadFile): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(405);
    const resolved = resolveAppPath(root, request.url);
    if (!resolved.ok) return errorResponse(resolved.status);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readFile(resolved.file);
    } catch {
      return errorResponse(404);
    }
    const headers = {
      ...securityHeaders(),
      'Content-Type': mimeTypeFor(resolved.file),
      'Cache-Control': 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}
