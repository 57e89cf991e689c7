import type { KillSwitchCheckDto } from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';
import type { Order } from '../core/order.ts';

export interface KillSwitchCheckDeps {
  clock: Clock;
  openOrders(): Order[];
  /** Re-sends the cancel of one open venue order (not a parent). */
  cancelAgain(id: string): void;
  /** Asks the venue what it knows of one open venue order and applies it. */
  settle(id: string): Promise<unknown>;
  publish(): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  alert(code: string, message: string): void;
}

export interface KillSwitchCheckOptions {
  /** Time between checks (engine time). */
  intervalMs?: number;
  /** Checks before what is still open is escalated. */
  rounds?: number;
}

/**
 * The kill switch must be certain (issue 8, D1: a kill-switch cancel sat in the venue's inbox for
 * 110 s while its order kept resting). After the switch, every `intervalMs` the engine looks at
 * what is still open, re-sends those cancels and asks the venue about each; when nothing is open
 * the check is 'confirmed', and after the last round what remains is 'unconfirmed' and escalated.
 */
export class KillSwitchCheck {
  private readonly d: KillSwitchCheckDeps;
  private readonly intervalMs: number;
  private readonly maxRounds: number;
  private state: KillSwitchCheckDto | null = null;
  private timer: number | undefined;

  constructor(deps: KillSwitchCheckDeps, opts: KillSwitchCheckOptions = {}) {
    this.d = deps;
    this.intervalMs = opts.intervalMs ?? 2_000;
    this.maxRounds = opts.rounds ?? 4;
  }

  dto(): KillSwitchCheckDto | null {
    return this.state ? { ...this.state, pending: [...this.state.pending] } : null;
  }

  /** Starts a check right after the kill switch has asked every cancel. */
  begin(): void {
    if (this.timer !== undefined) this.d.clock.cancel(this.timer);
    const now = this.d.clock.now();
    this.state = { status: 'verifying', startedAt: now, checkedAt: now, rounds: 0, pending: this.openIds() };
    this.d.publish();
    this.arm();
  }

  stop(): void {
    if (this.timer !== undefined) this.d.clock.cancel(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = this.d.clock.schedule(this.d.clock.now() + this.intervalMs, () => {
      this.timer = undefined;
      this.check();
    });
  }

  private check(): void {
    const st = this.state;
    if (!st || st.status !== 'verifying') return;
    const open = this.d.openOrders();
    st.rounds++;
    st.checkedAt = this.d.clock.now();
    st.pending = open.map((o) => o.id);
    if (open.length === 0) {
      st.status = 'confirmed';
      this.d.log('info', `kill switch: every cancel confirmed after ${st.rounds} check(s)`);
      this.d.publish();
      return;
    }
    if (st.rounds >= this.maxRounds) {
      st.status = 'unconfirmed';
      const msg = `kill switch: ${open.length} order(s) still open after ${st.rounds} checks: ${st.pending.join(', ')}`;
      this.d.log('error', msg);
      this.d.alert('KILL_SWITCH_UNCONFIRMED', msg);
      this.d.publish();
      return;
    }
    this.d.log('warn', `kill switch: ${open.length} order(s) not yet final; re-sending their cancels and asking the venue`);
    for (const o of open) {
      if (o.algo !== null || o.trigger !== null) continue; // a parent ends when its children do
      this.d.cancelAgain(o.id);
      void this.d.settle(o.id).catch((err: unknown) => this.d.log('error', `kill switch: asking the venue about ${o.id} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    this.d.publish();
    this.arm();
  }

  private openIds(): string[] {
    return this.d.openOrders().map((o) => o.id);
  }
}
