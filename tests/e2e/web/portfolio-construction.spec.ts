import { apiClient, expect, test } from '../fixtures.ts';
import { PortfolioObject } from '../pages/l2.ts';

/**
 * The construction settings are pushed (portfolio.configured): a change made from another window
 * (here a second connection, as the CLI or another terminal window is) shows in the open Portfolio
 * view without asking again, and a form the operator is editing is not overwritten.
 */
test('a construction change from another window shows at once; a form being edited is kept', async ({ terminal: _terminal, page, engine }) => {
  const portfolio = new PortfolioObject(page);
  await portfolio.open();
  const construction = portfolio.root.getByRole('region', { name: 'Construction' });
  const heading = construction.getByRole('heading', { level: 3 });
  await expect(heading).toContainText('Construction: Signal-weighted');
  const form = construction.getByRole('form', { name: 'Construction settings' });

  const api = await apiClient(engine);
  try {
    await api.call('portfolio.configure', { method: 'hrp' });
    await expect(heading).toContainText('Construction: Hierarchical risk parity');
    // The form had not been touched: it follows the new settings.
    await expect(form.getByRole('combobox', { name: 'Method' })).toHaveValue('hrp');

    // The operator starts editing; another change elsewhere updates the heading, not the edit.
    await form.getByRole('textbox', { name: 'Max weight (%)' }).fill('12');
    await api.call('portfolio.configure', { rebalance: { cadence: 'weekly' } });
    await expect(heading).toContainText('weekly');
    await expect(form.getByRole('textbox', { name: 'Max weight (%)' })).toHaveValue('12');
    await expect(construction.getByRole('alert')).toHaveCount(0);
  } finally {
    api.close();
  }
});
