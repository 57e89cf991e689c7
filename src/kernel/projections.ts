import type { Events } from '../contract/api.ts';
import type { OrderDto } from '../contract/dto.ts';
import type { EventBus } from '../core/event-bus.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Ledger } from '../core/ledger.ts';
import type { Order } from '../core/order.ts';
import type { DomainBus } from './domain-bus.ts';
import { fillDto, positionDto } from './dto-mapping.ts';
import type { PortfolioValuation } from './valuation.ts';

export interface ProjectionDeps {
  instrumentOf: (symbol: string) => Instrument | undefined;
  orderDto: (o: Order) => OrderDto;
  mark: (symbol: string) => bigint | undefined;
  ledger: Ledger;
  valuation: PortfolioValuation;
}

type WireBus = EventBus<Events & Record<string, unknown>>;

/**
 * The wire's view of the domain events: each DTO is built only when a client subscribes to its
 * event (`bus.wants`), so a backtest or a benchmark without one builds none.
 */
export function projectOrders(domain: DomainBus, bus: WireBus, d: ProjectionDeps): void {
  domain.onOrder((o, event) => {
    if (event === 'OrderDenied' && bus.wants('order.denied')) bus.publish('order.denied', d.orderDto(o));
    if (bus.wants('order.updated')) bus.publish('order.updated', d.orderDto(o));
  });
}

/**
 * Reserved cash moves when a buy starts or stops working (fills publish the account anyway).
 * Registered after the algo runner and trigger book, so the account it shows includes what they did.
 */
export function projectAccountOnOrders(domain: DomainBus, bus: WireBus, d: ProjectionDeps): void {
  domain.onOrder((o) => {
    if (o.side === 'buy' && (o.status === 'NEW' || o.status === 'CANCELLED' || o.status === 'EXPIRED' || o.status === 'REJECTED') && bus.wants('account.updated')) {
      bus.publish('account.updated', d.valuation.account());
    }
  });
}

export function projectFills(domain: DomainBus, bus: WireBus, d: ProjectionDeps): void {
  domain.on('FillReceived', ({ fill, position }) => {
    const i = d.instrumentOf(fill.symbol);
    if (!i) return;
    if (bus.wants('fill')) bus.publish('fill', fillDto(fill, i));
    if (bus.wants('position.updated')) {
      const mark = d.mark(position.symbol);
      bus.publish('position.updated', positionDto(position, i, mark, d.ledger.marketValue(position, mark)));
    }
    if (bus.wants('account.updated')) bus.publish('account.updated', d.valuation.account());
  });
}

export function projectRisk(domain: DomainBus, bus: WireBus): void {
  domain.on('FlagsChanged', ({ flags }) => bus.publish('risk.flags', flags));
  domain.on('TradingStateChanged', ({ state }) => bus.publish('risk.state', state));
  domain.on('BreakerTripped', ({ event }) => bus.publish('risk.breaker', event));
  domain.on('LimitsChanged', ({ limits }) => bus.publish('risk.limits', limits));
}
