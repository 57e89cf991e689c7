import { join } from 'node:path';
import type { Params } from '../contract/api.ts';
import type { VenueConfigDto } from '../contract/api/venue.ts';
import { WallClock } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import { CASH_DECIMALS, InstrumentRegistry } from '../core/instrument.ts';
import { rescale, toDecimalString } from '../core/precision.ts';
import { liveParts } from '../kernel/modes/live.ts';
import { paperOnLiveParts } from '../kernel/modes/paper-live.ts';
import type { KernelParts, Log, VenueAdmin, VenueLink } from '../kernel/parts.ts';
import type { CcxtVenue } from '../venues/ccxt/ccxt-venue.ts';
import { markAccountDir, prepareAccountDir } from './data-dir.ts';
import type { VenueSettings } from './venue-config.ts';
import { readVenueSettings, writeVenueSettings } from './venue-config.ts';
import { KeyringProtector, PassphraseProtector, Vault, VaultError, credentialsFromEnv } from './vault/vault.ts';
import type { Credentials, Protector } from './vault/vault.ts';

/**
 * The protector that opens a vault of this kind here: the OS keyring, the host's own (Electron
 * safeStorage, through main), or a passphrase from the environment. Undefined: none on this host.
 */
function protectorFor(kind: string | undefined, env: NodeJS.ProcessEnv, host: Protector | undefined): Protector | undefined {
  if (kind === 'keyring') return new KeyringProtector({ account: 'vault-data-key' });
  if (host && kind === host.kind) return host;
  if (kind !== 'passphrase') return undefined;
  const pass = env['STRATA_VAULT_PASSPHRASE'];
  return pass ? new PassphraseProtector(pass) : undefined;
}

/**
 * The protector of a new vault: STRATA_VAULT_PROTECTOR when set; else the host's own when usable
 * (the desktop app needs no passphrase); else a passphrase from the environment.
 */
async function protectorForNewVault(env: NodeJS.ProcessEnv, host: Protector | undefined): Promise<Protector> {
  const asked = env['STRATA_VAULT_PROTECTOR'];
  if (asked === 'keyring' || asked === 'passphrase' || (asked && asked === host?.kind)) {
    const p = protectorFor(asked, env, host);
    if (p) return p;
  }
  const hostWhy = host ? await host.unavailable() : undefined;
  if (host && !hostWhy && !asked) return host;
  const pass = protectorFor('passphrase', env, host);
  if (pass) return pass;
  const hint = hostWhy ? `${host!.kind} cannot protect it (${hostWhy}); ` : '';
  throw locked(`no vault yet and no way to protect one: ${hint}set STRATA_VAULT_PASSPHRASE (or STRATA_VAULT_PROTECTOR=keyring), or use strata keys set`);
}

const locked = (why: string) => new DomainError('VENUE_REJECTED', why, [{ path: 'VAULT_LOCKED', message: why }]);

const noProtector = (kind: string | undefined, exchangeId?: string) =>
  locked(
    kind === 'passphrase'
      ? `${exchangeId ? `the keys of ${exchangeId} are` : 'the vault is'} in the vault, protected by a passphrase this engine does not have: set STRATA_VAULT_PASSPHRASE (or use STRATA_API_KEY/STRATA_API_SECRET)`
      : `the vault is protected by ${kind ?? 'an unknown protector'}, which this host cannot use${kind === 'safeStorage' ? ' (it was made by the desktop app: open it there, or use STRATA_API_KEY/STRATA_API_SECRET)' : ''}`,
  );

/** A vault failure as the contract's error (its code in the details), never a raw VaultError. */
function vaultFailure(err: unknown): unknown {
  return err instanceof VaultError ? new DomainError('VENUE_REJECTED', `${err.code}: ${err.message}`, [{ path: err.code, message: err.message }]) : err;
}

/** Keys for an exchange: STRATA_API_KEY/SECRET (headless), else the vault. Never logged. */
export async function loadCredentials(dataDir: string, exchangeId: string, env: NodeJS.ProcessEnv, host?: Protector): Promise<Credentials | undefined> {
  const fromEnv = credentialsFromEnv(env);
  if (fromEnv) return fromEnv;
  const vault = new Vault(dataDir);
  if (!vault.exists() || !vault.names().includes(exchangeId)) return undefined;
  const kind = vault.protectorKind();
  const protector = protectorFor(kind, env, host);
  if (!protector) throw noProtector(kind, exchangeId);
  try {
    await vault.unlock(protector);
    return vault.get(exchangeId);
  } catch (err) {
    throw vaultFailure(err);
  } finally {
    vault.lock();
  }
}

export async function storeCredentials(dataDir: string, exchangeId: string, creds: Credentials, env: NodeJS.ProcessEnv, host?: Protector): Promise<void> {
  const vault = new Vault(dataDir);
  try {
    if (vault.exists()) {
      const kind = vault.protectorKind();
      const p = protectorFor(kind, env, host);
      if (!p) throw noProtector(kind);
      await vault.unlock(p);
    } else {
      await vault.create(await protectorForNewVault(env, host));
    }
    vault.set(exchangeId, creds);
  } catch (err) {
    throw vaultFailure(err);
  } finally {
    vault.lock();
  }
}

export interface ExchangeSession {
  parts: KernelParts;
  venue: CcxtVenue;
  settings: VenueSettings;
  reconcileEveryMs: number | undefined;
}

/**
 * Opens the exchange of a venue configuration and picks the session's parts: live (real orders
 * through ccxt) or paper on its live data. ccxt is loaded here, lazily, only when an exchange is
 * configured: the demo venue's start never pays for it.
 */
export async function openExchangeSession(
  settings: VenueSettings,
  o: { dataDir: string; env: NodeJS.ProcessEnv; log: Log; seed: number; fresh?: boolean; say?: (line: string) => void; protector?: Protector },
): Promise<ExchangeSession> {
  const creds = await loadCredentials(o.dataDir, settings.exchangeId, o.env, o.protector);
  if (settings.mode === 'live' && !creds) {
    throw new DomainError('VENUE_REJECTED', `live trading on ${settings.exchangeId} needs API keys: strata keys set ${settings.exchangeId}, Settings → Keys, or STRATA_API_KEY/STRATA_API_SECRET`, [{ path: 'NO_KEYS', message: 'no keys' }]);
  }
  // One journal per account: an exchange's live or paper account never shares a journal (cash,
  // positions, client order ids) with the demo venue or with another exchange. Issue 8's guard holds
  // per account, checked before anything connects or is written: an empty or missing journal beside
  // an account's history refuses the start (--fresh moves the old files aside).
  const journalDir = join(o.dataDir, 'accounts', `${settings.exchangeId}-${settings.mode}`);
  prepareAccountDir(journalDir, { fresh: o.fresh === true, say: o.say ?? ((line) => o.log('warn', line)) });
  const { openCcxtVenue } = await import('../venues/ccxt/index.ts');
  const { CcxtVenuePort } = await import('../venues/ccxt/venue-port-adapter.ts');
  const { gatherReconcileInput } = await import('../venues/ccxt/reconcile-run.ts');
  const clock = new WallClock();
  const t = settings.tuning ?? {};
  let venue: CcxtVenue;
  try {
    venue = await openCcxtVenue({
      exchangeId: settings.exchangeId,
      ...(creds ? { apiKey: creds.apiKey, secret: creds.secret } : {}),
      ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
      clock,
      symbols: settings.symbols,
      rateLimitFactor: settings.rateLimitFactor,
      ...(t.pollMs ? { pollMs: t.pollMs } : {}),
      ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
      ...(t.inFlightMs !== undefined ? { inFlightMs: t.inFlightMs } : {}),
      ...(t.backoffMs ? { backoffMs: t.backoffMs } : {}),
      ...(t.weightBudget ? { weightBudget: t.weightBudget } : {}),
      log: o.log,
    });
  } catch (err) {
    clock.dispose();
    const code = (err as { code?: unknown }).code;
    throw new DomainError('VENUE_REJECTED', `cannot open ${settings.exchangeId}: ${err instanceof Error ? err.message : String(err)}`, [{ path: typeof code === 'string' ? code : 'VENUE_UNAVAILABLE', message: 'open failed' }]);
  }
  const instruments = new InstrumentRegistry(venue.instruments());
  const mark = () => markAccountDir(journalDir, { exchangeId: settings.exchangeId, mode: settings.mode });
  const link: VenueLink = {
    exchangeId: venue.session.exchange.id,
    account: settings.mode === 'live' ? `${settings.exchangeId} · key …${creds!.apiKey.slice(-4)}` : `paper on ${settings.exchangeId}`,
    venueMode: settings.mode,
    apiUrl: settings.apiUrl,
    symbols: settings.symbols,
    connection: () => venue.connection(),
    onAlert: (l) => venue.onAlert(l),
  };
  if (settings.mode === 'paper') {
    const parts = paperOnLiveParts({ dataDir: journalDir, feed: venue, link, instruments, currency: venue.currency, seed: o.seed, clock, log: o.log });
    mark();
    return { parts, venue, settings, reconcileEveryMs: t.reconcileEveryMs };
  }
  link.gather = (snap) => gatherReconcileInput(venue, snap);
  link.follow = async (id, symbol) => {
    await venue.fetchOrder(id, symbol);
  };
  // The journal's starting cash is the exchange's (read once per start; kept only by a new journal).
  const account = await venue.fetchAccount();
  const port = new CcxtVenuePort(venue, clock, o.log);
  const baseline: Record<string, string> = { [account.currency]: rescale(account.cashUnits, CASH_DECIMALS, 8).toString() };
  for (const h of account.holdings) {
    const inst = venue.registry.get(h.symbol);
    if (inst) baseline[inst.base] = rescale(h.qtyUnits, inst.qtyDecimals, 8).toString();
  }
  // The marks at connect: the cost basis of opening positions (the holdings a new journal starts with).
  const marks = new Map<string, bigint>();
  for (const s of settings.symbols) {
    const tk = await venue.fetchTicker(s).catch(() => undefined);
    const mark = tk?.lastUnits ?? (tk?.bidUnits !== undefined && tk.askUnits !== undefined ? (tk.bidUnits + tk.askUnits) / 2n : undefined);
    if (mark !== undefined) marks.set(s, mark);
  }
  link.openingPrice = (s) => marks.get(s);
  const parts = liveParts({ dataDir: journalDir, venue: port, link, instruments, currency: venue.currency, initialCash: toDecimalString(account.cashUnits, CASH_DECIMALS), baseline, log: o.log, clock });
  mark();
  return { parts, venue, settings, reconcileEveryMs: t.reconcileEveryMs };
}

/** The host's VenueAdmin: venue.json and the vault of the data directory. */
export class HostVenueAdmin implements VenueAdmin {
  private readonly o: {
    dataDir: string;
    env: NodeJS.ProcessEnv;
    running: () => VenueSettings | undefined;
    current: () => CcxtVenue | undefined;
    apply: () => void;
    /** The host's own vault protector (Electron safeStorage through main). */
    protector?: Protector;
  };

  constructor(o: HostVenueAdmin['o']) {
    this.o = o;
  }

  getConfig(): VenueConfigDto {
    const s = readVenueSettings(this.o.dataDir);
    const running = this.o.running();
    const base = s ?? { exchangeId: 'binance', mode: 'paper' as const, symbols: ['BTC/USDT'], rateLimitFactor: 0.8, apiUrl: null };
    return {
      exchangeId: base.exchangeId,
      mode: base.mode,
      symbols: [...base.symbols],
      rateLimitFactor: base.rateLimitFactor,
      apiUrl: base.apiUrl,
      keysStored: this.keysStored(base.exchangeId),
      pending: JSON.stringify(s ? strip(s) : null) !== JSON.stringify(running ? strip(running) : null),
    };
  }

  setConfig(p: Params<'venue.config.set'>): VenueConfigDto {
    const old = readVenueSettings(this.o.dataDir);
    const next: VenueSettings = { exchangeId: p.exchangeId, mode: p.mode, symbols: p.symbols, rateLimitFactor: p.rateLimitFactor, apiUrl: p.apiUrl, ...(old?.tuning ? { tuning: old.tuning } : {}) };
    writeVenueSettings(this.o.dataDir, next);
    const dto = this.getConfig();
    if (p.apply) this.o.apply();
    return dto;
  }

  async setKeys(p: Params<'venue.keys.set'>): Promise<void> {
    await storeCredentials(this.o.dataDir, p.exchangeId, { apiKey: p.apiKey, secret: p.secret }, this.o.env, this.o.protector);
    // A venue stopped for refused keys trades again with the new ones.
    const v = this.o.current();
    if (v && v.session.exchange.id === p.exchangeId) v.session.resume({ apiKey: p.apiKey, secret: p.secret });
  }

  private keysStored(exchangeId: string): boolean {
    if (credentialsFromEnv(this.o.env)) return true;
    try {
      return new Vault(this.o.dataDir).names().includes(exchangeId);
    } catch {
      return false;
    }
  }
}

function strip(s: VenueSettings): Omit<VenueSettings, 'tuning'> {
  return { exchangeId: s.exchangeId, mode: s.mode, symbols: s.symbols, rateLimitFactor: s.rateLimitFactor, apiUrl: s.apiUrl };
}
