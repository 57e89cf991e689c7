import { SafeStorageProtector, VaultError } from '../src/host/vault/protectors.ts';
import type { SafeStorageLike } from '../src/host/vault/protectors.ts';
import type { VaultRequest, VaultReply } from './messages.ts';

/**
 * Main's half of the vault's safeStorage protector. safeStorage exists in main only, so the engine
 * utility process asks here (main/vault-client.ts) to wrap or unwrap the vault's data key; the
 * secrets themselves stay in the engine, sealed under that key, and nothing reaches the renderer.
 * Electron's async API only (the sync one is deprecated); Linux `basic_text` is refused both ways
 * (src/host/vault/protectors.ts). Only 32-byte keys are wrapped or returned: the engine cannot use
 * main as a general safeStorage oracle (e.g. for main/secrets.ts's entries).
 */
export const DATA_KEY_BYTES = 32;

export type VaultService = (req: VaultRequest) => Promise<VaultReply>;

export function createVaultService(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): VaultService {
  const protector = new SafeStorageProtector(safe, platform);
  const answer = async (req: VaultRequest): Promise<string | null> => {
    switch (req.op) {
      case 'status':
        return (await protector.unavailable()) ?? null;
      case 'wrap': {
        const key = Buffer.from(req.key, 'base64');
        if (key.length !== DATA_KEY_BYTES) throw new VaultError('BAD_KEY', `a vault data key has ${DATA_KEY_BYTES} bytes, not ${key.length}`);
        try {
          return (await protector.wrap(key)).data;
        } finally {
          key.fill(0);
        }
      }
      case 'unwrap': {
        const key = await protector.unwrap({ kind: protector.kind, params: {}, data: req.wrapped });
        try {
          if (key.length !== DATA_KEY_BYTES) throw new VaultError('VAULT_CORRUPT', 'what safeStorage decrypted is not a vault data key');
          return key.toString('base64');
        } finally {
          key.fill(0);
        }
      }
    }
  };
  return async (req) => {
    try {
      return { type: 'strata:vault-reply', id: req.id, ok: true, value: await answer(req) };
    } catch (err) {
      // Never echo the request: it may carry the key.
      const code = err instanceof VaultError ? err.code : 'SAFE_STORAGE_FAILED';
      return { type: 'strata:vault-reply', id: req.id, ok: false, code, message: err instanceof Error ? err.message : String(err) };
    }
  };
}
