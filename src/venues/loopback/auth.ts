import { createHmac, timingSafeEqual } from 'node:crypto';

/** Binance's signed-request rules, as the loopback exchange enforces them. */
export type AuthResult =
  | { ok: true; apiKey: string }
  | { ok: false; status: number; code: number; msg: string };

export interface SignedRequest {
  apiKey: string | undefined;
  /** The signed text: the query string (GET/DELETE) or the form body (POST), signature included. */
  payload: string;
  serverTime: number;
}

/**
 * Checks the API key, the HMAC-SHA256 signature over everything before `&signature=`, and the
 * timestamp against recvWindow (Binance: at most 1 s ahead of the server, at most recvWindow
 * behind it).
 */
export function verifySigned(req: SignedRequest, secrets: ReadonlyMap<string, string>): AuthResult {
  if (!req.apiKey) return { ok: false, status: 401, code: -2014, msg: 'API-key format invalid.' };
  const secret = secrets.get(req.apiKey);
  if (secret === undefined) return { ok: false, status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
  const at = req.payload.lastIndexOf('signature=');
  if (at < 0) return { ok: false, status: 400, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
  const signed = req.payload.slice(0, Math.max(0, at - 1));
  const given = req.payload.slice(at + 'signature='.length).split('&')[0] ?? '';
  const want = createHmac('sha256', secret).update(signed).digest('hex');
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(want);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, status: 400, code: -1022, msg: 'Signature for this request is not valid.' };
  const params = new URLSearchParams(signed);
  const ts = Number(params.get('timestamp'));
  if (!Number.isFinite(ts)) return { ok: false, status: 400, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed." };
  const recvWindow = Number(params.get('recvWindow') ?? 5000);
  if (!(recvWindow > 0) || recvWindow > 60_000) return { ok: false, status: 400, code: -1131, msg: 'recvWindow must be less than 60000' };
  if (ts > req.serverTime + 1000) return { ok: false, status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
  if (req.serverTime - ts > recvWindow) return { ok: false, status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
  return { ok: true, apiKey: req.apiKey };
}

export function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}
