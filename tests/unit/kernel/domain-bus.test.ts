import { describe, expect, it } from 'vitest';
import { DomainBus } from '../../../src/kernel/domain-bus.ts';
import { makeOrder } from '../../fixtures/engine/orders.ts';

describe('DomainBus', () => {
  it('when a consumer publishes while hearing an event then the nested event reaches every consumer before the outer call returns', () => {
    const seen: string[] = [];
    const bus = new DomainBus(() => undefined);
    const parent = makeOrder({ id: 'P1', status: 'PENDING' });
    const child = makeOrder({ id: 'P1-C1', parentId: 'P1', status: 'NEW' });
    bus.onOrder((o, e) => seen.push(`a ${o.id} ${e}`));
    // The algo runner sends a child when it hears of its parent.
    bus.onOrder((o) => {
      if (o.id === 'P1') bus.order(child, 'OrderSubmitted');
    });
    bus.onOrder((o, e) => seen.push(`c ${o.id} ${e}`));
    bus.order(parent, 'AlgoStarted');
    expect(seen).toEqual(['a P1 AlgoStarted', 'a P1-C1 OrderSubmitted', 'c P1-C1 OrderSubmitted', 'c P1 AlgoStarted']);
  });

  it('when one consumer throws then it is reported and the others still hear the event', () => {
    const errors: string[] = [];
    const heard: string[] = [];
    const bus = new DomainBus((err, ev) => errors.push(`${ev}: ${(err as Error).message}`));
    bus.on('FlagsChanged', () => {
      throw new Error('boom');
    });
    bus.on('FlagsChanged', ({ flags }) => heard.push(`flags ${flags.length}`));
    bus.onOrder(() => {
      throw new Error('bad algo');
    });
    bus.onOrder((o, e) => heard.push(`${o.id} ${e}`));
    bus.publish('FlagsChanged', { flags: [] });
    bus.order(makeOrder({ id: 'O1' }), 'OrderAccepted');
    expect(heard).toEqual(['flags 0', 'O1 OrderAccepted']);
    expect(errors).toEqual(['FlagsChanged: boom', 'OrderAccepted: bad algo']);
  });
});
