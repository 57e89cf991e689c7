import { RpcError } from '../../../src/contract/index.ts';
import type { Client, MethodName, ParamsIn, Result } from '../../../src/contract/index.ts';

/**
 * The contract client of the current connection (null while disconnected). Slices call through
 * `call`; snapshot loaders check `isCurrent(c)` so a reply from a dropped connection is ignored.
 */
let client: Client | null = null;

export function setClient(c: Client | null): void {
  client = c;
}

export function currentClient(): Client | null {
  return client;
}

export function isCurrent(c: Client): boolean {
  return client === c;
}

export function call<M extends MethodName>(method: M, params?: ParamsIn<M>): Promise<Result<M>> {
  if (!client) return Promise.reject(new RpcError('NOT_CONNECTED', 'not connected to the engine'));
  return client.call(method, params);
}
