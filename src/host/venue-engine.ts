import { buildKernel, createEngine } from '../kernel/engine.ts';
import type { Engine } from '../kernel/engine.ts';
import type { KernelConfig, Log } from '../kernel/parts.ts';
import type { RiskControlOptions } from '../kernel/risk-control.ts';
import type { PmsLoopOptions } from '../pms/loop.ts';
import type { EngineSwitch } from './engine-switch.ts';
import type { DailyHistory } from './history.ts';
import { readVenueSettings } from './venue-config.ts';
import { HostVenueAdmin, openExchangeSession } from './venue-host.ts';
import type { ExchangeSession } from './venue-host.ts';
import type { Protector } from './vault/vault.ts';

/**
 * The engine a host serves, built from the data directory's venue settings (venue.json: ccxt live,
 * paper on live data, or the demo venue without the file), and rebuilt on Settings → apply. One
 * module for both hosts, `strata serve` (src/host/serve.ts) and the Electron utility process
 * (main/engine-build.ts), so the web UI and the desktop app run the same engine from the same
 * settings and switch venue the same way.
 */
export interface VenueEngineOptions {
  dataDir: string;
  seed: number;
  env: NodeJS.ProcessEnv;
  risk: RiskControlOptions;
  pms: PmsLoopOptions;
  /** Read at every build: the PMS's daily closes (the desktop app's ship under resources/). */
  dailyHistory: () => DailyHistory;
  /** Demo venue only (an exchange has its own history). */
  warmUpMinutes?: number;
  /** L2 signal cycle (the kernel's default without it). */
  cycleEveryMs?: number;
  log: Log;
  /** One line for the operator (the venue a build connected). */
  say: (line: string) => void;
  /** Move an exchange account's old files aside: the first build only, never a later switch. */
  fresh?: boolean;
  /**
   * The vault protector only this host has (Electron safeStorage, through main). It unlocks a
   * vault it made and protects a new one; passphrase and keyring vaults open as on any host.
   */
  protector?: Protector;
  /**
   * After each Settings → apply: the venue now serving, or why the configured one could not start
   * (said before the demo venue replaces it).
   */
  onRestart?: (r: { ok: true; venue: string } | { ok: false; error: unknown }) => void;
}

export class VenueEngines {
  readonly admin: HostVenueAdmin;
  private readonly o: VenueEngineOptions;
  private exchange: ExchangeSession | undefined;
  private sw: EngineSwitch | undefined;
  private fresh: boolean;
  private restarting = false;

  constructor(o: VenueEngineOptions) {
    this.o = o;
    this.fresh = o.fresh === true;
    this.admin = new HostVenueAdmin({
      dataDir: o.dataDir,
      env: o.env,
      running: () => this.exchange?.settings,
      current: () => this.exchange?.venue,
      // After the answer to venue.config.set has gone out: the restart stops the engine serving it.
      apply: () => setImmediate(() => void this.restart()),
      ...(o.protector ? { protector: o.protector } : {}),
    });
  }

  /** The exchange session the current engine runs on (undefined on the demo venue). */
  get session(): ExchangeSession | undefined {
    return this.exchange;
  }

  private kernelConfig(): KernelConfig {
    return {
      seed: this.o.seed,
      risk: this.o.risk,
      pms: { ...this.o.pms, dailyHistory: this.o.dailyHistory() },
      venueAdmin: this.admin,
      ...(this.o.cycleEveryMs !== undefined ? { l2: { cycleEveryMs: this.o.cycleEveryMs } } : {}),
    };
  }

  /** The demo venue's engine (the simulated market, the data directory's own journal). */
  demo(): Engine {
    this.exchange = undefined;
    return createEngine({ dataDir: this.o.dataDir, warmUpMinutes: this.o.warmUpMinutes, log: this.o.log, ...this.kernelConfig() });
  }

  /** Builds the engine the venue settings ask for (the demo venue without any). Not started. */
  async build(): Promise<Engine> {
    const settings = readVenueSettings(this.o.dataDir);
    if (!settings) return this.demo();
    this.exchange = await openExchangeSession(settings, {
      dataDir: this.o.dataDir,
      env: this.o.env,
      log: this.o.log,
      seed: this.o.seed,
      fresh: this.fresh,
      say: this.o.say,
      ...(this.o.protector ? { protector: this.o.protector } : {}),
    });
    this.fresh = false;
    this.o.say(`strata: venue ${settings.exchangeId} (${settings.mode === 'live' ? 'LIVE: real orders' : 'paper on live data'})${settings.apiUrl ? ` at ${settings.apiUrl}` : ''}, symbols ${settings.symbols.join(', ')}`);
    return buildKernel(this.exchange.parts, { ...this.kernelConfig(), warmUpMinutes: 0, ...(this.exchange.reconcileEveryMs !== undefined ? { reconcileEveryMs: this.exchange.reconcileEveryMs } : {}) });
  }

  /** The switch serving the engines built here: Settings → apply replaces its paper engine. */
  attach(sw: EngineSwitch): void {
    this.sw = sw;
  }

  /**
   * Settings → apply: the engine stops and starts again on the stored venue; each account keeps its
   * journal. A venue that cannot start leaves the demo venue serving (never no engine at all).
   */
  async restart(): Promise<void> {
    const sw = this.sw;
    if (this.restarting || !sw) return;
    this.restarting = true;
    try {
      await sw.paper.stop();
      this.exchange?.venue.session.throttle.close('venue switched');
      const next = await this.build();
      await next.start();
      sw.replacePaper(next);
      this.o.onRestart?.({ ok: true, venue: this.exchange?.settings.exchangeId ?? 'sim' });
    } catch (err) {
      this.o.onRestart?.({ ok: false, error: err });
      const demo = this.demo();
      await demo.start();
      sw.replacePaper(demo);
    } finally {
      this.restarting = false;
    }
  }
}
