import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliContext } from '../cli-common.ts';
import { CliExit, EXIT } from '../cli-common.ts';
import { resolveDataDir } from '../data-dir.ts';
import { KeyringProtector, PassphraseProtector, Vault, VaultError } from './vault.ts';
import type { Protector } from './vault.ts';

/**
 * `strata keys …`: API keys into the vault. Secrets are read from a prompt (no echo) or from
 * stdin, never from argv (argv shows in `ps` and shell history); they are never printed.
 */
async function readLines(prompts: string[], io: CliContext['io']): Promise<string[]> {
  const input = process.stdin;
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0).slice(0, prompts.length);
  }
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  const rl = createInterface({ input, output: muted, terminal: true });
  const out: string[] = [];
  try {
    for (const p of prompts) {
      io.err(p);
      out.push((await new Promise<string>((r) => rl.question('', r))).trim());
      io.err('\n');
    }
  } finally {
    rl.close();
  }
  return out;
}

async function protectorFor(kind: string, ctx: CliContext, confirmNew = false): Promise<Protector> {
  if (kind === 'keyring') return new KeyringProtector({ account: 'vault-data-key' });
  let pass = ctx.io.env['STRATA_VAULT_PASSPHRASE'];
  if (!pass) {
    const lines = await readLines(confirmNew ? ['vault passphrase: ', 'again: '] : ['vault passphrase: '], ctx.io);
    if (confirmNew && lines[0] !== lines[1]) throw new CliExit(EXIT.usage, 'the passphrases differ');
    pass = lines[0] ?? '';
  }
  return new PassphraseProtector(pass);
}

export function registerKeysCommands(program: Command, ctx: CliContext): void {
  const dataDir = () => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, ctx.io.env);
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof VaultError) throw new CliExit(EXIT.failed, `${err.code}: ${err.message}`);
      throw err;
    }
  };
  const keys = program.command('keys').description('exchange API keys, encrypted at rest in the data directory (vault.json)');
  keys
    .command('set <exchange>')
    .description('store the API key and secret of an exchange (read from a prompt or stdin, two lines; never from arguments)')
    .option('--protector <kind>', 'for a new vault: passphrase (STRATA_VAULT_PASSPHRASE or a prompt) or keyring (the OS keyring)', 'passphrase')
    .action((exchange: string, o: { protector: string }) =>
      run(async () => {
        const vault = new Vault(dataDir());
        // Unlock (or create) first: a wrong passphrase should not cost the operator their typing.
        if (vault.exists()) await vault.unlock(await protectorFor(vault.protectorKind() ?? 'passphrase', ctx));
        else await vault.create(await protectorFor(o.protector, ctx, true));
        const [apiKey, secret] = await readLines(['API key: ', 'API secret: '], ctx.io);
        if (!apiKey || !secret) throw new CliExit(EXIT.usage, 'both the API key and the secret are needed (two lines)');
        vault.set(exchange.toLowerCase(), { apiKey, secret });
        vault.lock();
        ctx.io.out(`keys for ${exchange.toLowerCase()} stored in ${vault.file}\n`);
      }),
    );
  keys
    .command('list')
    .description('exchanges with stored keys (names only)')
    .action(() =>
      run(async () => {
        const vault = new Vault(dataDir());
        ctx.io.out(vault.exists() ? `${vault.names().join('\n') || '(none)'}\n(protected by ${vault.protectorKind()})\n` : 'no vault yet (strata keys set EXCHANGE)\n');
      }),
    );
  keys
    .command('delete <exchange>')
    .description('remove the keys of an exchange')
    .action((exchange: string) =>
      run(async () => {
        const vault = new Vault(dataDir());
        await vault.unlock(await protectorFor(vault.protectorKind() ?? 'passphrase', ctx));
        ctx.io.out(vault.delete(exchange.toLowerCase()) ? `deleted ${exchange}\n` : `no keys for ${exchange}\n`);
      }),
    );
}
