import type { ApprovalOutcomeDto, ApprovalQueueDto, AutoApprovePolicyDto, Client, ParamsIn, ProposalDto, TradingStateDto } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import { conformList } from './slice.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { errorText, toast } from './toasts.ts';

/**
 * The operator's approval queue: every signal-generated order as a proposal (PROPOSED / MODIFIED
 * wait for the operator; APPROVED / REJECTED / EXPIRED are decided). Proposals arrive by
 * `proposal.created` / `proposal.updated` and the `approvals.list` snapshot; a newer update
 * replaces an older one and a decided proposal never steps back to waiting.
 */

/** Decided proposals kept in view; waiting ones are always kept. */
export const DECIDED_CAP = 500;

const WAITING = new Set<string>(['PROPOSED', 'MODIFIED']);

export function isWaiting(p: Pick<ProposalDto, 'status'>): boolean {
  return WAITING.has(p.status);
}

export interface ApprovalsSlice {
  proposals: Record<string, ProposalDto>;
  /** How many proposals wait for the operator (the top bar's badge). */
  waitingCount: number;
  /** The engine froze the queue (kill switch, HALTED): nothing is approved while frozen. */
  queueFrozen: { frozen: boolean; reason: string | null };
  autoApprove: AutoApprovePolicyDto[];
  selectedProposal: string | null;
  /** Ids with a request (approve, reject, modify) in flight. */
  proposalBusy: Record<string, true>;
}

export function approvalsInitial(): ApprovalsSlice {
  return { proposals: {}, waitingCount: 0, queueFrozen: { frozen: false, reason: null }, autoApprove: [], selectedProposal: null, proposalBusy: {} };
}

/** Whether `inc` may replace `old`: newer wins; at the same time a decided proposal never goes back to waiting. */
export function newerProposal(old: ProposalDto, inc: ProposalDto): boolean {
  if (inc.updatedAt !== old.updatedAt) return inc.updatedAt > old.updatedAt;
  if (!isWaiting(old) && isWaiting(inc)) return false;
  return true;
}

function countWaiting(all: Record<string, ProposalDto>): number {
  let n = 0;
  for (const p of Object.values(all)) if (isWaiting(p)) n++;
  return n;
}

/** Drops the oldest decided proposals beyond DECIDED_CAP. */
function capped(all: Record<string, ProposalDto>): Record<string, ProposalDto> {
  const decided = Object.values(all).filter((p) => !isWaiting(p));
  if (decided.length <= DECIDED_CAP) return all;
  const drop = decided.sort((a, b) => a.updatedAt - b.updatedAt).slice(0, decided.length - DECIDED_CAP);
  const next = { ...all };
  for (const p of drop) delete next[p.id];
  return next;
}

/** Applies proposals (events, replies) that are newer than what the store holds. */
export function applyProposals(list: readonly ProposalDto[]): void {
  if (list.length === 0) return;
  set((s) => {
    let next: Record<string, ProposalDto> | null = null;
    for (const p of list) {
      const old = (next ?? s.proposals)[p.id];
      if (old && !newerProposal(old, p)) continue;
      next ??= { ...s.proposals };
      next[p.id] = p;
    }
    if (!next) return {};
    const proposals = capped(next);
    return { proposals, waitingCount: countWaiting(proposals) };
  });
}

function onProposal(p: ProposalDto): void {
  const known = get().proposals[p.id];
  applyProposals([p]);
  // An expiry or an engine-side refusal happens without the operator: say so once.
  if (known && isWaiting(known) && p.status === 'EXPIRED') toast('warn', `Proposal ${p.id} ${p.side.toUpperCase()} ${p.qty} ${p.symbol} expired${p.reason ? `: ${p.reason}` : ''}`);
}

/**
 * Proposals in the order the queue shows them: waiting first (oldest first: the operator works the
 * queue in arrival order), then decided ones, most recent first.
 */
export function queueOrder(all: Record<string, ProposalDto>, filter: 'waiting' | 'all' = 'all'): ProposalDto[] {
  const list = Object.values(all).filter((p) => filter === 'all' || isWaiting(p));
  return list.sort((a, b) => {
    const wa = isWaiting(a);
    const wb = isWaiting(b);
    if (wa !== wb) return wa ? -1 : 1;
    if (wa) return a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
    return b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1);
  });
}

async function refreshQueue(c: Client | null = null, current: () => boolean = () => true): Promise<void> {
  // Every waiting proposal, and the most recent decided ones beside them (one list could cut either).
  const ask = (scope: 'pending' | 'all', limit: number): Promise<ApprovalQueueDto | null> =>
    c ? c.call('approvals.list', { scope, limit }).catch(() => null) : call('approvals.list', { scope, limit }).catch(() => null);
  const [pending, recent] = await Promise.all([ask('pending', 1000), ask('all', 200)]);
  if (!current()) return;
  const q = pending ?? recent;
  if (!q) return;
  applyProposals([...conformList('proposal.updated', recent?.proposals ?? []), ...conformList('proposal.updated', pending?.proposals ?? [])]);
  set({ queueFrozen: { frozen: Boolean(q.frozen), reason: q.frozenReason ?? null }, autoApprove: Array.isArray(q.autoApprove) ? q.autoApprove : [] });
}

/** The engine freezes the queue on HALTED (and the kill switch); ask again when the state moves. */
function onRiskState(st: TradingStateDto): void {
  const halted = st.mode === 'HALTED';
  if (halted !== get().queueFrozen.frozen) void refreshQueue();
}

export const approvalsSlice: SliceDef = {
  name: 'approvals',
  events: { 'proposal.created': onProposal, 'proposal.updated': onProposal, 'risk.state': onRiskState },
  load: (c, current) => refreshQueue(c, current),
  reset: () => set({ proposals: {}, waitingCount: 0, queueFrozen: { frozen: false, reason: null }, autoApprove: [], selectedProposal: null, proposalBusy: {} }),
};

// ---------------------------------------------------------------------------------------------
// Actions.

export function selectProposal(id: string | null): void {
  set({ selectedProposal: id });
}

function busy(ids: readonly string[], on: boolean): void {
  set((s) => {
    const next = { ...s.proposalBusy };
    for (const id of ids) {
      if (on) next[id] = true;
      else delete next[id];
    }
    return { proposalBusy: next };
  });
}

function outcomeText(o: ApprovalOutcomeDto): string {
  return o.ok ? `${o.id} sent${o.orderId ? ` as order ${o.orderId}` : ''}` : `${o.id} not sent: ${o.code ?? 'REFUSED'} — ${o.message}`;
}

/**
 * Approves proposals (one, a selection, or a batch's). L1 runs again in the engine; an outcome that
 * was refused is toasted with its code. Approving twice sends once: the engine answers the second
 * with the first outcome.
 */
export async function approveProposals(ids: readonly string[]): Promise<ApprovalOutcomeDto[]> {
  if (ids.length === 0) return [];
  busy(ids, true);
  try {
    const res = await call('approvals.approve', { ids: [...ids] });
    const results = Array.isArray(res?.results) ? res.results : [];
    for (const o of results) toast(o.ok ? 'info' : 'warn', `Proposal ${outcomeText(o)}`);
    return results;
  } catch (err) {
    const e = errorText(err);
    toast('error', `Approve ${ids.join(', ')} failed: ${e.code} — ${e.message}`);
    return [];
  } finally {
    busy(ids, false);
    void refreshQueue();
  }
}

/** Rejects with the operator's reason; throws the engine's refusal for the dialog to show. */
export async function rejectProposal(id: string, reason: string): Promise<ProposalDto> {
  busy([id], true);
  try {
    const p = await call('approvals.reject', { id, reason });
    applyProposals([p]);
    toast('info', `Proposal ${id} rejected: ${reason}`);
    return p;
  } finally {
    busy([id], false);
  }
}

export type ModifyPatch = Omit<ParamsIn<'approvals.modify'>, 'id'>;

/** Changes quantity, urgency or algo; the engine re-runs L1 and the reply carries the new verdict. Throws its refusal. */
export async function modifyProposal(id: string, patch: ModifyPatch): Promise<ProposalDto> {
  busy([id], true);
  try {
    const p = await call('approvals.modify', { id, ...patch });
    applyProposals([p]);
    return p;
  } finally {
    busy([id], false);
  }
}
