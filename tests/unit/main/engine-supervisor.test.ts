import { describe, expect, it } from 'vitest';
import { createEngineSupervisor, decideRestart, DEFAULT_RESTART_POLICY, describeEngineStatus } from '../../../main/engine-supervisor.ts';
import type { EngineStatus, RestartPolicy, UtilityProcessLike } from '../../../main/engine-supervisor.ts';
import type { ToEngine, VaultReply, VaultRequest } from '../../../main/messages.ts';

const policy: RestartPolicy = { maxRestarts: 3, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('decideRestart', () => {
  it('when the engine crashes once then it restarts after the base delay', () => {
    expect(decideRestart([1_000], 1_000, policy)).toEqual({ action: 'restart', delayMs: 100, attempt: 1 });
  });

  it('when it keeps crashing within the window then the delay doubles up to the cap', () => {
    expect(decideRestart([0, 10], 10, policy)).toEqual({ action: 'restart', delayMs: 200, attempt: 2 });
    expect(decideRestart([0, 10, 20], 20, policy)).toEqual({ action: 'restart', delayMs: 400, attempt: 3 });
    expect(decideRestart([0], 0, { ...policy, baseDelayMs: 5_000 })).toEqual({ action: 'restart', delayMs: 1_000, attempt: 1 });
  });

  it('when it crashes more often than allowed within the window then it gives up', () => {
    expect(decideRestart([0, 10, 20, 30], 30, policy)).toEqual({ action: 'give-up', crashes: 4 });
  });

  it('when earlier crashes are older than the window then they are forgotten', () => {
    expect(decideRestart([0, 10, 20, 70_000], 70_000, policy)).toEqual({ action: 'restart', delayMs: 100, attempt: 1 });
  });

  it('when the default policy is used then a handful of quick crashes are tolerated, not endless ones', () => {
    const times = Array.from({ length: DEFAULT_RESTART_POLICY.maxRestarts + 1 }, (_, i) => i);
    expect(decideRestart(times.slice(0, -1), 10).action).toBe('restart');
    expect(decideRestart(times, 10).action).toBe('give-up');
  });
});

interface FakePort {
  id: number;
  closed: boolean;
}

class FakeChild implements UtilityProcessLike<FakePort> {
  posted: { message: ToEngine; transfer: FakePort[] }[] = [];
  killed = false;
  private exitListeners: ((code: number) => void)[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  postMessage(message: ToEngine, transfer: FakePort[] = []): void {
    this.posted.push({ message, transfer });
  }
  on(event: 'exit' | 'message', listener: ((code: number) => void) | ((m: unknown) => void)): this {
    if (event === 'exit') this.exitListeners.push(listener as (code: number) => void);
    else this.messageListeners.push(listener as (m: unknown) => void);
    return this;
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  exit(code: number): void {
    for (const l of this.exitListeners) l(code);
  }
  send(m: unknown): void {
    for (const l of this.messageListeners) l(m);
  }
}

function harness(opts: { failFork?: boolean; vault?: (req: VaultRequest) => Promise<VaultReply> } = {}) {
  let now = 0;
  let nextPort = 1;
  const children: FakeChild[] = [];
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const statuses: EngineStatus[] = [];
  const supervisor = createEngineSupervisor<FakePort>({
    fork: () => {
      if (opts.failFork) throw new Error('no such file: engine-process.js');
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    createChannel: () => ({ port1: { id: nextPort++, closed: false }, port2: { id: nextPort++, closed: false } }),
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn, cancelled: false };
      timers.push(t);
      return () => {
        t.cancelled = true;
      };
    },
    onStatus: (s) => statuses.push(s),
    policy,
    stopTimeoutMs: 5_000,
    ...(opts.vault ? { vault: opts.vault } : {}),
  });
  const advance = (ms: number): void => {
    now += ms;
    for (const t of timers.filter((x) => !x.cancelled && x.at <= now)) {
      t.cancelled = true;
      t.fn();
    }
  };
  return { supervisor, children, statuses, advance, last: () => children[children.length - 1]! };
}

describe('engine supervisor', () => {
  it("when the engine asks main for the vault's key then the answer goes back to that process only", async () => {
    const answers: ((r: VaultReply) => void)[] = [];
    const { supervisor, children, advance } = harness({ vault: (req) => new Promise((resolve) => answers.push((r) => resolve({ ...r, id: req.id }))) });
    supervisor.start();
    children[0]!.send({ type: 'strata:vault', id: 1, op: 'status' });
    answers.shift()!({ type: 'strata:vault-reply', id: 0, ok: true, value: null });
    await Promise.resolve();
    await Promise.resolve();
    expect(children[0]!.posted.map((p) => p.message)).toEqual([{ type: 'strata:vault-reply', id: 1, ok: true, value: null }]);
    // An engine that died while main was answering never passes its key to its successor.
    children[0]!.send({ type: 'strata:vault', id: 2, op: 'unwrap', wrapped: 'AAAA' });
    children[0]!.exit(1);
    advance(100);
    answers.shift()!({ type: 'strata:vault-reply', id: 0, ok: true, value: 'a-key' });
    await Promise.resolve();
    await Promise.resolve();
    expect(children[1]!.posted.map((p) => p.message.type)).not.toContain('strata:vault-reply');
    expect(children[0]!.posted).toHaveLength(1);
  });

  it('when main has no safeStorage then a vault request is refused with a typed code', async () => {
    const { supervisor, last } = harness();
    supervisor.start();
    last().send({ type: 'strata:vault', id: 5, op: 'wrap', key: 'AAAA' });
    await Promise.resolve();
    await Promise.resolve();
    expect(last().posted.map((p) => p.message)).toEqual([{ type: 'strata:vault-reply', id: 5, ok: false, code: 'SAFE_STORAGE_UNAVAILABLE', message: 'this shell has no safeStorage' }]);
  });

  it('when a renderer connects then the engine gets one port and the renderer the other', () => {
    const { supervisor, last } = harness();
    supervisor.start();
    const delivered: FakePort[] = [];
    supervisor.connect((p) => delivered.push(p));
    expect(last().posted).toEqual([{ message: { type: 'strata:connect' }, transfer: [{ id: 1, closed: false }] }]);
    expect(delivered).toEqual([{ id: 2, closed: false }]);
  });

  it('when the engine reports ready then the status is ready with its pid', () => {
    const { supervisor, last, statuses } = harness();
    supervisor.start();
    last().send({ type: 'strata:ready', pid: 99 });
    expect(statuses).toEqual([{ state: 'starting' }, { state: 'ready', pid: 99 }]);
  });

  it('when the engine dies then it restarts after the delay and every renderer gets a new port', () => {
    const { supervisor, children, statuses, advance } = harness();
    supervisor.start();
    const delivered: number[] = [];
    supervisor.connect((p) => delivered.push(p.id));
    children[0]!.send({ type: 'strata:fatal', message: 'disk full' });
    children[0]!.exit(1);
    expect(statuses.at(-1)).toEqual({ state: 'restarting', exitCode: 1, delayMs: 100, attempt: 1, reason: 'disk full' });
    expect(children).toHaveLength(1);
    advance(99);
    expect(children).toHaveLength(1);
    advance(1);
    expect(children).toHaveLength(2);
    expect(children[1]!.posted.map((p) => p.message.type)).toEqual(['strata:connect']);
    expect(delivered).toEqual([2, 4]);
  });

  it('when a page reloads then reconnect gives it a fresh channel, and after disconnect none', () => {
    const { supervisor, last } = harness();
    supervisor.start();
    const delivered: number[] = [];
    const client = supervisor.connect((p) => delivered.push(p.id));
    client.reconnect();
    client.disconnect();
    client.reconnect();
    expect(delivered).toEqual([2, 4]);
    expect(last().posted).toHaveLength(2);
  });

  it('when it crashes too often then it gives up, and retry starts it again', () => {
    const { supervisor, children, statuses, advance } = harness();
    supervisor.start();
    for (let i = 0; i < policy.maxRestarts; i++) {
      children.at(-1)!.exit(1);
      advance(10_000);
    }
    expect(children).toHaveLength(policy.maxRestarts + 1);
    children.at(-1)!.exit(134);
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', exitCode: 134, crashes: policy.maxRestarts + 1 });
    advance(60_000);
    expect(children).toHaveLength(policy.maxRestarts + 1);
    supervisor.retry();
    expect(children).toHaveLength(policy.maxRestarts + 2);
    expect(supervisor.status()).toEqual({ state: 'starting' });
  });

  it('when fork itself throws then it counts as a crash with the error as the reason', () => {
    const { supervisor, statuses } = harness({ failFork: true });
    supervisor.start();
    expect(statuses.at(-1)).toMatchObject({ state: 'restarting', exitCode: -1, reason: 'no such file: engine-process.js' });
  });

  it('when stopping then the engine is asked to stop, and an exit then is not a crash', async () => {
    const { supervisor, last, statuses, advance, children } = harness();
    supervisor.start();
    const stopped = supervisor.stop();
    expect(last().posted.at(-1)?.message).toEqual({ type: 'strata:stop' });
    last().exit(0);
    await stopped;
    expect(statuses.at(-1)).toEqual({ state: 'stopped' });
    advance(60_000);
    expect(children).toHaveLength(1);
    expect(last().killed).toBe(false);
  });

  it('when the engine ignores the stop then it is killed after the timeout', async () => {
    const { supervisor, last, advance } = harness();
    supervisor.start();
    const stopped = supervisor.stop();
    advance(4_999);
    expect(last().killed).toBe(false);
    advance(1);
    expect(last().killed).toBe(true);
    last().exit(143);
    await stopped;
  });

  it('when the engine cannot even be killed then stop still returns', async () => {
    const { supervisor, advance } = harness();
    supervisor.start();
    const stopped = supervisor.stop();
    advance(5_000);
    advance(1_000);
    await expect(stopped).resolves.toBeUndefined();
  });

  it('when stop comes during a restart delay then no new engine is started', async () => {
    const { supervisor, children, advance } = harness();
    supervisor.start();
    children[0]!.exit(1);
    await supervisor.stop();
    advance(10_000);
    expect(children).toHaveLength(1);
  });
});

describe('describeEngineStatus', () => {
  it('when restarting then the user gets a notification with the exit code', () => {
    const n = describeEngineStatus({ state: 'restarting', exitCode: 3, delayMs: 100, attempt: 1, reason: null });
    expect(n).toMatchObject({ kind: 'notification' });
    expect(n.kind === 'notification' && n.body).toContain('exit code 3');
  });
  it('when failed then the user gets a dialog with the reason', () => {
    const n = describeEngineStatus({ state: 'failed', exitCode: 1, crashes: 5, reason: 'database is locked' });
    expect(n.kind).toBe('dialog');
    expect(n.kind === 'dialog' && n.detail).toContain('database is locked');
  });
  it('when ready or starting then nothing is shown', () => {
    expect(describeEngineStatus({ state: 'ready', pid: 1 })).toEqual({ kind: 'none' });
    expect(describeEngineStatus({ state: 'starting' })).toEqual({ kind: 'none' });
  });
});
