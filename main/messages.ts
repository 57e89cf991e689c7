/**
 * Control messages between the Electron main process and the engine utility process, and the
 * IPC channel that hands the renderer its end of a MessageChannel. Contract frames never use
 * these: they travel as JSON strings over the MessagePorts, renderer <-> engine directly.
 */

/** main -> renderer (webContents.postMessage): carries the renderer's MessagePort. */
export const PORT_CHANNEL = 'strata:engine-port';

/** main -> engine */
export type ToEngine =
  | { type: 'strata:connect' } // ports[0] is a new client's MessagePortMain
  | { type: 'strata:stop' };

/** engine -> main */
export type FromEngine = { type: 'strata:ready'; pid: number } | { type: 'strata:fatal'; message: string };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

export function isToEngine(x: unknown): x is ToEngine {
  return isObject(x) && (x.type === 'strata:connect' || x.type === 'strata:stop');
}

export function isFromEngine(x: unknown): x is FromEngine {
  if (!isObject(x)) return false;
  if (x.type === 'strata:ready') return typeof x.pid === 'number';
  if (x.type === 'strata:fatal') return typeof x.message === 'string';
  return false;
}
