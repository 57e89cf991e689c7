import { describe, expect, it } from 'vitest';
import { orderStatusText } from '../../../../renderer/src/shared/order-status.ts';

describe('order status as the ticket and the blotter print it', () => {
  it('a resting order reads WORKING in both (the ticket printed the raw PENDING)', () => {
    expect(orderStatusText({ status: 'PENDING', displayStatus: 'working' })).toBe('WORKING');
    expect(orderStatusText({ status: 'NEW', displayStatus: 'pending-new' })).toBe('PENDING NEW');
    expect(orderStatusText({ status: 'PARTIALLY_FILLED', displayStatus: 'partially-filled' })).toBe('PARTIALLY FILLED');
    expect(orderStatusText({ status: 'FILLED', displayStatus: 'filled' })).toBe('FILLED');
  });
});
