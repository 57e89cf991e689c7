import type { Clock } from '../core/clock.ts';
import { every } from '../core/clock.ts';
import type { Order } from '../core/order.ts';

/** What the watchdog tells the operator about (engine alert codes). */
export type WatchdogAlertCode = 'NOT_ACKNOWLEDGED' | 'CANCEL_NOT_CONFIRMED' | 'ORDER_LOST';

export interface WatchdogAlert {
  code: WatchdogAlertCode;
  orderId: string;
  message: string;
}

export interface WatchdogOptions {
  /** An order or child not acknowledged (or a cancel not confirmed) within this long is overdue. */
  ackTimeoutMs?: number;
  /** An order the venue still has no record of this long after it was sent is ended as lost. */
  giveUpMs?: number;
  /** How often the watchdog looks. */
  checkEveryMs?: number;
}

export interface WatchdogDeps {
  clock: Clock;
  oms: {
    openOrders(): Order[];
    cancel(id: string): unknown;
    cancelPendingSince(id: string): number | undefined;
    settle(id: string, giveUpUnknown: boolean, reasonMessage?: string): Promise<'final' | 'open' | 'unknown' | 'lost'>;
    /** Orders the venue does not know (algo parents, held triggers, replacements not yet sent). */
    heldByStrata?(o: Order): boolean;
  };
  alert(a: WatchdogAlert): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
}

export const DEFAULT_ACK_TIMEOUT_MS = 5_000;

/**
 * Nothing the engine sent may stay unanswered without someone noticing. An order still NEW (sent,
 * not acknowledged) or UNRESOLVED (the venue may or may not have it) past the ack timeout, or a cancel not confirmed past it, raises an alert and
 * is settled by asking the venue what it knows; the cancel is re-sent. An order the venue never
 * heard of is ended after `giveUpMs` with a cancel behind it, so a late arrival cannot rest
 * unseen. (Issue 8, D1: an order stayed NEW for seconds, a kill-switch cancel for minutes.)
 */
export class OrderWatchdog {
  private readonly d: WatchdogDeps;
  private readonly ackTimeoutMs: number;
  private readonly giveUpMs: number;
  private readonly checkEveryMs: number;
  /** Orders being settled now (one question to the venue at a time per order). */
  private readonly asking = new Set<string>();
  /** Orders already alerted on, with the alert, so one stall gives one alert. */
  private readonly alerted = new Map<string, WatchdogAlertCode>();
  private stopTimer: (() => void) | undefined;

  constructor(deps: WatchdogDeps, opts: WatchdogOptions = {}) {
    this.d = deps;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.giveUpMs = opts.giveUpMs ?? this.ackTimeoutMs * 3;
    this.checkEveryMs = opts.checkEveryMs ?? Math.max(250, Math.min(1_000, this.ackTimeoutMs / 2));
  }

  start(): void {
    if (this.stopTimer) return;
    this.stopTimer = every(this.d.clock, this.checkEveryMs, () => this.sweep());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  /** One look at every open order (parents excluded: their children are the orders at the venue). */
  sweep(): void {
    const now = this.d.clock.now();
    const open = new Set<string>();
    for (const o of this.d.oms.openOrders()) {
      if (this.d.oms.heldByStrata?.(o) ?? o.algo !== null) continue;
      open.add(o.id);
      if (this.asking.has(o.id)) continue;
      const cancelSince = this.d.oms.cancelPendingSince(o.id);
      if ((o.status === 'NEW' || o.status === 'UNRESOLVED') && now - o.createdAt >= this.ackTimeoutMs) {
        // An order the venue once acknowledged is never given up here (reconciliation counts its not-founds).
        const giveUp = now - o.createdAt >= this.giveUpMs && o.venueOrderId === null;
        this.raise({ code: 'NOT_ACKNOWLEDGED', orderId: o.id, message: `order ${o.id} not acknowledged by the venue after ${secs(now - o.createdAt)}; asking the venue` });
        this.ask(o.id, giveUp, `the venue has no record of this order ${secs(now - o.createdAt)} after it was sent; a cancel follows it in case it arrives late`);
      } else if (cancelSince !== undefined && now - cancelSince >= this.ackTimeoutMs) {
        this.raise({ code: 'CANCEL_NOT_CONFIRMED', orderId: o.id, message: `cancel of ${o.id} not confirmed after ${secs(now - cancelSince)}; re-sent and asking the venue` });
        this.d.oms.cancel(o.id);
        this.ask(o.id, false);
      }
    }
    for (const id of this.alerted.keys()) if (!open.has(id)) this.alerted.delete(id);
  }

  private raise(a: WatchdogAlert): void {
    if (this.alerted.get(a.orderId) === a.code) return;
    this.alerted.set(a.orderId, a.code);
    this.d.log('warn', a.message);
    this.d.alert(a);
  }

  private ask(id: string, giveUp: boolean, lostMessage?: string): void {
    this.asking.add(id);
    this.d.oms
      .settle(id, giveUp, lostMessage)
      .then((r) => {
        if (r === 'lost') {
          const message = `order ${id} ended: ${lostMessage ?? 'not acknowledged'}`;
          this.d.log('error', message);
          this.d.alert({ code: 'ORDER_LOST', orderId: id, message });
        }
      })
      .catch((err: unknown) => this.d.log('error', `watchdog: asking the venue about ${id} failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.asking.delete(id));
  }
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
