import { DISPLAY_STATUS_LABELS } from '../../../src/contract/index.ts';
import type { OrderDto } from '../../../src/contract/index.ts';

/**
 * An order's status as every panel prints it: the contract's display name (one mapping for UI and
 * CLI). The ticket printed the raw OMS status (PENDING) while the blotter printed WORKING for the
 * same resting order.
 */
export function orderStatusText(o: Pick<OrderDto, 'displayStatus' | 'status'>): string {
  return (DISPLAY_STATUS_LABELS[o.displayStatus] ?? o.status.replace('_', ' ')).toUpperCase();
}

/**
 * The two in-flight states say it short on the blotter's chip: they last until the venue answers (ms in paper),
 * but the grid's column widths only grow, so "PENDING NEW" kept the Status column ~30 px wider than
 * any resting order needs, which at 1280 px pushed Qty and Filled out. The engine's status is in the
 * cell's title.
 */
const CHIP_LABELS: Partial<Record<OrderDto['displayStatus'], string>> = { 'pending-new': 'Pending', 'pending-cancel': 'Cancelling' };

export function orderChipText(o: Pick<OrderDto, 'displayStatus' | 'status'>): string {
  const short = CHIP_LABELS[o.displayStatus];
  return short !== undefined ? short.toUpperCase() : orderStatusText(o);
}
