import { expect, test } from '../fixtures.ts';

test('debug tape', async ({ terminal, page }) => {
  test.setTimeout(90_000);
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      const t = typeof f.payload === 'string' ? f.payload : f.payload.toString();
      frames.push(t);
    });
  });
  await page.reload();
  await expect(terminal.connection).toHaveAccessibleName('Connection: Connected');
  await terminal.ticket.fill({ symbol: 'ETH/USDT', side: 'Buy', quantity: '5', urgency: 'High', algorithm: 'TWAP', duration: '20', slices: '5' });
  await terminal.ticket.submitButton.click();
  await page.waitForTimeout(22000);
  const tape = await page.getByRole('region', { name: 'Trades' }).locator('tbody tr').allInnerTexts();
  console.log(tape.slice(0, 5).join('\n'));
  const badRow = tape.find((r) => /6\d,\d{3}\./.test(r)) ?? '';
  console.log('badRow', badRow);
  const px = badRow.split('\t')[1]?.replace(/,/g, '') ?? 'x';
  const hits = frames.filter((f) => f.includes(px));
  console.log('frames with', px, hits.length);
  for (const h of hits.slice(0, 4)) {
    const i = h.indexOf(px);
    console.log(h.slice(0, 120), ' ... ', h.slice(Math.max(0, i - 300), i + 200));
  }
});
