import type { Clock } from '../core/clock.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Ledger } from '../core/ledger.ts';
import type { JournalPort, PositionAdjustment } from '../core/ports.ts';
import { rescale, toDecimalString } from '../core/precision.ts';
import type { Log } from './parts.ts';

export interface AdjusterDeps {
  clock: Clock;
  journal: Pick<JournalPort, 'recordAdjustment' | 'loadAdjustments'>;
  ledger: Pick<Ledger, 'adjust'>;
  instruments: () => Instrument[];
  currency: string;
  /** A position (or cash, null) moved outside a fill: L1's and the PMS's views read it again. */
  changed: (symbol: string | null) => void;
  log: Log;
}

/**
 * Positions that did not come from fills (issue 13): on a live exchange the account already holds
 * assets when Strata first meets it, and deposits, withdrawals or trades outside Strata move them
 * later. Without these the ledger (and so L1 and the PMS) saw zero where the exchange held coins.
 * Each one is journaled with its source (opening, reconciliation, operator) and replayed into the
 * ledger at every start, before the fills.
 */
export class PositionAdjuster {
  private readonly d: AdjusterDeps;

  constructor(d: AdjusterDeps) {
    this.d = d;
  }

  /** Replays the journal's adjustments into the ledger; returns them. */
  load(): PositionAdjustment[] {
    const all = this.d.journal.loadAdjustments();
    for (const a of all) {
      // An adjustment of an instrument no longer watched stays journaled but moves nothing here.
      if (a.symbol !== null && !this.instrument(a.symbol)) continue;
      this.d.ledger.adjust(a);
    }
    return all;
  }

  /**
   * Opening positions from the exchange balances a journal first met (its baseline, 10^-8 units per
   * asset): one per watched instrument that has none yet (a symbol added later gets its own at the
   * next start), at the mark read at connect. Returns what was recorded now.
   */
  opening(baseline: Record<string, string> | undefined, priceOf: (symbol: string) => bigint | undefined, existing: readonly PositionAdjustment[] = this.d.journal.loadAdjustments()): PositionAdjustment[] {
    if (!baseline) return [];
    const out: PositionAdjustment[] = [];
    for (const inst of this.d.instruments()) {
      if (inst.quote !== this.d.currency || existing.some((a) => a.source === 'opening' && a.symbol === inst.symbol)) continue;
      const held = baseline[inst.base];
      if (held === undefined) continue;
      const qtyUnits = rescale(BigInt(held), 8, inst.qtyDecimals);
      if (qtyUnits === 0n) continue;
      const price = priceOf(inst.symbol) ?? null;
      const a: PositionAdjustment = {
        id: `OPEN-${inst.symbol}`,
        ts: this.d.clock.now(),
        symbol: inst.symbol,
        asset: inst.base,
        qtyUnits,
        priceUnits: price,
        source: 'opening',
        detail: `${toDecimalString(qtyUnits, inst.qtyDecimals)} ${inst.base} held at the exchange when this account's journal first met it${price === null ? ' (no price at connect: at no cost)' : ` (cost basis at the mark ${toDecimalString(price, inst.priceDecimals)})`}`,
      };
      if (this.record(a)) out.push(a);
    }
    return out;
  }

  /**
   * Takes over a balance difference the exchange shows (venue − journal, 10^-8 units of the asset):
   * the instrument whose base it is, or cash for the account currency. Undefined when the asset is
   * neither (nothing in the ledger to move).
   */
  fromBalance(asset: string, diffUnits8: bigint, source: 'reconciliation' | 'operator', markOf: (symbol: string) => bigint | undefined, why: string): PositionAdjustment | undefined {
    const now = this.d.clock.now();
    const id = `ADJ-${source}-${asset}-${now.toString(36)}`;
    if (asset === this.d.currency) {
      const a: PositionAdjustment = { id, ts: now, symbol: null, asset, qtyUnits: rescale(diffUnits8, 8, CASH_DECIMALS), priceUnits: null, source, detail: `cash ${toDecimalString(rescale(diffUnits8, 8, CASH_DECIMALS), CASH_DECIMALS)} ${asset}: ${why}` };
      return this.record(a) ? a : undefined;
    }
    const inst = this.d.instruments().find((i) => i.base === asset && i.quote === this.d.currency);
    if (!inst) return undefined;
    const qtyUnits = rescale(diffUnits8, 8, inst.qtyDecimals);
    if (qtyUnits === 0n) return undefined;
    const a: PositionAdjustment = { id, ts: now, symbol: inst.symbol, asset, qtyUnits, priceUnits: markOf(inst.symbol) ?? null, source, detail: `${toDecimalString(qtyUnits, inst.qtyDecimals)} ${asset}: ${why}` };
    return this.record(a) ? a : undefined;
  }

  /** Journal first, then the ledger; false if the id was already journaled. */
  record(a: PositionAdjustment): boolean {
    if (a.symbol !== null && !this.instrument(a.symbol)) return false;
    if (!this.d.journal.recordAdjustment(a)) return false;
    this.d.ledger.adjust(a);
    this.d.log('info', `position adjustment (${a.source}) ${a.symbol ?? a.asset}: ${a.detail}`);
    this.d.changed(a.symbol);
    return true;
  }

  private instrument(symbol: string): Instrument | undefined {
    return this.d.instruments().find((i) => i.symbol === symbol);
  }
}
