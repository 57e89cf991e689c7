import type { AlgoKind, OrderType, Side, TimeInForce, Urgency } from '../contract/dto.ts';
import type { OrderSourceDto as OrderSource } from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';
import type { InstrumentRegistry } from '../core/instrument.ts';
import type { Ledger, PositionState } from '../core/ledger.ts';
import type { Order } from '../core/order.ts';
import type { FillRecord, JournalPort, PreTradeCheck, TriggerRecord, VenuePort } from '../core/ports.ts';
import type { ParsedAmounts } from './amounts.ts';
import type { OrderEventName } from './order-events.ts';

/** What callers hand the OMS and what it needs (src/execution/oms.ts re-exports them). */

export interface PlaceRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qty: number | string;
  price?: number | string | undefined;
  source: OrderSource;
  urgency?: Urgency;
  /** Price the trader saw when deciding (TCA's decision price), and when. */
  decisionPriceUnits?: bigint | null;
  decisionTs?: number | null;
  /** Quantity and price already parsed (by the intake); without it the OMS parses qty and price. */
  amounts?: ParsedAmounts;
  /** A signal order approved by the operator: who approved it, and the proposal it came from. */
  approvedBy?: string | null;
  proposalId?: string | null;
  /** The operator confirmed soft limit breaches (the intake allows it for manual orders only). */
  riskConfirmed?: boolean;
}

/** Soft limit breaches the operator may still confirm: nothing was journaled. */
export interface HeldOrder {
  code: string;
  message: string;
  breaches: readonly { code: string; message: string }[];
}

/** What a top-level submission came to: an order (working, or DENIED and journaled), or held for confirmation. */
export type SubmitOutcome = { order: Order } | { held: HeldOrder };

/** A parent order: worked by an algorithm through children, never sent to a venue itself. */
export interface ParentRequest extends Omit<PlaceRequest, 'type' | 'tif'> {
  algo: AlgoKind;
  /** Serialised AlgoParams. */
  algoParams: string;
}

/** An order Strata holds until it triggers (a stop, a bracket's exit): journaled, never sent itself. */
export interface HeldRequest extends Omit<PlaceRequest, 'type' | 'tif'> {
  /** What the child is when it goes out: market, or limit at `price`. */
  childType: OrderType;
  trigger: TriggerRecord;
  ocoGroup?: string | null;
  /** A bracket exit's id ({entryId}-TP / -SL); others get the next sequence id. */
  id?: string;
  /** A bracket exit starts at quantity 0 (it grows with its entry's fills) and is checked per child. */
  check: boolean;
}

/** A cancel/replace: the new total quantity (filled included) and/or limit price. */
export interface ReplaceRequest {
  qtyUnits?: bigint;
  priceUnits?: bigint;
  /** The operator confirmed the soft breaches the replacement shows (manual orders only). */
  confirmSoft?: boolean;
}

export interface ChildRequest {
  qtyUnits: bigint;
  type: OrderType;
  priceUnits: bigint | null;
  tif: TimeInForce;
}

/** What the OMS tells the rest of the engine, after state is durable. */
export interface OmsListener {
  /** `event` names what happened (past tense), from the change the OMS journaled. */
  orderUpdated(order: Order, event: OrderEventName): void;
  orderDenied(order: Order): void;
  fillApplied(fill: FillRecord, order: Order, position: PositionState): void;
  /** Something the venue sent that does not fit our records (unknown order, overfill). */
  anomaly(message: string): void;
}

export interface OmsDeps {
  /** Mid price now, recorded on fills and as a parent's arrival price. */
  midOf?: (symbol: string) => bigint | undefined;
  clock: Clock;
  journal: JournalPort;
  venue: VenuePort;
  instruments: InstrumentRegistry;
  ledger: Ledger;
  check: PreTradeCheck;
  listener: OmsListener;
  /** Prefix of client order ids; unique per database so two installs never collide at a venue. */
  idPrefix: string;
}
