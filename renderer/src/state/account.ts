import type { AccountDto, Client, PositionDto } from '../../../src/contract/index.ts';
import { conformList } from './slice.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { settle } from './toasts.ts';

/** Positions and the account (cash, equity, P&L) as the engine values them. */
export interface AccountSlice {
  positions: Record<string, PositionDto>;
  account: AccountDto | null;
}

export function accountInitial(): AccountSlice {
  return { positions: {}, account: null };
}

function onPosition(p: PositionDto): void {
  set((s) => ({ positions: { ...s.positions, [p.symbol]: p } }));
}

function onAccount(a: AccountDto): void {
  const cur = get().account;
  if (cur && typeof a.ts === 'number' && a.ts < cur.ts) return;
  set({ account: a });
}

async function load(c: Client, current: () => boolean): Promise<void> {
  const loadPositions = settle(c.call('positions.list', {}), 'positions').then((list) => {
    if (!current() || !list) return;
    const positions: Record<string, PositionDto> = {};
    for (const p of conformList('position.updated', list)) positions[p.symbol] = p;
    set({ positions });
  });
  const loadAccount = settle(c.call('account.get', {}), 'account').then((account) => {
    if (!current() || !account) return;
    set({ account });
  });
  await Promise.all([loadPositions, loadAccount]);
}

export const accountSlice: SliceDef = {
  name: 'account',
  events: { 'position.updated': onPosition, 'account.updated': onAccount },
  load,
  reset: () => set({ positions: {}, account: null }),
};
