import type { Handlers } from '../contract/api.ts';
import type { EventFeed } from '../contract/rpc.ts';
import type { OrderIntake } from '../execution/intake.ts';

/** A built engine as its hosts see it (web server, Electron utility process, CLI tools, tests). */
export interface Engine {
  handlers: Handlers;
  feed: EventFeed;
  /**
   * Where every order enters, for in-process callers (the approval queue, backtest runners):
   * `intake.submit({ order, origin, approvedBy?, proposalId?, confirmSoft })`, outcome as data.
   * Over the contract, `orders.place` calls the same.
   */
  readonly intake: OrderIntake;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Recovery summary of the last start. */
  readonly recovery: { orders: number; fills: number; reconciled: number; fillsRecovered: number; unresolved: number } | undefined;
}
