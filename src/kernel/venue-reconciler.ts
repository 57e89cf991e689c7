import type { ReconItemDto, ReconOperatorAction, ReconRunDto, ReconciliationDto } from '../contract/api/venue.ts';
import type { Clock } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { isOpen } from '../core/order.ts';
import type { FillRecord, JournalPort } from '../core/ports.ts';
import { rescale, toDecimalString } from '../core/precision.ts';
import type { Oms } from '../execution/oms.ts';
import { reconcile } from '../venues/ccxt/reconcile.ts';
import type { BalanceView, ReconcileAction, ReconcileDifference } from '../venues/ccxt/reconcile.ts';
import type { JournalSnapshot } from '../venues/ccxt/reconcile-run.ts';
import { VENUE_BASELINE_KEY } from './parts.ts';
import type { Log, VenueLink } from './parts.ts';
import type { PositionAdjuster } from './position-adjuster.ts';
import type { PositionAdjustment } from '../core/ports.ts';

export interface ReconcilerDeps {
  clock: Clock;
  oms: Oms;
  journal: Pick<JournalPort, 'getMeta' | 'setMeta'>;
  link: VenueLink & Required<Pick<VenueLink, 'gather'>>;
  instruments: () => Instrument[];
  currency: string;
  cashUnits: () => bigint;
  initialCashUnits: bigint;
  positionUnits: (symbol: string) => bigint;
  publish: (run: ReconRunDto) => void;
  log: Log;
  /** Period of the timer, ms (default 60 s); 0 turns the timer off. */
  everyMs?: number;
  /** Takes balance differences over into positions and cash (journaled adjustments). */
  adjuster?: PositionAdjuster;
  markOf?: (symbol: string) => bigint | undefined;
}

/** Runs kept for the view; items waiting for the operator are kept until resolved. */
const KEEP_RUNS = 50;
/** Trades re-read before the newest known one: fills of several symbols do not arrive in time order. */
const TRADE_OVERLAP_MS = 10 * 60_000;
const BASELINE_KEY = VENUE_BASELINE_KEY;

type Item = ReconItemDto & { action: ReconcileAction };

/**
 * Reconciliation with the exchange at start and on a timer: open orders, trades since the last seen
 * one and balances against the journal (src/venues/ccxt/reconcile.ts decides, this applies). Missed
 * fills are applied once (the OMS dedupes by trade id), orders the venue closed are closed, orders
 * Strata did not place are adopted as EXTERNAL (visible, cancellable, counted in exposure), and what
 * a human must decide (a lost order, a balance that does not add up, a trade of an order nobody here
 * placed) waits in the list with its actions. Runs never overlap.
 */
export class VenueReconciler {
  private readonly d: ReconcilerDeps;
  private readonly runs: ReconRunDto[] = [];
  private readonly items = new Map<string, Item>();
  private readonly notFound = new Map<string, number>();
  private running: Promise<ReconRunDto> | undefined;
  /** Balance differences of the last run (asset → venue − journal): one seen twice in a row is real, not a fill in flight. */
  private lastBalanceDiff = new Map<string, bigint>();
  private timer: number | undefined;
  private seq = 0;
  private stopped = false;

  constructor(d: ReconcilerDeps) {
    this.d = d;
  }

  get lastAt(): number | null {
    return this.runs[0]?.at ?? null;
  }

  start(): void {
    this.stopped = false;
    void this.run('start');
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.d.clock.cancel(this.timer);
    this.timer = undefined;
  }

  view(limit = 20): ReconciliationDto {
    const open = [...this.items.values()].filter((i) => i.status === 'needs_operator').sort((a, b) => b.at - a.at).map(strip);
    return { runs: this.runs.slice(0, limit), open };
  }

  /**
   * Fills the OMS's start-up recovery applied (it asks the exchange about every order open in the
   * journal before anything else runs): they were missed while Strata was down, so they are listed
   * here as what they are, a difference found and settled at start.
   */
  noteRecovered(fills: readonly FillRecord[]): void {
    const id = `R${++this.seq}-${this.d.clock.now().toString(36)}`;
    const run: ReconRunDto = { id, at: this.d.clock.now(), trigger: 'start', ok: true, error: null, items: [] };
    for (const f of fills) {
      const inst = this.d.instruments().find((i) => i.symbol === f.symbol);
      const qty = inst ? toDecimalString(f.qtyUnits, inst.qtyDecimals) : String(f.qtyUnits);
      const px = inst ? toDecimalString(f.priceUnits, inst.priceDecimals) : String(f.priceUnits);
      const item: Item = {
        id: `${id}-${run.items.length + 1}`,
        runId: id,
        at: run.at,
        kind: 'missed_fill',
        clientOrderId: f.orderId,
        symbol: f.symbol,
        detail: `trade ${f.id} (${f.side} ${qty} @ ${px}) happened at the exchange while Strata was down`,
        outcome: 'fill applied at start (order recovery asked the exchange)',
        status: 'done',
        actions: [],
        action: { kind: 'fetch_fills', clientOrderId: f.orderId, symbol: f.symbol },
      };
      this.items.set(item.id, item);
      run.items.push(strip(item));
    }
    this.runs.unshift(run);
    this.runs.length = Math.min(this.runs.length, KEEP_RUNS);
    this.d.log('info', `reconciliation at start: ${fills.length} fill(s) missed while down were applied`);
    this.d.publish(run);
  }

  /** Opening positions taken from the exchange's balances at start: listed as what they are, with their source. */
  noteOpening(adjs: readonly PositionAdjustment[]): void {
    const id = `R${++this.seq}-${this.d.clock.now().toString(36)}`;
    const run: ReconRunDto = { id, at: this.d.clock.now(), trigger: 'start', ok: true, error: null, items: [] };
    for (const a of adjs) {
      const item: Item = { id: `${id}-${run.items.length + 1}`, runId: id, at: run.at, kind: 'opening_position', clientOrderId: null, symbol: a.symbol, detail: a.detail, outcome: `opening position journaled (source: ${a.source})`, status: 'done', actions: [], action: { kind: 'report_balance', asset: a.asset, journalUnits: 0n, venueUnits: 0n } };
      this.items.set(item.id, item);
      run.items.push(strip(item));
    }
    this.runs.unshift(run);
    this.runs.length = Math.min(this.runs.length, KEEP_RUNS);
    this.d.publish(run);
  }

  /** One run; a run already going is joined rather than doubled. */
  run(trigger: ReconRunDto['trigger']): Promise<ReconRunDto> {
    this.running ??= this.runOnce(trigger).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async act(itemId: string, action: ReconOperatorAction): Promise<ReconItemDto> {
    const item = this.items.get(itemId);
    if (!item) throw new DomainError('BAD_REQUEST', `no reconciliation item "${itemId}"`);
    if (!item.actions.includes(action)) throw new DomainError('VENUE_REJECTED', `"${action}" is not possible on ${item.kind} ${itemId} (allowed: ${item.actions.join(', ') || 'none'})`);
    const a = item.action;
    if (action === 'dismiss') {
      this.resolve(item, 'dismissed by the operator');
    } else if (action === 'cancel' && item.clientOrderId) {
      const o = this.d.oms.get(item.clientOrderId);
      if (o && isOpen(o.status)) this.d.oms.cancel(o.id);
      this.resolve(item, 'cancel sent by the operator');
    } else if (action === 'close' && a.kind === 'declare_lost') {
      await this.d.oms.settle(a.clientOrderId, true, 'declared lost by the operator after repeated not-founds at the venue');
      this.resolve(item, 'closed by the operator');
    } else if (action === 'adopt' && a.kind === 'adopt_external_fill') {
      this.adoptFill(a.fill);
      this.resolve(item, 'trade adopted into positions by the operator');
    } else if (action === 'adopt' && a.kind === 'report_balance' && this.d.adjuster) {
      const adj = this.d.adjuster.fromBalance(a.asset, a.venueUnits - a.journalUnits, 'operator', this.mark, 'the exchange balance taken over by the operator');
      this.lastBalanceDiff.delete(a.asset);
      this.resolve(item, adj ? `position adjusted to the exchange by the operator (${adj.id})` : 'nothing to adjust');
    } else {
      throw new DomainError('VENUE_REJECTED', `"${action}" does not apply to ${item.kind}`);
    }
    return strip(item);
  }

  private schedule(): void {
    const every = this.d.everyMs ?? 60_000;
    if (every <= 0 || this.stopped) return;
    this.timer = this.d.clock.schedule(this.d.clock.now() + every, () => {
      void this.run('timer').finally(() => this.schedule());
    });
  }

  private async runOnce(trigger: ReconRunDto['trigger']): Promise<ReconRunDto> {
    const id = `R${++this.seq}-${this.d.clock.now().toString(36)}`;
    const run: ReconRunDto = { id, at: this.d.clock.now(), trigger, ok: true, error: null, items: [] };
    try {
      const input = await this.d.link.gather(this.snapshot());
      // A journal without a baseline (opened before baselines were kept) that has not traded yet:
      // the venue's balances now are where it starts. One that has traded cannot know its start.
      if (this.baseline() === undefined && input.balances && this.d.oms.fills().length === 0 && this.d.oms.openOrders().length === 0) {
        this.d.journal.setMeta(BASELINE_KEY, JSON.stringify(Object.fromEntries(input.balances.venue.map((b) => [b.asset, b.units.toString()]))));
        const opened = this.d.adjuster?.opening(this.baseline(), this.mark) ?? [];
        if (opened.length > 0) this.noteOpening(opened);
      }
      if (input.balances) input.balances = { ...input.balances, journal: this.journalBalances() };
      input.notFoundCounts = this.notFound;
      const result = reconcile(input);
      const byAction = new Map(result.differences.map((d) => [d.action, d]));
      for (const action of result.actions) {
        const diff = byAction.get(action)!;
        run.items.push(strip(await this.apply(run, diff)));
      }
      // An order found again is no longer on its way to being declared lost.
      for (const cid of [...this.notFound.keys()]) if (!result.differences.some((d) => d.kind === 'missing_at_venue' && d.clientOrderId === cid)) this.notFound.delete(cid);
    } catch (err) {
      run.ok = false;
      run.error = err instanceof Error ? err.message : String(err);
      this.d.log('warn', `reconciliation (${trigger}) could not complete: ${run.error}`);
    }
    this.runs.unshift(run);
    this.runs.length = Math.min(this.runs.length, KEEP_RUNS);
    if (run.items.length > 0) this.d.log('info', `reconciliation (${trigger}): ${run.items.length} difference(s): ${run.items.map((i) => `${i.kind} ${i.clientOrderId ?? ''} → ${i.outcome}`).join('; ')}`);
    this.d.publish(run);
    return run;
  }

  private async apply(run: ReconRunDto, diff: ReconcileDifference): Promise<Item> {
    const a = diff.action;
    const symbol = a.kind === 'apply_fill' || a.kind === 'adopt_external_fill' ? a.fill.symbol : a.kind === 'adopt_external' ? a.order.symbol : a.kind === 'fetch_fills' ? a.symbol : (diff.clientOrderId && this.d.oms.get(diff.clientOrderId)?.symbol) || null;
    const item: Item = {
      id: `${run.id}-${run.items.length + 1}`,
      runId: run.id,
      at: this.d.clock.now(),
      kind: diff.kind,
      clientOrderId: diff.clientOrderId ?? null,
      symbol,
      detail: diff.detail,
      outcome: '',
      status: 'done',
      actions: [],
      action: a,
    };
    try {
      switch (a.kind) {
        case 'apply_fill':
          item.outcome = this.d.oms.applyFill(a.fill) ? 'fill applied' : 'already applied';
          break;
        case 'fetch_fills': {
          let n = 0;
          for (const f of await this.d.oms.venueFills(a.clientOrderId, a.symbol)) if (this.d.oms.applyFill(f)) n++;
          item.outcome = `${n} fill(s) applied from the order's trades`;
          break;
        }
        case 'close_order':
          item.outcome = `order ${await this.d.oms.settle(a.clientOrderId, false)} after asking the venue`;
          break;
        case 'adopt_external': {
          const adopted = this.d.oms.adoptExternal(a.order);
          await this.d.link.follow?.(a.order.clientOrderId, a.order.symbol);
          item.outcome = adopted ? 'adopted as EXTERNAL: visible, cancellable, counted in exposure' : 'already known';
          item.actions = ['cancel', 'dismiss'];
          item.status = 'needs_operator';
          break;
        }
        case 'adopt_external_fill':
          item.outcome = 'a trade of an order Strata did not place: adopt it into positions, or dismiss it';
          item.actions = ['adopt', 'dismiss'];
          item.status = 'needs_operator';
          break;
        case 'recheck':
          this.notFound.set(a.clientOrderId, a.notFound);
          item.outcome = `asked again at the next run (${a.notFound} not-found so far)`;
          break;
        case 'declare_lost':
          this.notFound.set(a.clientOrderId, a.notFound);
          item.outcome = 'the venue does not know this order: close it as lost, or dismiss to keep asking';
          item.actions = ['close', 'dismiss'];
          item.status = 'needs_operator';
          break;
        case 'report_balance': {
          const diff = a.venueUnits - a.journalUnits;
          const seen = this.lastBalanceDiff.get(a.asset);
          this.lastBalanceDiff.set(a.asset, diff);
          // Seen twice in a row, the same: not a fill in flight between the trade and balance reads.
          const adj = seen === diff ? this.d.adjuster?.fromBalance(a.asset, diff, 'reconciliation', this.mark, 'the exchange balance differed the same way in two runs in a row (a deposit, a withdrawal or a trade outside Strata)') : undefined;
          if (adj) {
            this.lastBalanceDiff.delete(a.asset);
            item.outcome = `position adjusted to the exchange (journaled as ${adj.id}, source: reconciliation)`;
            break;
          }
          item.outcome = this.d.adjuster ? 'balances differ: taken over if the next run finds the same difference; adopt takes it over now' : 'balances differ: check deposits, withdrawals or trades outside Strata';
          item.actions = this.d.adjuster && seen === undefined ? ['adopt', 'dismiss'] : ['dismiss'];
          item.status = 'needs_operator';
          break;
        }
      }
    } catch (err) {
      item.status = 'failed';
      item.outcome = `failed: ${err instanceof Error ? err.message : String(err)}; retried at the next run`;
    }
    // One open item per subject: a newer finding replaces the older one still waiting.
    if (item.status === 'needs_operator') {
      for (const old of this.items.values()) if (old.status === 'needs_operator' && old.kind === item.kind && old.clientOrderId === item.clientOrderId && old.detail.split(':')[0] === item.detail.split(':')[0]) this.resolve(old, 'superseded by a newer run');
    }
    this.items.set(item.id, item);
    if (this.items.size > 2_000) for (const [k, v] of this.items) if (v.status !== 'needs_operator' && this.items.size > 1_000) this.items.delete(k);
    return item;
  }

  private adoptFill(f: Parameters<Oms['applyFill']>[0]): void {
    if (!this.d.oms.get(f.clientOrderId)) {
      this.d.oms.adoptExternal({ clientOrderId: f.clientOrderId, venueOrderId: f.venueOrderId, symbol: f.symbol, side: f.side, type: 'market', tif: 'ioc', qtyUnits: f.qtyUnits, priceUnits: null, createdAt: f.ts });
    }
    this.d.oms.applyFill(f);
  }

  private resolve(item: Item, why: string): void {
    item.status = 'resolved';
    item.outcome = `${item.outcome} — ${why}`;
    item.actions = [];
  }

  private snapshot(): JournalSnapshot {
    const all = this.d.oms.list('all', Number.MAX_SAFE_INTEGER, true);
    const fills = this.d.oms.fills();
    const last = fills.reduce((m, f) => Math.max(m, f.ts), 0);
    const snap: JournalSnapshot = {
      open: this.d.oms
        .openOrders()
        .filter((o) => o.algo === null)
        .map((o) => ({ clientOrderId: o.id, symbol: o.symbol, side: o.side, qtyUnits: o.qtyUnits, filledUnits: o.filledUnits, venueOrderId: o.venueOrderId })),
      knownClientIds: new Set(all.map((o) => o.id)),
      knownFillIds: new Set(fills.map((f) => f.id)),
      notFoundCounts: this.notFound,
      balances: [],
    };
    if (last > 0) snap.lastTradeTs = last - TRADE_OVERLAP_MS;
    return snap;
  }

  private readonly mark = (symbol: string): bigint | undefined => this.d.markOf?.(symbol);

  private baseline(): Record<string, string> | undefined {
    const raw = this.d.journal.getMeta(BASELINE_KEY);
    return raw ? (JSON.parse(raw) as Record<string, string>) : undefined;
  }

  /**
   * What the journal says the exchange balances should be: the balances when this journal first met
   * the exchange, moved by every fill since (cash by notional and fees, each base asset by position).
   */
  private journalBalances(): BalanceView[] {
    const base = this.baseline() ?? {};
    const out = new Map<string, bigint>(Object.entries(base).map(([k, v]) => [k, BigInt(v)]));
    const cash = rescale(this.d.cashUnits() - this.d.initialCashUnits, CASH_DECIMALS, 8);
    out.set(this.d.currency, (out.get(this.d.currency) ?? 0n) + cash);
    // A watched instrument's position holds its base asset whole: opening holdings are in it (journaled adjustments).
    for (const i of this.d.instruments()) {
      const pos = rescale(this.d.positionUnits(i.symbol), i.qtyDecimals, 8);
      out.set(i.base, this.d.adjuster ? pos : (out.get(i.base) ?? 0n) + pos);
    }
    return [...out].map(([asset, units]) => ({ asset, units }));
  }
}

function strip(i: Item): ReconItemDto {
  const { action: _a, ...dto } = i;
  return { ...dto, actions: [...dto.actions] };
}
