import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PortfolioSettingsDto } from '../../../../src/contract/api/portfolio.ts';
import { RpcError, createClient, createMemoryPair, serveEndpoint } from '../../../../src/contract/index.ts';
import type {
  AlphaDto,
  ApprovalQueueDto,
  Client,
  EventFeed,
  EventName,
  Events,
  Handlers,
  PortfolioTargetDto,
  ProposalDto,
  RiskCheckDto,
  SessionInfoDto,
  SignalCycleDto,
  SignalDto,
} from '../../../../src/contract/index.ts';
import {
  SLICES,
  approveProposals,
  attach,
  configurePortfolio,
  detach,
  loadPortfolioSettings,
  modifyProposal,
  queueOrder,
  rebalance,
  rejectProposal,
  setAlphaEnabled,
  setAlphaParam,
  useStore,
  watchTarget,
} from '../../../../renderer/src/state/index.ts';
import { initialState } from '../../../../renderer/src/state/store.ts';

/**
 * The L2 slices (signals, portfolio, approvals) against a fake engine on the in-memory contract pair:
 * snapshots load, pushes apply in order (a stale or malformed one is dropped, a decided proposal never
 * goes back to waiting), the waiting count follows, and actions send what the contract says and
 * apply the engine's answer or surface its refusal.
 */

const PASS: RiskCheckDto = {
  verdict: 'pass',
  code: null,
  message: 'ok',
  breaches: [],
  confirmable: false,
  confirmed: false,
  reducing: false,
  tier: 'T3',
  volRegime: 'normal',
  volRatio: 1,
  checked: [],
  deferred: [],
};

const IMPACT = { positionQty: 0, positionPctNav: 0, grossExposure: 0, leverage: 0, var99: null };

function proposal(id: string, patch: Partial<ProposalDto> = {}): ProposalDto {
  return {
    id,
    batchId: 'B1',
    status: 'PROPOSED',
    createdAt: 100,
    updatedAt: 100,
    expiresAt: 100 + 600_000,
    symbol: 'SPY',
    side: 'buy',
    qty: '10',
    urgency: 'medium',
    algo: 'twap',
    algoChosen: false,
    routing: 'medium → TWAP 10 min',
    currentWeight: 0,
    targetWeight: 0.3,
    conviction: 1,
    contributions: [],
    sizing: [],
    decisionPrice: 400,
    priceBand: 0.02,
    estimatedValue: 4000,
    verdict: PASS,
    checkedAt: 100,
    before: IMPACT,
    after: IMPACT,
    expectedCost: null,
    orderId: null,
    reason: null,
    decidedBy: null,
    decidedAt: null,
    autoApproved: false,
    audit: [],
    ...patch,
  };
}

function alpha(name: string, patch: Partial<AlphaDto> = {}): AlphaDto {
  return { name, kind: 'strategic', description: 'd', enabled: true, weight: 1, cadence: 'monthly', params: { weight: 1, targets: { SPY: 0.6, CASH: 0.4 } }, diagnostics: null, lastRunAt: null, ...patch };
}

function signal(id: string, time: number, patch: Partial<SignalDto> = {}): SignalDto {
  return { id, cycleId: 'C1', instrument: 'SPY', kind: 'target', value: 0.6, urgency: 'medium', horizonMs: null, alpha: 'strategic', conviction: 1, expectedReturn: null, time, inputs: {}, ...patch };
}

const SETTINGS: PortfolioSettingsDto = {
  method: 'signal-weighted',
  lookbackDays: 252,
  riskFreeRate: 0,
  constraints: { minWeight: 0, maxWeight: null, cashBuffer: 0.02, groups: {}, groupCaps: {}, stayClose: 0 },
  sizing: 'dynamic',
  rebalance: { minTradeValue: null, driftThreshold: 0.02, turnoverCap: null, maxTradeWeight: 0.1, cadence: 'daily' },
};

function target(at: number): PortfolioTargetDto {
  return { at, nav: 1_000_000, currency: 'USDT', cash: 0.4, currentCash: 1, rows: [], cycleId: 'C1', risk: { symbols: [], observations: 0, barMs: 86_400_000, periodsPerYear: 0, current: null, target: null, missing: [], unavailable: null } };
}

interface FakeEngine {
  client: Client;
  emit<E extends EventName>(event: E, data: Events[E] | unknown): void;
  calls: { method: string; params: unknown }[];
  queue: Map<string, ProposalDto>;
}

function fakeEngine(): FakeEngine {
  const [a, b] = createMemoryPair();
  const listeners = new Set<(event: EventName, data: never) => void>();
  const feed: EventFeed = {
    subscribe(l) {
      listeners.add(l as (event: EventName, data: never) => void);
      return () => listeners.delete(l as (event: EventName, data: never) => void);
    },
  };
  const session: SessionInfoDto = { version: 't', mode: 'paper', venue: 'sim', startedAt: 1, serverTime: 1, currency: 'USDT', instruments: [], clock: { serverTime: 1, mode: 'paper', speed: 1, paused: false } };
  const calls: { method: string; params: unknown }[] = [];
  const queue = new Map<string, ProposalDto>([
    ['P1', proposal('P1', { createdAt: 100 })],
    ['P2', proposal('P2', { createdAt: 200, updatedAt: 200, symbol: 'BTC/USDT' })],
    ['P0', proposal('P0', { createdAt: 50, updatedAt: 300, status: 'REJECTED', reason: 'no' })],
  ]);
  let settings = SETTINGS;
  let alphas = [alpha('strategic'), alpha('sma', { kind: 'sma-cross', enabled: false })];
  const queueDto = (scope: 'pending' | 'all'): ApprovalQueueDto => {
    const list = [...queue.values()].filter((p) => scope === 'all' || p.status === 'PROPOSED' || p.status === 'MODIFIED');
    return { frozen: false, frozenReason: null, pending: list.length, proposals: list, autoApprove: [] };
  };
  const handlers: Partial<Handlers> = {
    'session.info': () => session,
    'orders.list': () => [],
    'fills.list': () => [],
    'positions.list': () => [],
    'account.get': () => ({ currency: 'USDT', initialCash: 1000, cash: 1000, reservedCash: 0, equity: 1000, marketValue: 0, realizedPnl: 0, unrealizedPnl: 0, fees: 0, ts: 1 }),
    'risk.flags': () => [],
    'signals.list': () => ({ alphas, recent: [signal('S1', 10)], lastCycle: null, cycleEveryMs: 60_000 }),
    'signals.enable': (p) => {
      alphas = alphas.map((x) => (x.name === p.name ? { ...x, enabled: true } : x));
      return alphas.find((x) => x.name === p.name) as AlphaDto;
    },
    'signals.set': (p) => {
      throw new RpcError('BAD_PARAM', `${p.name}: ${p.key} refused`, [{ path: p.key, message: 'must be ≤ 1' }]);
    },
    'portfolio.settings': () => settings,
    'portfolio.configure': (p) => {
      if (p.method === 'max-sharpe') throw new RpcError('INFEASIBLE', 'no portfolio above the risk-free rate');
      settings = { ...settings, ...(p.method ? { method: p.method } : {}) };
      return settings;
    },
    'portfolio.target': () => target(calls.filter((c) => c.method === 'portfolio.target').length),
    'portfolio.rebalance': (p) => ({ dryRun: p.dryRun, batchId: p.dryRun ? null : 'B2', due: true, nav: 1e6, turnover: 0.6, notes: [], warnings: [], proposals: [proposal('P9')] }),
    'approvals.list': (p) => queueDto(p.scope),
    'approvals.approve': (p) => {
      const results = (p.ids ?? []).map((id) => {
        const cur = queue.get(id);
        if (!cur) return { id, ok: false, status: null, orderId: null, code: 'UNKNOWN_PROPOSAL', message: 'no such proposal' };
        queue.set(id, { ...cur, status: 'APPROVED', updatedAt: cur.updatedAt + 1, orderId: `O-${id}` });
        return { id, ok: true, status: 'APPROVED' as const, orderId: `O-${id}`, code: null, message: 'sent' };
      });
      return { results, sent: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok).length };
    },
    'approvals.reject': (p) => {
      const cur = queue.get(p.id) as ProposalDto;
      const next = { ...cur, status: 'REJECTED' as const, reason: p.reason, updatedAt: cur.updatedAt + 1 };
      queue.set(p.id, next);
      return next;
    },
    'approvals.modify': (p) => {
      const cur = queue.get(p.id) as ProposalDto;
      if (p.qty === '999') throw new RpcError('PROPOSAL_NOT_PENDING', 'it is no longer waiting');
      const verdict: RiskCheckDto = { ...PASS, verdict: 'deny', code: 'MAX_ORDER_NOTIONAL', message: 'too big' };
      const next: ProposalDto = { ...cur, status: 'MODIFIED', qty: String(p.qty ?? cur.qty), urgency: p.urgency ?? cur.urgency, verdict, updatedAt: cur.updatedAt + 1 };
      queue.set(p.id, next);
      return next;
    },
  };
  const counted = new Proxy(handlers, {
    get(target, method: string) {
      const h = target[method as keyof Handlers];
      return (p: never) => {
        calls.push({ method, params: p });
        if (!h) throw new Error(`${method} not faked`);
        return (h as (p: never) => unknown)(p);
      };
    },
  }) as Handlers;
  serveEndpoint(a, counted, feed);
  return {
    client: createClient(b),
    emit: (event, data) => {
      for (const l of listeners) l(event, data as never);
    },
    calls,
    queue,
  };
}

async function connected(): Promise<FakeEngine> {
  const eng = fakeEngine();
  attach(eng.client);
  await vi.waitFor(() => expect(useStore.getState().loading).toBe(false));
  return eng;
}

beforeEach(() => {
  for (const s of SLICES) s.reset?.();
  useStore.setState(initialState(), true);
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  detach();
  vi.restoreAllMocks();
});

describe('approvals slice', () => {
  it('when the queue loads then waiting and decided proposals are known, counted, and ordered waiting-oldest-first', async () => {
    await connected();
    const s = useStore.getState();
    expect(Object.keys(s.proposals).sort()).toEqual(['P0', 'P1', 'P2']);
    expect(s.waitingCount).toBe(2);
    expect(queueOrder(s.proposals).map((p) => p.id)).toEqual(['P1', 'P2', 'P0']);
    expect(queueOrder(s.proposals, 'waiting').map((p) => p.id)).toEqual(['P1', 'P2']);
  });

  it('when proposals are pushed then newer ones apply, stale and malformed ones are dropped, and the badge count follows', async () => {
    const eng = await connected();
    eng.emit('proposal.created', proposal('P3', { createdAt: 400, updatedAt: 400 }));
    await vi.waitFor(() => expect(useStore.getState().waitingCount).toBe(3));

    eng.emit('proposal.updated', proposal('P1', { status: 'APPROVED', updatedAt: 500, orderId: 'O1' }));
    // Older than what we hold: ignored.
    eng.emit('proposal.updated', proposal('P1', { status: 'PROPOSED', updatedAt: 450 }));
    // Same time as the decision, but waiting: a decided proposal never goes back.
    eng.emit('proposal.updated', proposal('P1', { status: 'MODIFIED', updatedAt: 500 }));
    // No symbol: dropped.
    eng.emit('proposal.updated', { id: 'P2', status: 'REJECTED', updatedAt: 999 });
    eng.emit('proposal.updated', proposal('P2', { status: 'EXPIRED', updatedAt: 600, reason: 'price band' }));
    await vi.waitFor(() => expect(useStore.getState().proposals.P2?.status).toBe('EXPIRED'));
    const s = useStore.getState();
    expect(s.proposals.P1?.status).toBe('APPROVED');
    expect(s.proposals.P1?.orderId).toBe('O1');
    expect(s.waitingCount).toBe(1);
    expect(queueOrder(s.proposals, 'waiting').map((p) => p.id)).toEqual(['P3']);
  });

  it('when the operator approves then the engine gets the ids and the queue shows the outcome', async () => {
    const eng = await connected();
    const res = await approveProposals(['P1', 'NOPE']);
    expect(eng.calls.find((c) => c.method === 'approvals.approve')?.params).toEqual({ ids: ['P1', 'NOPE'] });
    expect(res.map((r) => [r.id, r.ok, r.code])).toEqual([
      ['P1', true, null],
      ['NOPE', false, 'UNKNOWN_PROPOSAL'],
    ]);
    await vi.waitFor(() => expect(useStore.getState().proposals.P1?.status).toBe('APPROVED'));
    expect(useStore.getState().waitingCount).toBe(1);
    expect(useStore.getState().proposalBusy).toEqual({});
  });

  it('when the operator rejects with a reason or modifies then the engine answer is applied; a refusal is thrown with its code', async () => {
    const eng = await connected();
    const rejected = await rejectProposal('P2', 'too late in the day');
    expect(rejected.status).toBe('REJECTED');
    expect(eng.calls.find((c) => c.method === 'approvals.reject')?.params).toEqual({ id: 'P2', reason: 'too late in the day' });
    expect(useStore.getState().proposals.P2?.reason).toBe('too late in the day');

    const modified = await modifyProposal('P1', { qty: '25', urgency: 'low' });
    expect(modified.verdict.code).toBe('MAX_ORDER_NOTIONAL');
    expect(useStore.getState().proposals.P1?.status).toBe('MODIFIED');
    expect(useStore.getState().proposals.P1?.qty).toBe('25');
    expect(useStore.getState().waitingCount).toBe(1);

    await expect(modifyProposal('P1', { qty: '999' })).rejects.toMatchObject({ code: 'PROPOSAL_NOT_PENDING' });
    expect(useStore.getState().proposals.P1?.qty).toBe('25');
    expect(useStore.getState().proposalBusy).toEqual({});
  });
});

describe('signals slice', () => {
  it('when signals load and a cycle is pushed then signals merge newest first without duplicates and the alphas that ran move', async () => {
    const eng = await connected();
    expect(useStore.getState().alphas.map((a) => a.name)).toEqual(['strategic', 'sma']);
    expect(useStore.getState().cycleEveryMs).toBe(60_000);
    const cycle: SignalCycleDto = { id: 'C2', at: 50, ran: ['strategic'], failed: [], signals: [signal('S2', 50), signal('S1', 10)] };
    eng.emit('signal.generated', cycle);
    eng.emit('signal.generated', { id: 'bad' });
    await vi.waitFor(() => expect(useStore.getState().lastCycle?.id).toBe('C2'));
    const s = useStore.getState();
    expect(s.recentSignals.map((x) => x.id)).toEqual(['S2', 'S1']);
    expect(s.alphas.find((a) => a.name === 'strategic')?.lastRunAt).toBe(50);
    expect(s.alphas.find((a) => a.name === 'sma')?.lastRunAt).toBeNull();
  });

  it('when an alpha is enabled then the engine answer replaces it; a refused parameter throws and changes nothing', async () => {
    await connected();
    const a = await setAlphaEnabled('sma', true);
    expect(a.enabled).toBe(true);
    expect(useStore.getState().alphas.find((x) => x.name === 'sma')?.enabled).toBe(true);
    const before = useStore.getState().alphas;
    await expect(setAlphaParam('strategic', 'targets.SPY', '2')).rejects.toMatchObject({ code: 'BAD_PARAM' });
    expect(useStore.getState().alphas).toEqual(before);
    expect(useStore.getState().alphaBusy).toEqual({});
  });
});

describe('portfolio slice', () => {
  it('when the settings are asked, changed here, or pushed from another window then the store shows the engine\u2019s; a malformed push or a refusal changes nothing', async () => {
    const eng = await connected();
    expect(useStore.getState().portfolioSettings).toBeNull();
    await loadPortfolioSettings();
    expect(useStore.getState().portfolioSettings?.method).toBe('signal-weighted');
    await configurePortfolio({ method: 'hrp' });
    expect(useStore.getState().portfolioSettings?.method).toBe('hrp');
    expect(eng.calls.find((c) => c.method === 'portfolio.configure')?.params).toEqual({ method: 'hrp' });
    // Another window changed them: the engine pushes the settings it now builds with.
    eng.emit('portfolio.configured', { ...SETTINGS, method: 'risk-parity', sizing: 'none' });
    await vi.waitFor(() => expect(useStore.getState().portfolioSettings).toMatchObject({ method: 'risk-parity', sizing: 'none' }));
    eng.emit('portfolio.configured', { method: 'equal' });
    await expect(configurePortfolio({ method: 'max-sharpe' })).rejects.toMatchObject({ code: 'INFEASIBLE' });
    expect(useStore.getState().portfolioSettings?.method).toBe('risk-parity');
  });


  it('when a view watches the target then it is asked, and again after a signal cycle; a rebalance keeps its result', async () => {
    const eng = await connected();
    const asked = (): number => eng.calls.filter((c) => c.method === 'portfolio.target').length;
    // Nothing at connect: the first target of a run costs the engine a signal cycle.
    expect(asked()).toBe(0);
    const unwatch = watchTarget();
    await vi.waitFor(() => expect(useStore.getState().portfolioTarget?.at).toBe(1));
    const n = asked();
    eng.emit('signal.generated', { id: 'C3', at: 70, ran: [], failed: [], signals: [] } satisfies SignalCycleDto);
    await vi.waitFor(() => expect(asked()).toBe(n + 1), { timeout: 10_000 });
    await vi.waitFor(() => expect(useStore.getState().portfolioTarget?.at).toBe(n + 1));
    unwatch();

    const r = await rebalance(true);
    expect(r?.dryRun).toBe(true);
    expect(eng.calls.find((c) => c.method === 'portfolio.rebalance')?.params).toEqual({ dryRun: true });
    expect(useStore.getState().lastRebalance?.proposals.map((p) => p.id)).toEqual(['P9']);
    expect(useStore.getState().rebalanceBusy).toBe(false);
  });
});
