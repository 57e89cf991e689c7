import { isFromEngine, isVaultRequest } from './messages.ts';
import type { ToEngine, VaultReply, VaultRequest } from './messages.ts';

/**
 * Runs the engine utility process, reconnects every renderer after a crash and decides whether to
 * restart. Generic over the port type and given its Electron pieces (fork, MessageChannelMain) by
 * main/index.ts, so the whole policy is testable without Electron.
 */

export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more crash in the window gives up. */
  maxRestarts: number;
  windowMs: number;
  /** Delay before the first restart; doubles for each further crash in the window. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 4,
  windowMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
};

export type RestartDecision = { action: 'restart'; delayMs: number; attempt: number } | { action: 'give-up'; crashes: number };

/**
 * `crashTimes`: when the engine died unexpectedly, including the crash being decided on.
 * Crashes older than the window are forgotten, so an engine that ran for a while restarts fast.
 */
export function decideRestart(crashTimes: readonly number[], now: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const recent = crashTimes.filter((t) => now - t < policy.windowMs).length;
  if (recent > policy.maxRestarts) return { action: 'give-up', crashes: recent };
  const attempt = Math.max(1, recent);
  const delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return { action: 'restart', delayMs, attempt };
}

export type EngineStatus =
  | { state: 'starting' }
  | { state: 'ready'; pid: number }
  | { state: 'restarting'; exitCode: number; delayMs: number; attempt: number; reason: string | null }
  | { state: 'failed'; exitCode: number; crashes: number; reason: string | null }
  | { state: 'stopped' };

/** What we use of Electron's UtilityProcess. */
export interface UtilityProcessLike<P> {
  postMessage(message: ToEngine, transfer?: P[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  kill(): boolean;
}

export interface SupervisorDeps<P> {
  fork(): UtilityProcessLike<P>;
  createChannel(): { port1: P; port2: P };
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
  onStatus(status: EngineStatus): void;
  policy?: RestartPolicy;
  /** How long `stop()` waits for a clean exit before killing the process. */
  stopTimeoutMs?: number;
  /** Answers the engine's vault requests with safeStorage (main/vault-protector.ts); without it they are refused. */
  vault?: (req: VaultRequest) => Promise<VaultReply>;
}

export interface ClientHandle {
  /** A fresh port for this client (e.g. after its page reloaded). */
  reconnect(): void;
  disconnect(): void;
}

export interface EngineSupervisor<P> {
  start(): void;
  /** Registers a renderer: `deliver` gets a port now and a new one after every engine restart. */
  connect(deliver: (port: P) => void): ClientHandle;
  /** After `failed`: forget the crash history and start again. */
  retry(): void;
  stop(): Promise<void>;
  status(): EngineStatus;
}

export function createEngineSupervisor<P>(deps: SupervisorDeps<P>): EngineSupervisor<P> {
  const policy = deps.policy ?? DEFAULT_RESTART_POLICY;
  const stopTimeoutMs = deps.stopTimeoutMs ?? 5_000;
  const clients = new Set<(port: P) => void>();
  let proc: UtilityProcessLike<P> | null = null;
  let crashTimes: number[] = [];
  let lastFatal: string | null = null;
  let cancelRestart: (() => void) | null = null;
  let stopping = false;
  let onStopped: (() => void) | null = null;
  let current: EngineStatus = { state: 'stopped' };

  const setStatus = (s: EngineStatus): void => {
    current = s;
    deps.onStatus(s);
  };

  const connectClient = (deliver: (port: P) => void): void => {
    if (!proc) return;
    const { port1, port2 } = deps.createChannel();
    proc.postMessage({ type: 'strata:connect' }, [port1]);
    deliver(port2);
  };

  const onExit = (child: UtilityProcessLike<P>, code: number): void => {
    if (proc !== child) return;
    proc = null;
    if (stopping) {
      setStatus({ state: 'stopped' });
      onStopped?.();
      return;
    }
    crashTimes.push(deps.now());
    const decision = decideRestart(crashTimes, deps.now(), policy);
    const reason = lastFatal;
    if (decision.action === 'give-up') {
      setStatus({ state: 'failed', exitCode: code, crashes: decision.crashes, reason });
      return;
    }
    setStatus({ state: 'restarting', exitCode: code, delayMs: decision.delayMs, attempt: decision.attempt, reason });
    cancelRestart = deps.setTimer(() => {
      cancelRestart = null;
      spawn();
    }, decision.delayMs);
  };

  const spawn = (): void => {
    if (stopping || proc) return;
    lastFatal = null;
    setStatus({ state: 'starting' });
    let child: UtilityProcessLike<P>;
    try {
      child = deps.fork();
    } catch (err) {
      lastFatal = err instanceof Error ? err.message : String(err);
      const placeholder: UtilityProcessLike<P> = { postMessage() {}, on: () => placeholder, kill: () => false };
      proc = placeholder;
      onExit(placeholder, -1);
      return;
    }
    proc = child;
    child.on('message', (msg) => {
      if (proc !== child) return;
      if (isVaultRequest(msg)) {
        const refuse = (code: string, message: string): VaultReply => ({ type: 'strata:vault-reply', id: msg.id, ok: false, code, message });
        const answer = deps.vault ? deps.vault(msg) : Promise.resolve(refuse('SAFE_STORAGE_UNAVAILABLE', 'this shell has no safeStorage'));
        // Only to the process that asked: a restarted engine never gets its predecessor's key.
        void answer.catch((err: unknown) => refuse('SAFE_STORAGE_FAILED', err instanceof Error ? err.message : String(err))).then((reply) => {
          if (proc === child) child.postMessage(reply);
        });
        return;
      }
      if (!isFromEngine(msg)) return;
      if (msg.type === 'strata:ready') setStatus({ state: 'ready', pid: msg.pid });
      else lastFatal = msg.message;
    });
    child.on('exit', (code) => onExit(child, code));
    for (const deliver of clients) connectClient(deliver);
  };

  return {
    start: spawn,
    connect(deliver) {
      clients.add(deliver);
      connectClient(deliver);
      return {
        reconnect: () => {
          if (clients.has(deliver)) connectClient(deliver);
        },
        disconnect: () => {
          clients.delete(deliver);
        },
      };
    },
    retry() {
      if (current.state !== 'failed') return;
      crashTimes = [];
      spawn();
    },
    stop() {
      stopping = true;
      cancelRestart?.();
      cancelRestart = null;
      const child = proc;
      if (!child) {
        setStatus({ state: 'stopped' });
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        let done = false;
        let cancelGrace: (() => void) | null = null;
        const finish = (): void => {
          if (done) return;
          done = true;
          cancelKill();
          cancelGrace?.();
          resolve();
        };
        // Ask nicely, kill after the timeout, and give up waiting shortly after that.
        const cancelKill = deps.setTimer(() => {
          child.kill();
          cancelGrace = deps.setTimer(finish, 1_000);
        }, stopTimeoutMs);
        onStopped = finish;
        child.postMessage({ type: 'strata:stop' });
      });
    },
    status: () => current,
  };
}

export type StatusNotice =
  | { kind: 'none' }
  | { kind: 'notification'; title: string; body: string }
  | { kind: 'dialog'; title: string; message: string; detail: string };

/** How the shell tells the user about an engine status change. */
export function describeEngineStatus(status: EngineStatus): StatusNotice {
  switch (status.state) {
    case 'restarting':
      return {
        kind: 'notification',
        title: 'Strata engine restarted',
        body:
          `The trading engine stopped unexpectedly (exit code ${status.exitCode})` +
          `${status.reason ? `: ${status.reason}` : ''}. Restarting; requests in flight may need to be repeated.`,
      };
    case 'failed':
      return {
        kind: 'dialog',
        title: 'Strata',
        message: 'The trading engine keeps stopping.',
        detail:
          `It exited ${status.crashes} times within a minute (last exit code ${status.exitCode}).` +
          `${status.reason ? `\n\n${status.reason}` : ''}\n\nRetry, or quit and check the data directory and logs.`,
      };
    default:
      return { kind: 'none' };
  }
}
