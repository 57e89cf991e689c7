import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EventName, Handlers, MethodName } from '../contract/api.ts';
import type { BacktestProgressDto, Params } from '../contract/api.ts';
import type { ReplayStateDto } from '../contract/api/replay.ts';
import type { BacktestService } from './backtest-service.ts';
import type { EventFeed } from '../contract/rpc.ts';
import { DomainError } from '../core/errors.ts';
import type { Engine } from '../kernel/engine.ts';
import type { Log } from '../kernel/parts.ts';
import type { PmsLoopOptions } from '../pms/loop.ts';
import { loadReplayMarket } from '../kernel/replay/candle-tape.ts';
import { defaultReplayCash, limitsForCash } from '../kernel/replay/replay-cash.ts';
import { ReplaySession } from '../kernel/replay/session.ts';
import type { RiskControlOptions } from '../kernel/risk-control.ts';
import { toWireError } from '../kernel/wire.ts';

/**
 * What a serving host exposes: the paper engine, and while a replay is loaded, the replay's engine
 * instead. Every contract method but `replay.*` goes to whichever is current, and only its events
 * reach the clients, so the UI shows the replay account exactly as it shows paper. The paper engine
 * keeps running underneath, untouched: its orders, fills and files never meet the replay's.
 *
 * The switch subscribes to the paper engine for the union of what its subscribers named (the
 * server's fan-out names what its clients asked for in `?events=`), and not at all while a replay
 * holds the screen: subscribed to everything, the paper engine built a DTO for every book, quote,
 * trade and account refresh even when every client had asked for its orders alone, or when the
 * replay's events were the only ones shown. The replay session's feed takes no event list (it
 * follows its engine whole for its conflater, src/kernel/replay/session.ts), so its events are
 * filtered here, per subscriber.
 */

type AnyHandler = (p: unknown) => unknown;
type Listener = Parameters<EventFeed['subscribe']>[0];

export interface EngineSwitchOptions {
  paper: Engine;
  seed: number;
  risk?: RiskControlOptions;
  pms?: PmsLoopOptions;
  log?: Log;
  /** Base for relative replay paths (default the process's working directory). */
  cwd?: string;
  /** Answers backtest.* (the data directory's series and runs); without it the kernel refuses them. */
  backtests?: (publish: (p: BacktestProgressDto) => void) => BacktestService;
  /** The host's event clients behind (RunningServer.backpressure): a max-speed replay waits on it between slices. */
  backpressure?: () => Promise<void> | undefined;
}

export interface ReplayLoad {
  path: string;
  symbol?: string;
  speed?: ReplayStateDto['speed'];
  from?: number;
  /** Starting cash of the replay account (default: replay-cash.ts defaultReplayCash). */
  cash?: string;
}

export class EngineSwitch {
  private readonly o: EngineSwitchOptions;
  private replay: ReplaySession | undefined;
  private current: Engine;
  private unsubscribePaper: (() => void) | undefined;
  /** What the paper subscription names: '*' all, '' none (not subscribed), else the sorted names. */
  private paperKey = '';
  private replayHandlers: Handlers | undefined;
  /** Each subscriber with the events it named (undefined: all of them). */
  private readonly listeners = new Map<Listener, ReadonlySet<EventName> | undefined>();
  private generation = 0;
  private readonly backtests: BacktestService | undefined;
  readonly handlers: Handlers;
  readonly feed: EventFeed;

  constructor(o: EngineSwitchOptions) {
    this.o = o;
    this.current = o.paper;
    const bt = (this.backtests = o.backtests?.((p) => this.emit('backtest.progress', p)));
    const own: Partial<Record<MethodName, AnyHandler>> = {
      ...(bt
        ? {
            'backtest.data': () => bt.data(),
            'backtest.import': (p: unknown) => bt.import((p as Params<'backtest.import'>).path, (p as Params<'backtest.import'>).name),
            'backtest.run': (p: unknown) => bt.run(p as Params<'backtest.run'>),
            'backtest.fidelities': (p: unknown) => bt.fidelities(p as Params<'backtest.fidelities'>),
            'backtest.sweep': (p: unknown) => bt.sweep(p as Params<'backtest.sweep'>),
            'backtest.sweepResult': (p: unknown) => bt.sweepResult((p as Params<'backtest.sweepResult'>).jobId),
            'backtest.list': (p: unknown) => bt.list((p as Params<'backtest.list'>).limit),
            'backtest.show': (p: unknown) => bt.show((p as Params<'backtest.show'>).id),
            'backtest.cancel': (p: unknown) => bt.cancel((p as Params<'backtest.cancel'>).jobId),
          }
        : {}),
      'replay.load': (p) => this.load(p as ReplayLoad),
      'replay.stop': () => this.stop(),
      'replay.status': () => (this.replay ? this.adj(this.replay.state()) : this.idleState()),
      'replay.play': () => this.adj(this.session().play()),
      'replay.pause': () => this.adj(this.session().pause()),
      'replay.step': (p) => this.adj(this.session().step((p as { events: number }).events)),
      'replay.speed': (p) => this.adj(this.session().setSpeed((p as { speed: ReplayStateDto['speed'] }).speed)),
      'replay.seek': async (p) => this.adj(await this.session().seek((p as { time: number }).time)),
    };
    const wrapped: Partial<Record<MethodName, AnyHandler>> = {};
    for (const [name, h] of Object.entries(own) as [MethodName, AnyHandler][]) {
      // The same edge as the kernel's: a DomainError reaches the client as its code.
      wrapped[name] = (p) => {
        try {
          const r = h(p);
          return r instanceof Promise ? r.catch((err: unknown) => Promise.reject(toWireError(err))) : r;
        } catch (err) {
          throw toWireError(err);
        }
      };
    }
    this.handlers = new Proxy({} as Handlers, {
      get: (_t, method: string) => {
        const m = method as MethodName;
        return wrapped[m] ?? ((this.replayHandlers ?? this.current.handlers)[m] as AnyHandler | undefined);
      },
    });
    this.feed = {
      subscribe: (l, events) => {
        this.listeners.set(l, events === undefined ? undefined : new Set(events));
        this.followPaper();
        return () => {
          this.listeners.delete(l);
          this.followPaper();
        };
      },
    };
  }

  get paper(): Engine {
    return this.current;
  }

  /**
   * The host rebuilt the paper/live engine (Settings → apply switches the venue): requests and
   * events move to the new one; a loaded replay keeps the screen until it stops.
   */
  replacePaper(next: Engine): void {
    this.unfollowPaper();
    this.current = next;
    this.followPaper();
  }

  /**
   * Subscribes to the paper engine for the union of what the subscribers want (everything if one
   * named nothing), none while a replay is loaded; renewed only when that changes.
   */
  private followPaper(): void {
    let all = false;
    const union = new Set<EventName>();
    if (!this.replay) {
      for (const events of this.listeners.values()) {
        if (events === undefined) all = true;
        else for (const e of events) union.add(e);
      }
    }
    const key = all ? '*' : [...union].sort().join(',');
    if (key === this.paperKey) return;
    this.unfollowPaper();
    this.paperKey = key;
    if (key === '') return;
    const paper = this.current;
    const push = <E extends EventName>(type: E, data: unknown): void => {
      if (!this.replay && this.current === paper) this.emit(type, data);
    };
    this.unsubscribePaper = all ? paper.feed.subscribe(push) : paper.feed.subscribe(push, [...union]);
  }

  private unfollowPaper(): void {
    this.unsubscribePaper?.();
    this.unsubscribePaper = undefined;
    this.paperKey = '';
  }

  get replaySession(): ReplaySession | undefined {
    return this.replay;
  }

  async load(p: ReplayLoad): Promise<ReplayStateDto> {
    const path = resolve(this.o.cwd ?? process.cwd(), p.path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new DomainError('BAD_FILE', `cannot read ${p.path}: ${(err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))}`);
    }
    // A candle file, a trade tape or a Strata recording (candle-tape.ts says how bars replay).
    const market = loadReplayMarket(text, p.path, p.symbol);
    // Opened before the old one closes: a bad --from refuses the load and leaves the current one playing.
    // The account in the tape's quote currency, and the default limits' money levels sized to it.
    const initialCash = p.cash ?? defaultReplayCash(market);
    const risk = this.o.risk?.limits ? this.o.risk : { ...this.o.risk, limits: limitsForCash(initialCash) };
    const next = await ReplaySession.open({ market, file: p.path, seed: this.o.seed, speed: p.speed, from: p.from, initialCash, risk, pms: this.o.pms, log: this.o.log });
    next.backpressure = this.o.backpressure;
    await this.closeReplay();
    this.replay = next;
    this.replayHandlers = next.handlers();
    this.followPaper();
    next.subscribe((type, data) => {
      if (this.replay === next) this.emit(type, type === 'replay.state' ? this.adj(data as ReplayStateDto) : data);
    });
    this.o.log?.('info', `replay loaded: ${p.path} (${market.events} ${market.format === 'candles' ? 'prints from candles' : 'trades'}, ${market.tapes.map((t) => t.instrument.symbol).join(', ')}; account ${initialCash} ${market.currency})`);
    return this.announce(next.state());
  }

  async stop(): Promise<ReplayStateDto> {
    this.session();
    await this.closeReplay();
    return this.announce(this.idleState());
  }

  /**
   * The switch as an engine to a host that serves one (the Electron utility process,
   * main/engine-host.ts): start starts the paper engine, stop closes everything. Every host then
   * goes through the same switch.
   */
  hosted(): { handlers: Handlers; feed: EventFeed; start(): Promise<void>; stop(): Promise<void> } {
    return { handlers: this.handlers, feed: this.feed, start: () => this.current.start(), stop: () => this.close() };
  }

  /** Stops the replay (if any) and the paper engine. */
  async close(): Promise<void> {
    this.backtests?.close();
    await this.closeReplay();
    await this.current.stop();
  }

  private session(): ReplaySession {
    if (!this.replay) throw new DomainError('REPLAY_NOT_LOADED', 'no replay is loaded (strata replay load FILE)');
    return this.replay;
  }

  private async closeReplay(): Promise<void> {
    const r = this.replay;
    if (!r) return;
    this.replay = undefined;
    this.replayHandlers = undefined;
    this.followPaper();
    await r.close();
  }

  /**
   * A switch of engines voids what clients knew: the generation moves on so that they load every
   * snapshot again (the replay's own rebuilds move it too, offset by this count).
   */
  private announce(s: ReplayStateDto): ReplayStateDto {
    this.generation += 1000;
    const out = this.adj(s);
    this.emit('replay.state', out);
    return out;
  }

  /** A session's state with the generation kept monotonic across loads and stops. */
  private adj(s: ReplayStateDto): ReplayStateDto {
    return { ...s, generation: s.generation + this.generation };
  }

  private idleState(): ReplayStateDto {
    return { loaded: false, file: null, format: null, symbols: [], position: 0, start: 0, end: 0, speed: '1', playing: false, events: 0, played: 0, generation: this.generation, ended: false };
  }

  private emit(type: string, data: unknown): void {
    for (const [l, events] of this.listeners) if (events === undefined || events.has(type as EventName)) l(type as never, data as never);
  }
}
