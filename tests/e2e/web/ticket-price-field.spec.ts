import { expect, test } from '../fixtures.ts';

/**
 * The ticket's price field is a limit price for a direct order and a cap for an algorithm. An audit
 * placed a 3000 limit, switched to TWAP, and the 3000 stayed as the TWAP's cap, 5% under the market:
 * the TWAP never filled. And an iceberg needs its display quantity, said in words before submitting.
 */
test('switching between a limit and an algorithm clears a typed price; an iceberg without a display quantity is held with a plain message', async ({ terminal }) => {
  const { ticket } = terminal;
  await ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '1', algorithm: 'Limit', type: 'Limit', limitPrice: '3000' });
  await expect(ticket.limitPrice).toHaveValue('3000');
  await ticket.setAlgorithm('TWAP');
  await expect(ticket.priceCap).toHaveValue('');
  // A cap typed for the algorithm stays while the algorithm changes to another algorithm.
  await ticket.priceCap.fill('3100');
  await ticket.setAlgorithm('VWAP');
  await expect(ticket.priceCap).toHaveValue('3100');
  // ... and is cleared when the order goes back to a direct limit.
  await ticket.setAlgorithm('Limit');
  await expect(ticket.limitPrice).toHaveValue('');

  await ticket.setAlgorithm('Iceberg');
  await ticket.quantity.fill('3');
  await ticket.quantity.press('Enter');
  await expect(ticket.root).toContainText('Display quantity is required');
  await expect(ticket.root).not.toContainText('algoParams');
  await ticket.param('Display quantity').fill('0.5');
  await expect(ticket.root).not.toContainText('Display quantity is required');
});
