import type { ExecutionStyle, Urgency } from '../core/enums.ts';
import { DomainError } from '../core/errors.ts';
import type { ApprovalOutcomeDto, ApprovalQueueDto, ApprovalResultDto, AutoApprovePolicyDto, ProposalAuditDto } from '../contract/l2-dto.ts';
import { alphasOf, isPending, orderOf, shownOf } from './proposal.ts';
import type { Assessment, Proposal, ProposalDraft, ProposedOrder, SentOrder } from './proposal.ts';
import type { ApprovalStorePort } from './store.ts';

/**
 * The operator's approval queue. It holds no limits of its own: L1 is asked for a verdict when a
 * proposal is made, again when it is modified, and again at approval — and the order it sends goes
 * through the one order intake, where L1 checks it once more. Nothing here can bypass L1.
 *
 * Invariants:
 * - a proposal's order is sent at most once: APPROVED is journaled before the send, and an
 *   APPROVED proposal is never sent again (approving twice, or after a restart, sends nothing);
 * - nothing stale is sent: past its TTL, with the price beyond the band from the decision price, or
 *   with the symbol's position no longer the one its quantity was sized from (a manual trade, a
 *   fill of another order), a proposal expires (expiry means reject) — checked by the sweep and
 *   again at approval. The rebalancer does not propose a symbol while a proposal for it waits, so
 *   an expired one makes room for the next cycle to size again from the position as it is;
 * - while the trading state is HALTED (the kill switch included) the queue is frozen: no approval,
 *   manual or automatic, goes through, and the refusal says why. Reject and modify still work.
 */

export interface QueueOptions {
  /** Engine ms a proposal waits before it expires. */
  ttlMs: number;
  /** Fraction: a move of the price beyond this from the decision price expires the proposal. */
  priceBand: number;
  /** Audit entries kept per proposal (the first, then the most recent). */
  maxAudit: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = { ttlMs: 15 * 60_000, priceBand: 0.02, maxAudit: 50 };

export interface QueueDeps {
  /** Engine time. */
  now(): number;
  store: ApprovalStorePort;
  /** L1's verdict now, the what-if, routing and the expected cost, for an order not placed. */
  assess(order: ProposedOrder): Assessment;
  /** Sends an approved proposal's order through the order intake (source signal, no soft confirmation). */
  send(p: Proposal): SentOrder;
  /** The current reference price (mid), undefined when the market has none. */
  price(symbol: string): number | undefined;
  /** The symbol's position now (signed quantity, 0 when flat): a proposal's quantity is sized from it. */
  position(symbol: string): number;
  /** Why the queue is frozen (HALTED, kill switch), or null. */
  frozen(): string | null;
  onCreated?(p: Proposal): void;
  onUpdated?(p: Proposal): void;
  options?: Partial<QueueOptions>;
}

export interface Modification {
  qty?: string | undefined;
  urgency?: Urgency | undefined;
  algo?: ExecutionStyle | undefined;
}

const DECIMAL = /^\d{1,15}(\.\d{1,18})?$/;

export class ApprovalQueue {
  readonly #d: QueueDeps;
  readonly #o: QueueOptions;
  #policies: AutoApprovePolicyDto[];

  constructor(deps: QueueDeps) {
    this.#d = deps;
    this.#o = { ...DEFAULT_QUEUE_OPTIONS, ...deps.options };
    if (!(this.#o.ttlMs > 0)) throw new RangeError(`proposal TTL must be positive, got ${this.#o.ttlMs}`);
    if (!(this.#o.priceBand > 0)) throw new RangeError(`price band must be positive, got ${this.#o.priceBand}`);
    this.#policies = deps.store.loadPolicies();
  }

  get options(): Readonly<QueueOptions> {
    return this.#o;
  }

  /**
   * Turns drafts into one batch of proposals, each assessed now. A dry run returns what would be
   * proposed without journaling or announcing anything. Proposals an alpha's auto-approve policy
   * covers are approved at once (through L1, like any approval).
   */
  propose(drafts: readonly ProposalDraft[], opts: { dryRun?: boolean } = {}): { batchId: string | null; proposals: Proposal[] } {
    if (drafts.length === 0) return { batchId: null, proposals: [] };
    const now = this.#d.now();
    const dry = opts.dryRun === true;
    const batchSeq = dry ? 0 : this.#d.store.takeSeq();
    const batchId = dry ? 'DRY-RUN' : `B-${batchSeq}`;
    const made: Proposal[] = drafts.map((d, k) => {
      const id = dry ? `DRY-${k + 1}` : `P-${batchSeq}-${k + 1}`;
      const a = this.#d.assess({ symbol: d.symbol, side: d.side, qty: d.qty, urgency: d.urgency, algo: undefined });
      const price = this.#d.price(d.symbol) ?? null;
      const p: Proposal = {
        id,
        batchId,
        status: 'PROPOSED',
        createdAt: now,
        updatedAt: now,
        expiresAt: now + this.#o.ttlMs,
        symbol: d.symbol,
        side: d.side,
        qty: d.qty,
        urgency: d.urgency,
        algo: a.algo,
        algoChosen: false,
        routing: a.routing,
        currentWeight: d.currentWeight,
        targetWeight: d.targetWeight,
        conviction: d.conviction,
        contributions: d.contributions,
        sizing: d.sizing,
        // Without a price the band cannot be measured: 0 makes every approval refuse until one exists.
        decisionPrice: price ?? 0,
        priceBand: this.#o.priceBand,
        basisQty: this.#d.position(d.symbol),
        estimatedValue: d.estimatedValue,
        verdict: a.verdict,
        checkedAt: now,
        before: a.before,
        after: a.after,
        expectedCost: a.expectedCost,
        orderId: null,
        reason: null,
        decidedBy: null,
        decidedAt: null,
        autoApproved: false,
        audit: [],
      };
      p.audit.push(this.#entry(p, 'created', 'engine', price, null));
      return p;
    });
    if (dry) return { batchId: null, proposals: made };
    this.#d.store.save(made);
    for (const p of made) this.#d.onCreated?.(p);
    const out = made.map((p) => {
      const policy = this.#autoPolicy(p);
      if (!policy) return p;
      this.#approveOne(p.id, `auto:${policy.alpha}`, true);
      return this.#d.store.get(p.id) ?? p;
    });
    return { batchId, proposals: out };
  }

  list(scope: 'pending' | 'all', limit: number): ApprovalQueueDto {
    const frozenReason = this.#d.frozen();
    const pending = this.#d.store.pending().length;
    return { frozen: frozenReason !== null, frozenReason, pending, proposals: this.#d.store.list({ pendingOnly: scope === 'pending', limit }), autoApprove: this.policies() };
  }

  get(id: string): Proposal {
    const p = this.#d.store.get(id);
    if (!p) throw new DomainError('UNKNOWN_PROPOSAL', `no proposal ${id}`);
    return p;
  }

  /** Symbols with a proposal still waiting: the rebalancer does not propose them again. */
  pendingSymbols(): Set<string> {
    return new Set(this.#d.store.pending().map((p) => p.symbol));
  }

  /** Approves each id in order; one refusal does not stop the others. */
  approve(ids: readonly string[], by: string): ApprovalResultDto {
    const results = [...new Set(ids)].map((id) => this.#approveOne(id, by, false));
    return { results, sent: results.filter((r) => r.ok && r.orderId !== null && r.code === null).length, refused: results.filter((r) => !r.ok).length };
  }

  /** Approves every proposal of a batch that is still waiting. */
  approveBatch(batchId: string, by: string): ApprovalResultDto {
    const ids = this.#d.store
      .pending()
      .filter((p) => p.batchId === batchId)
      .map((p) => p.id);
    if (ids.length === 0) throw new DomainError('UNKNOWN_PROPOSAL', `batch ${batchId} has no proposal waiting for approval`);
    return this.approve(ids, by);
  }

  reject(id: string, reason: string, by: string): Proposal {
    const p = this.#pending(id);
    const now = this.#d.now();
    return this.#write({ ...p, status: 'REJECTED', reason, decidedBy: by, decidedAt: now, updatedAt: now, audit: this.#audit(p, this.#entry(p, 'rejected', by, this.#d.price(p.symbol) ?? null, reason)) });
  }

  /** Changes quantity, urgency or algorithm; routing, L1's verdict, the what-if and the cost are re-run. */
  modify(id: string, m: Modification, by: string): Proposal {
    const p = this.#pending(id);
    if (m.qty !== undefined && (!DECIMAL.test(m.qty) || !(Number(m.qty) > 0))) throw new DomainError('BAD_REQUEST', `qty ${m.qty} must be a positive plain decimal`);
    if (m.algo === 'limit') throw new DomainError('BAD_REQUEST', 'a proposal has no limit price: choose market or an algorithm');
    const order: ProposedOrder = { symbol: p.symbol, side: p.side, qty: m.qty ?? p.qty, urgency: m.urgency ?? p.urgency, algo: m.algo ?? (p.algoChosen ? p.algo : undefined) };
    const a = this.#d.assess(order);
    const now = this.#d.now();
    const price = this.#d.price(p.symbol) ?? null;
    const changed = [m.qty !== undefined ? `qty ${p.qty} → ${order.qty}` : '', m.urgency !== undefined ? `urgency ${p.urgency} → ${order.urgency}` : '', m.algo !== undefined ? `algo ${p.algo} → ${a.algo}` : ''].filter(Boolean).join(', ');
    const scale = Number(order.qty) / Number(p.qty);
    const next: Proposal = {
      ...p,
      status: 'MODIFIED',
      qty: order.qty,
      urgency: order.urgency,
      algo: a.algo,
      algoChosen: order.algo !== undefined,
      routing: a.routing,
      estimatedValue: p.estimatedValue * scale,
      verdict: a.verdict,
      checkedAt: now,
      before: a.before,
      after: a.after,
      expectedCost: a.expectedCost,
      updatedAt: now,
    };
    next.audit = this.#audit(p, this.#entry(next, 'modified', by, price, changed));
    return this.#write(next);
  }

  /**
   * Settles approvals a stopped process left half done (run at start, after the order journal is
   * recovered). APPROVED is journaled before the order is created, and the order's id is written
   * back after: a crash between the two leaves an APPROVED proposal with no order id. Either the
   * order was journaled (it carries the proposal id): it is linked, and never sent again; or it
   * never was: nothing reached the venue, and the proposal waits for the operator again (PROPOSED,
   * or MODIFIED if it had been modified), its verdict re-run at the next approval and its TTL and
   * price band still applying. Never lost silently, never sent twice.
   */
  settleInterrupted(findOrder: (proposalId: string) => SentOrder | undefined): Proposal[] {
    const out: Proposal[] = [];
    for (const p of this.#d.store.unlinked()) {
      const price = this.#d.price(p.symbol) ?? null;
      const o = findOrder(p.id);
      if (o) {
        out.push(this.#write({ ...p, orderId: o.orderId, reason: o.reason, audit: this.#audit(p, this.#entry(p, 'recovered', 'engine', price, `the engine stopped after approving; its order ${o.orderId} (${o.status}) was found in the order journal and linked, not sent again`)) }));
        continue;
      }
      const back = p.audit.some((e) => e.action === 'modified') ? 'MODIFIED' : 'PROPOSED';
      const note = `the engine stopped after journaling the approval by ${p.decidedBy ?? '?'} and before creating its order: nothing was sent; waiting for approval again`;
      out.push(this.#write({ ...p, status: back, decidedBy: null, decidedAt: null, autoApproved: false, updatedAt: this.#d.now(), audit: this.#audit(p, this.#entry(p, 'recovered', 'engine', price, note)) }));
    }
    return out;
  }

  /** Expires every waiting proposal past its TTL or beyond its price band; returns them. */
  expireDue(): Proposal[] {
    return this.sweep().expired;
  }

  /** expireDue, and how many proposals still wait after it (the sweep's owner idles at none). */
  sweep(): { expired: Proposal[]; waiting: number } {
    const expired: Proposal[] = [];
    const pending = this.#d.store.pending();
    for (const p of pending) {
      const why = this.#staleness(p);
      if (why) expired.push(this.#expire(p, why));
    }
    return { expired, waiting: pending.length - expired.length };
  }

  policies(): AutoApprovePolicyDto[] {
    return this.#policies.map((p) => ({ ...p }));
  }

  /** Turns an alpha's auto-approve on (under a notional) or off. Off by default for every alpha. */
  setPolicy(alpha: string, enabled: boolean, maxNotional: number | undefined): AutoApprovePolicyDto[] {
    const existing = this.#policies.find((p) => p.alpha === alpha);
    const notional = maxNotional ?? existing?.maxNotional;
    if (enabled && !(notional !== undefined && notional > 0)) throw new DomainError('BAD_REQUEST', `auto-approve for ${alpha} needs a maximum notional`);
    const next = this.#policies.filter((p) => p.alpha !== alpha);
    next.push({ alpha, enabled, maxNotional: notional ?? 0 });
    next.sort((a, b) => (a.alpha < b.alpha ? -1 : a.alpha > b.alpha ? 1 : 0));
    this.#d.store.savePolicies(next);
    this.#policies = next;
    return this.policies();
  }

  #approveOne(id: string, by: string, auto: boolean): ApprovalOutcomeDto {
    const p = this.#d.store.get(id);
    if (!p) return { id, ok: false, status: null, orderId: null, code: 'UNKNOWN_PROPOSAL', message: `no proposal ${id}` };
    // Idempotent: an approved proposal was sent (or journaled as about to be) once; never again.
    if (p.status === 'APPROVED') return { id, ok: true, status: p.status, orderId: p.orderId, code: 'ALREADY_APPROVED', message: `already approved by ${p.decidedBy ?? '?'}; not sent again` };
    if (!isPending(p.status)) return { id, ok: false, status: p.status, orderId: null, code: 'PROPOSAL_NOT_PENDING', message: `${id} is ${p.status}${p.reason ? `: ${p.reason}` : ''}` };
    const frozen = this.#d.frozen();
    const price = this.#d.price(p.symbol) ?? null;
    if (frozen !== null) {
      this.#write({ ...p, audit: this.#audit(p, this.#entry(p, 'refused', by, price, `queue frozen: ${frozen}`)) });
      return { id, ok: false, status: p.status, orderId: null, code: 'QUEUE_FROZEN', message: `the approval queue is frozen: ${frozen}` };
    }
    const stale = this.#staleness(p);
    if (stale) {
      const e = this.#expire(p, stale);
      return { id, ok: false, status: e.status, orderId: null, code: stale.startsWith('POSITION_CHANGED') ? 'POSITION_CHANGED' : 'PROPOSAL_EXPIRED', message: `${id} expired: ${stale}` };
    }
    // L1 again, now: the verdict shown when the proposal was made may no longer hold.
    const a = this.#d.assess(orderOf(p));
    const now = this.#d.now();
    const checked: Proposal = { ...p, verdict: a.verdict, checkedAt: now, before: a.before, after: a.after, algo: a.algo, routing: a.routing, expectedCost: a.expectedCost };
    if (a.verdict.verdict !== 'pass') {
      const code = a.verdict.code ?? 'RISK_DENIED';
      this.#write({ ...checked, updatedAt: now, audit: this.#audit(p, this.#entry(checked, 'refused', by, price, `L1 ${a.verdict.verdict}: ${code} ${a.verdict.message}`)) });
      return { id, ok: false, status: p.status, orderId: null, code, message: `L1 refuses ${id} now: ${a.verdict.message}` };
    }
    // Journal first: APPROVED is durable before the order leaves, so no path can send it twice.
    const approved: Proposal = {
      ...checked,
      status: 'APPROVED',
      decidedBy: by,
      decidedAt: now,
      updatedAt: now,
      autoApproved: auto,
      audit: this.#audit(p, this.#entry(checked, auto ? 'auto-approved' : 'approved', by, price, null)),
    };
    this.#d.store.save([approved]);
    let sent: SentOrder;
    try {
      sent = this.#d.send(approved);
    } catch (err) {
      // The intake refused the request before anything was placed: the proposal waits again.
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof DomainError ? err.code : 'INTERNAL';
      this.#write({ ...checked, updatedAt: now, audit: this.#audit(p, this.#entry(checked, 'refused', by, price, `not sent: ${code} ${message}`)) });
      return { id, ok: false, status: p.status, orderId: null, code, message: `not sent: ${message}` };
    }
    const done = this.#write({ ...approved, orderId: sent.orderId, reason: sent.reason });
    if (sent.reason !== null) return { id, ok: true, status: done.status, orderId: sent.orderId, code: sent.status, message: `sent as ${sent.orderId}, which is ${sent.status}: ${sent.reason}` };
    return { id, ok: true, status: done.status, orderId: sent.orderId, code: null, message: `sent as ${sent.orderId}` };
  }

  /** Why a waiting proposal is stale now (TTL or price band), or null. */
  #staleness(p: Proposal): string | null {
    const now = this.#d.now();
    if (now >= p.expiresAt) return `TTL: waited past ${new Date(p.expiresAt).toISOString()}`;
    const px = this.#d.price(p.symbol);
    if (px === undefined) return null;
    if (!(p.decisionPrice > 0)) return 'PRICE_BAND: there was no price when it was proposed';
    const move = Math.abs(px / p.decisionPrice - 1);
    if (move > p.priceBand) return `PRICE_BAND: price ${px} moved ${(move * 100).toFixed(2)}% from the decision price ${p.decisionPrice} (band ${(p.priceBand * 100).toFixed(2)}%)`;
    return this.#positionMoved(p);
  }

  /**
   * Whether the position its quantity was sized from has changed. Approving it anyway would trade
   * the old difference to the target on top of the new position and overshoot (or undo the manual
   * trade); the next cycle proposes afresh. A proposal saved before the basis was kept has none
   * (undefined) and is not checked. Float sums of fills drift in the last bits: 1e-9 relative.
   */
  #positionMoved(p: Proposal): string | null {
    const was = p.basisQty;
    if (was === undefined || was === null) return null;
    const now = this.#d.position(p.symbol);
    if (Math.abs(now - was) <= 1e-9 * Math.max(1, Math.abs(was))) return null;
    return `POSITION_CHANGED: ${p.symbol} position was ${was} when proposed and is ${now} now; its quantity ${p.qty} was sized from the old position (the next signal cycle proposes again from this one)`;
  }

  #expire(p: Proposal, why: string): Proposal {
    const now = this.#d.now();
    return this.#write({ ...p, status: 'EXPIRED', reason: why, decidedBy: 'engine', decidedAt: now, updatedAt: now, audit: this.#audit(p, this.#entry(p, 'expired', 'engine', this.#d.price(p.symbol) ?? null, why)) });
  }

  #autoPolicy(p: Proposal): AutoApprovePolicyDto | undefined {
    const alphas = alphasOf(p);
    if (alphas.length === 0) return undefined;
    // Every alpha behind it must allow it, each under its own notional.
    const ps = alphas.map((a) => this.#policies.find((x) => x.alpha === a && x.enabled));
    if (ps.some((x) => x === undefined)) return undefined;
    const ok = ps.every((x) => p.estimatedValue <= x!.maxNotional);
    return ok ? ps[0] : undefined;
  }

  #pending(id: string): Proposal {
    const p = this.get(id);
    if (!isPending(p.status)) throw new DomainError('PROPOSAL_NOT_PENDING', `${id} is ${p.status}${p.reason ? `: ${p.reason}` : ''}`);
    return p;
  }

  #entry(p: Proposal, action: ProposalAuditDto['action'], by: string, price: number | null, note: string | null): ProposalAuditDto {
    return { at: this.#d.now(), by, action, shown: shownOf(p, price), note };
  }

  #audit(p: Proposal, e: ProposalAuditDto): ProposalAuditDto[] {
    const all = [...p.audit, e];
    const max = this.#o.maxAudit;
    return all.length <= max ? all : [all[0]!, ...all.slice(all.length - (max - 1))];
  }

  #write(p: Proposal): Proposal {
    this.#d.store.save([p]);
    this.#d.onUpdated?.(p);
    return p;
  }
}
