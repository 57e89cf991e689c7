import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../../../src/approval/queue.ts';
import type { Assessment, Proposal, ProposalDraft, ProposedOrder, SentOrder } from '../../../src/approval/proposal.ts';
import type { RiskCheckDto } from '../../../src/contract/risk-dto.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { MemoryApprovalStore } from '../../../src/store/memory/approval-store.ts';

const impact = { positionQty: 0, positionPctNav: 0, grossExposure: 0, leverage: 0, var99: null };

function check(verdict: RiskCheckDto['verdict'], code: string | null = null): RiskCheckDto {
  return {
    verdict,
    code,
    message: code ?? 'ok',
    breaches: code ? [{ code, level: 'hard', check: 'position', limit: 'max_position_pct_nav', scope: null, observed: null, threshold: null, factor: 1, message: code }] : [],
    confirmable: false,
    confirmed: false,
    reducing: false,
    tier: 'T4-low',
    volRegime: 'normal',
    volRatio: null,
    checked: [],
    deferred: [],
  };
}

/** A queue over fakes: an engine clock, a settable price and L1 verdict, and a send that counts. */
function harness(opts: { ttlMs?: number; priceBand?: number; store?: MemoryApprovalStore } = {}) {
  const w = {
    now: 1_000_000,
    price: 100 as number | undefined,
    halted: null as string | null,
    deny: null as string | null,
    sent: [] as string[],
    assessed: [] as ProposedOrder[],
    updated: [] as Proposal[],
    position: new Map<string, number>(),
  };
  const store = opts.store ?? new MemoryApprovalStore();
  const queue = new ApprovalQueue({
    now: () => w.now,
    store,
    assess: (o): Assessment => {
      w.assessed.push(o);
      return { verdict: w.deny ? check('deny', w.deny) : check('pass'), before: impact, after: impact, algo: o.algo ?? (o.urgency === 'immediate' ? 'market' : 'twap'), routing: 'test', expectedCost: null };
    },
    send: (p): SentOrder => {
      w.sent.push(p.id);
      return { orderId: `O-${w.sent.length}`, status: 'NEW', reason: null };
    },
    price: () => w.price,
    position: (s) => w.position.get(s) ?? 0,
    frozen: () => w.halted,
    onUpdated: (p) => w.updated.push(p),
    options: { ttlMs: opts.ttlMs ?? 60_000, priceBand: opts.priceBand ?? 0.02 },
  });
  return { w, queue, store };
}

function draft(symbol = 'SPY', qty = '10', alpha = 'strategic'): ProposalDraft {
  return {
    symbol,
    side: 'buy',
    qty,
    urgency: 'medium',
    currentWeight: 0,
    targetWeight: 0.1,
    conviction: 1,
    contributions: [{ alpha, kind: 'target', value: 0.1, conviction: 1, alphaWeight: 1, share: 1, contribution: 0.1, expectedReturn: null, urgency: 'medium', time: 0 }],
    sizing: [],
    estimatedValue: Number(qty) * 100,
  };
}

describe('approval queue', () => {
  it('when a batch is proposed then each proposal is PROPOSED, assessed, with the decision price and a TTL', () => {
    const { queue, w } = harness();
    const { batchId, proposals } = queue.propose([draft('SPY'), draft('BTC/USDT', '0.5')]);
    expect(batchId).toBe('B-1');
    expect(proposals.map((p) => [p.id, p.status, p.decisionPrice, p.expiresAt, p.verdict.verdict])).toEqual([
      ['P-1-1', 'PROPOSED', 100, w.now + 60_000, 'pass'],
      ['P-1-2', 'PROPOSED', 100, w.now + 60_000, 'pass'],
    ]);
    expect(queue.list('pending', 10).pending).toBe(2);
  });

  it('when a proposal is approved twice then its order is sent once', () => {
    const { queue, w } = harness();
    const [p] = queue.propose([draft()]).proposals;
    const first = queue.approve([p!.id], 'op');
    const second = queue.approve([p!.id, p!.id], 'op');
    expect(w.sent).toEqual([p!.id]);
    expect(first.results[0]).toMatchObject({ ok: true, status: 'APPROVED', orderId: 'O-1', code: null });
    expect(second.results).toHaveLength(1);
    expect(second.results[0]).toMatchObject({ ok: true, orderId: 'O-1', code: 'ALREADY_APPROVED' });
    expect(second.sent).toBe(0);
    const stored = queue.get(p!.id);
    expect(stored.decidedBy).toBe('op');
    expect(stored.audit.map((a) => a.action)).toEqual(['created', 'approved']);
  });

  it('when the engine restarts on the same store then an approved proposal is not sent again', () => {
    const store = new MemoryApprovalStore();
    const a = harness({ store });
    const [p] = a.queue.propose([draft()]).proposals;
    a.queue.approve([p!.id], 'op');
    const b = harness({ store });
    b.queue.approve([p!.id], 'op');
    expect(a.w.sent).toEqual([p!.id]);
    expect(b.w.sent).toEqual([]);
  });

  it('when the TTL passes then the sweep expires the proposal and an approval sends nothing', () => {
    const { queue, w } = harness({ ttlMs: 60_000 });
    const [p] = queue.propose([draft()]).proposals;
    w.now += 59_999;
    expect(queue.expireDue()).toEqual([]);
    w.now += 1;
    expect(queue.expireDue().map((x) => [x.id, x.status])).toEqual([[p!.id, 'EXPIRED']]);
    const r = queue.approve([p!.id], 'op');
    expect(r.results[0]).toMatchObject({ ok: false, code: 'PROPOSAL_NOT_PENDING' });
    expect(w.sent).toEqual([]);
  });

  it('when the price leaves the band then approval expires it instead of sending', () => {
    const { queue, w } = harness({ priceBand: 0.02 });
    const [p, q] = queue.propose([draft('SPY'), draft('ETH/USDT')]).proposals;
    w.price = 101.9;
    expect(queue.expireDue()).toEqual([]);
    w.price = 102.1;
    const r = queue.approve([p!.id], 'op');
    expect(r.results[0]).toMatchObject({ ok: false, code: 'PROPOSAL_EXPIRED', status: 'EXPIRED' });
    expect(queue.get(p!.id).reason).toMatch(/^PRICE_BAND/);
    w.price = 97.9;
    expect(queue.expireDue().map((x) => x.id)).toEqual([q!.id]);
    expect(w.sent).toEqual([]);
  });

  it('when the position its quantity was sized from changes then the sweep and approval expire it (POSITION_CHANGED) instead of overshooting', () => {
    const { queue, w, store } = harness();
    w.position.set('ETH/USDT', 2);
    const [eth, spy] = queue.propose([draft('ETH/USDT', '15'), draft('SPY')]).proposals;
    expect(eth!.basisQty).toBe(2);
    expect(spy!.basisQty).toBe(0);
    // Float sums of fills drift in the last bits: not a change.
    w.position.set('ETH/USDT', 2 + 1e-12);
    expect(queue.expireDue()).toEqual([]);
    // The operator buys 10 by hand while the proposal waits.
    w.position.set('ETH/USDT', 12);
    const r = queue.approve([eth!.id, spy!.id], 'op');
    expect(r.results.map((x) => [x.id, x.ok, x.code, x.status])).toEqual([
      [eth!.id, false, 'POSITION_CHANGED', 'EXPIRED'],
      [spy!.id, true, null, 'APPROVED'],
    ]);
    expect(queue.get(eth!.id).reason).toMatch(/^POSITION_CHANGED: ETH\/USDT position was 2 when proposed and is 12 now/);
    expect(w.sent).toEqual([spy!.id]);
    // The sweep finds it too, before anyone approves: a second batch, then a fill by another order.
    const [again] = queue.propose([draft('ETH/USDT', '3')]).proposals;
    w.position.set('ETH/USDT', 11);
    expect(queue.expireDue().map((x) => [x.id, x.status])).toEqual([[again!.id, 'EXPIRED']]);
    expect(queue.pendingSymbols().has('ETH/USDT')).toBe(false);
    // A proposal saved before the basis was kept is not checked against it.
    const [old] = queue.propose([draft('BTC/USDT', '1')]).proposals;
    const { basisQty: _dropped, ...legacy } = queue.get(old!.id);
    store.save([legacy]);
    w.position.set('BTC/USDT', 5);
    expect(queue.approve([old!.id], 'op').results[0]).toMatchObject({ ok: true, code: null });
  });

  it('when trading is HALTED then the queue is frozen, says why, and nothing is approved until it resumes', () => {
    const { queue, w } = harness();
    const [p] = queue.propose([draft()]).proposals;
    w.halted = 'trading is HALTED (KILL_SWITCH: operator)';
    const list = queue.list('pending', 10);
    expect(list).toMatchObject({ frozen: true, frozenReason: w.halted });
    const r = queue.approve([p!.id], 'op');
    expect(r.results[0]).toMatchObject({ ok: false, code: 'QUEUE_FROZEN' });
    expect(r.results[0]!.message).toContain('KILL_SWITCH');
    expect(queue.get(p!.id).status).toBe('PROPOSED');
    expect(w.sent).toEqual([]);
    w.halted = null;
    expect(queue.approve([p!.id], 'op').results[0]).toMatchObject({ ok: true, code: null });
    expect(w.sent).toEqual([p!.id]);
  });

  it('when a proposal is modified then the verdict is re-run on the new order and it becomes MODIFIED', () => {
    const { queue, w } = harness();
    const [p] = queue.propose([draft('SPY', '10')]).proposals;
    w.deny = 'MAX_POSITION';
    const m = queue.modify(p!.id, { qty: '500', algo: 'vwap' }, 'op');
    expect(w.assessed.at(-1)).toEqual({ symbol: 'SPY', side: 'buy', qty: '500', urgency: 'medium', algo: 'vwap' });
    expect(m).toMatchObject({ status: 'MODIFIED', qty: '500', algo: 'vwap', algoChosen: true, estimatedValue: 50_000 });
    expect(m.verdict).toMatchObject({ verdict: 'deny', code: 'MAX_POSITION' });
    expect(m.audit.at(-1)).toMatchObject({ action: 'modified', by: 'op', note: 'qty 10 → 500, algo twap → vwap' });
  });

  it('when L1 denies at approval time then nothing is sent and the proposal keeps waiting with the new verdict', () => {
    const { queue, w } = harness();
    const [p] = queue.propose([draft()]).proposals;
    w.deny = 'MAX_GROSS_EXPOSURE';
    const r = queue.approve([p!.id], 'op');
    expect(r.results[0]).toMatchObject({ ok: false, code: 'MAX_GROSS_EXPOSURE', status: 'PROPOSED' });
    expect(w.sent).toEqual([]);
    const stored = queue.get(p!.id);
    expect(stored.verdict.verdict).toBe('deny');
    expect(stored.audit.at(-1)).toMatchObject({ action: 'refused' });
  });

  it('when a proposal is rejected then it keeps the reason and can no longer be approved or modified', () => {
    const { queue, w } = harness();
    const [p] = queue.propose([draft()]).proposals;
    const r = queue.reject(p!.id, 'too large for today', 'op');
    expect(r).toMatchObject({ status: 'REJECTED', reason: 'too large for today', decidedBy: 'op' });
    expect(queue.approve([p!.id], 'op').results[0]).toMatchObject({ ok: false, code: 'PROPOSAL_NOT_PENDING' });
    expect(() => queue.modify(p!.id, { qty: '1' }, 'op')).toThrow(DomainError);
    expect(w.sent).toEqual([]);
  });

  it('when a whole batch is approved then every waiting proposal of that batch is sent, others are not', () => {
    const { queue, w } = harness();
    const b1 = queue.propose([draft('SPY'), draft('ETH/USDT')]);
    const b2 = queue.propose([draft('BTC/USDT')]);
    queue.reject(b1.proposals[1]!.id, 'no', 'op');
    const r = queue.approveBatch(b1.batchId!, 'op');
    expect(r.sent).toBe(1);
    expect(w.sent).toEqual([b1.proposals[0]!.id]);
    expect(queue.get(b2.proposals[0]!.id).status).toBe('PROPOSED');
  });

  it('auto-approve is off by default; on, it approves under its notional only, through the same L1 check', () => {
    const { queue, w } = harness();
    queue.propose([draft('SPY', '10')]);
    expect(w.sent).toEqual([]);
    expect(queue.policies()).toEqual([]);
    queue.setPolicy('strategic', true, 2000);
    const { proposals } = queue.propose([draft('ETH/USDT', '10'), draft('BTC/USDT', '50')]);
    expect(proposals.map((p) => [p.status, p.autoApproved, p.decidedBy])).toEqual([
      ['APPROVED', true, 'auto:strategic'],
      ['PROPOSED', false, null],
    ]);
    expect(w.sent).toEqual([proposals[0]!.id]);
    w.halted = 'HALTED';
    queue.propose([draft('SOL', '1')]);
    expect(w.sent).toHaveLength(1);
  });

  it('a dry run shows proposals without journaling or sending any', () => {
    const { queue, store, w } = harness();
    const r = queue.propose([draft()], { dryRun: true });
    expect(r.batchId).toBeNull();
    expect(r.proposals[0]!.id).toBe('DRY-1');
    expect(store.pending()).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('property: any sequence of approvals, rejections, modifications, expiries and halts sends each proposal at most once, and only while pending and not frozen', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('approve' as const), i: fc.nat(5) }),
      fc.record({ k: fc.constant('reject' as const), i: fc.nat(5) }),
      fc.record({ k: fc.constant('modify' as const), i: fc.nat(5), q: fc.integer({ min: 1, max: 99 }) }),
      fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 30_000 }) }),
      fc.record({ k: fc.constant('price' as const), p: fc.double({ min: 95, max: 105, noNaN: true }) }),
      fc.record({ k: fc.constant('halt' as const), on: fc.boolean() }),
      fc.record({ k: fc.constant('deny' as const), on: fc.boolean() }),
      fc.record({ k: fc.constant('restart' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const store = new MemoryApprovalStore();
        let h = harness({ store });
        const sent: string[] = [];
        const ids = h.queue.propose([draft('A'), draft('B'), draft('C'), draft('D'), draft('E'), draft('F')]).proposals.map((p) => p.id);
        const track = () => {
          sent.push(...h.w.sent);
          h.w.sent = [];
        };
        let world = { now: h.w.now, price: h.w.price, halted: h.w.halted, deny: h.w.deny };
        for (const o of ops) {
          const id = 'i' in o ? ids[o.i]! : '';
          const before = 'i' in o ? store.get(id)! : undefined;
          try {
            if (o.k === 'approve') h.queue.approve([id], 'op');
            else if (o.k === 'reject') h.queue.reject(id, 'r', 'op');
            else if (o.k === 'modify') h.queue.modify(id, { qty: String(o.q) }, 'op');
            else if (o.k === 'time') h.w.now += o.ms;
            else if (o.k === 'price') h.w.price = o.p;
            else if (o.k === 'halt') h.w.halted = o.on ? 'HALTED' : null;
            else if (o.k === 'deny') h.w.deny = o.on ? 'X' : null;
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
          }
          if (o.k === 'approve' && h.w.sent.length > 0) {
            // Sent only from a waiting proposal, unfrozen, under L1's pass.
            expect(before!.status === 'PROPOSED' || before!.status === 'MODIFIED').toBe(true);
            expect(h.w.halted).toBeNull();
            expect(h.w.deny).toBeNull();
          }
          track();
          world = { now: h.w.now, price: h.w.price, halted: h.w.halted, deny: h.w.deny };
          if (o.k === 'restart') {
            h = harness({ store });
            Object.assign(h.w, world);
          }
        }
        expect(new Set(sent).size).toBe(sent.length);
        for (const id of sent) expect(store.get(id)!.status).toBe('APPROVED');
      }),
      { numRuns: 300 },
    );
  });
});
