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
