import { VaultError } from '../src/host/vault/protectors.ts';
import type { Protector, WrappedKey } from '../src/host/vault/protectors.ts';
import type { ParentPortLike, PortLike } from './engine-host.ts';
import { isVaultReply } from './messages.ts';
import type { VaultReply, VaultRequest } from './messages.ts';

/**
 * The engine utility process's half of the vault's safeStorage protector: a Protector whose wrap
 * and unwrap are answered by main (main/vault-protector.ts) over the parent port, since
 * safeStorage does not exist outside main. Its kind is safeStorage's, so a vault made by the
 * desktop app reads the same whichever side holds safeStorage. Must not import 'electron'.
 */

type Ask = { op: 'status' } | { op: 'wrap'; key: string } | { op: 'unwrap'; wrapped: string };

/** How long a request waits for main: safeStorage may wait on the OS keychain's own prompt. */
const DEFAULT_TIMEOUT_MS = 120_000;

export class RemoteProtector implements Protector {
  readonly kind = 'safeStorage';
  private readonly post: (m: VaultRequest) => void;
  private readonly timeoutMs: number;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: string | null) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(post: (m: VaultRequest) => void, opts: { timeoutMs?: number } = {}) {
    this.post = post;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A reply from main: settles the request of its id (an unknown id, e.g. after a timeout, is dropped). */
  receive(reply: VaultReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new VaultError(reply.code, reply.message));
  }

  private ask(a: Ask): Promise<string | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new VaultError('SAFE_STORAGE_UNAVAILABLE', `main did not answer the ${a.op} of the vault key within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      // A pending request must not keep a stopping engine alive.
      timer.unref?.();
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.post({ type: 'strata:vault', id, ...a } as VaultRequest);
      } catch (err) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new VaultError('SAFE_STORAGE_UNAVAILABLE', `cannot ask main: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  }

  async unavailable(): Promise<string | undefined> {
    try {
      return (await this.ask({ op: 'status' })) ?? undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const data = await this.ask({ op: 'wrap', key: dataKey.toString('base64') });
    if (data === null) throw new VaultError('SAFE_STORAGE_FAILED', 'main wrapped nothing');
    return { kind: this.kind, params: {}, data };
  }

  async unwrap(w: WrappedKey): Promise<Buffer> {
    const key = await this.ask({ op: 'unwrap', wrapped: w.data });
    if (key === null) throw new VaultError('SAFE_STORAGE_FAILED', 'main unwrapped nothing');
    return Buffer.from(key, 'base64');
  }
}

/**
 * One listener on the parent port from the start, so the protector's replies arrive while the
 * engine is still being built (opening an exchange unlocks the vault). Everything else (connect,
 * stop) waits in a queue for the engine host's listener, as parentPort's own queue would have.
 */
export function splitParentPort(raw: ParentPortLike, opts: { timeoutMs?: number } = {}): { parent: ParentPortLike; protector: RemoteProtector } {
  const protector = new RemoteProtector((m) => raw.postMessage(m), opts);
  const queued: { data: unknown; ports: readonly PortLike[] }[] = [];
  let listener: ((e: { data: unknown; ports: readonly PortLike[] }) => void) | undefined;
  raw.on('message', (e) => {
    if (isVaultReply(e.data)) protector.receive(e.data);
    else if (listener) listener(e);
    else queued.push(e);
  });
  const parent: ParentPortLike = {
    on(_event, l) {
      listener = l;
      for (const e of queued.splice(0)) l(e);
      return parent;
    },
    postMessage: (m) => raw.postMessage(m),
  };
  return { parent, protector };
}
