/**
 * Control messages between the Electron main process and the engine utility process, and the
 * IPC channel that hands the renderer its end of a MessageChannel. Contract frames never use
 * these: they travel as JSON strings over the MessagePorts, renderer <-> engine directly.
 */

/** main -> renderer (webContents.postMessage): carries the renderer's MessagePort. */
export const PORT_CHANNEL = 'strata:engine-port';

/**
 * engine -> main: the vault's data key wrapped or unwrapped with safeStorage, which exists in main
 * only. `key` is the 32-byte data key (base64), `wrapped` safeStorage's ciphertext of it (base64).
 * Only the engine and main ever see either; nothing of it goes to the renderer.
 */
export type VaultRequest =
  | { type: 'strata:vault'; id: number; op: 'status' }
  | { type: 'strata:vault'; id: number; op: 'wrap'; key: string }
  | { type: 'strata:vault'; id: number; op: 'unwrap'; wrapped: string };

/** main -> engine: the answer to the VaultRequest of the same id (`value`: status → the reason it is unusable or null; wrap → wrapped; unwrap → key). */
export type VaultReply = { type: 'strata:vault-reply'; id: number; ok: true; value: string | null } | { type: 'strata:vault-reply'; id: number; ok: false; code: string; message: string };

/** main -> engine */
export type ToEngine =
  | { type: 'strata:connect' } // ports[0] is a new client's MessagePortMain
  | { type: 'strata:stop' }
  | VaultReply;

/** engine -> main */
export type FromEngine = { type: 'strata:ready'; pid: number } | { type: 'strata:fatal'; message: string } | VaultRequest;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/** connect and stop: the messages the engine host acts on (vault replies go to the protector). */
export function isToEngine(x: unknown): x is Exclude<ToEngine, VaultReply> {
  return isObject(x) && (x.type === 'strata:connect' || x.type === 'strata:stop');
}

/** ready and fatal: the engine's state for the supervisor (vault requests go to main's protector). */
export function isFromEngine(x: unknown): x is Exclude<FromEngine, VaultRequest> {
  if (!isObject(x)) return false;
  if (x.type === 'strata:ready') return typeof x.pid === 'number';
  if (x.type === 'strata:fatal') return typeof x.message === 'string';
  return false;
}

const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;

export function isVaultRequest(x: unknown): x is VaultRequest {
  if (!isObject(x) || x.type !== 'strata:vault' || !isId(x.id)) return false;
  if (x.op === 'status') return true;
  if (x.op === 'wrap') return typeof x.key === 'string';
  if (x.op === 'unwrap') return typeof x.wrapped === 'string';
  return false;
}

export function isVaultReply(x: unknown): x is VaultReply {
  if (!isObject(x) || x.type !== 'strata:vault-reply' || !isId(x.id)) return false;
  return x.ok === true ? typeof x.value === 'string' || x.value === null : x.ok === false && typeof x.code === 'string' && typeof x.message === 'string';
}
