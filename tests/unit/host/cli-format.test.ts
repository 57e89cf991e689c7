import { describe, expect, it } from 'vitest';
import type { OrderDto, PositionDto } from '../../../src/contract/dto.ts';
import { orderRows, positionRows } from '../../../src/host/cli-format.ts';

const prec = new Map([['XRP/ETH', { priceDecimals: 8, qtyDecimals: 0 }], ['ETH/USDT', { priceDecimals: 2, qtyDecimals: 4 }]]);

function parent(status: OrderDto['status'], paused: boolean): OrderDto {
  // Only the fields the blotter prints.
  return { id: 'P-1', symbol: 'ETH/USDT', side: 'buy', type: 'market', tif: 'gtc', qty: 3, price: null, filledQty: 1, avgPrice: 3000, status, displayStatus: status.toLowerCase(), reason: null, execution: { algo: 'twap', paused }, trigger: null } as unknown as OrderDto;
}

describe('CLI human output', () => {
  it('when an algo parent is paused then its type says so, and once it has ended (a kill switch pauses, then cancels) it does not', () => {
    expect(orderRows([parent('PENDING', true)], prec)).toContain('twap (paused)');
    const ended = orderRows([parent('CANCELLED', true)], prec);
    expect(ended).toContain('twap');
    expect(ended).not.toContain('paused');
  });

  it('when the account is in ETH then money has 6 decimals (0.001063 ETH is not "-0.00"), in USD 2', () => {
    const p = { symbol: 'XRP/ETH', qty: 5000, avgPrice: 0.000284, markPrice: 0.000284, marketValue: 1.42, realizedPnl: -0.001063, unrealizedPnl: 0, fees: 0.000426 } as PositionDto;
    const eth = positionRows([p], prec, 'ETH');
    expect(eth).toContain('-0.001063');
    expect(eth).toContain('1.420000');
    expect(eth).toContain('0.000426');
    expect(positionRows([p], prec, 'USD')).toContain('-0.00');
  });
});
