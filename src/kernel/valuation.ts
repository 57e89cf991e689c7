import type { AccountDto, PositionDto } from '../contract/dto.ts';
import type { Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Ledger } from '../core/ledger.ts';
import { fromUnits } from '../core/precision.ts';
import type { PmsPortfolio } from '../pms/monitor.ts';
import { accountDto, positionDto } from './dto-mapping.ts';

export interface ValuationDeps {
  clock: Clock;
  ledger: Ledger;
  currency: string;
  instrumentOf: (symbol: string) => Instrument | undefined;
  markOf: (symbol: string) => bigint | undefined;
  /** Cash held back for working buy orders. */
  reservedCashUnits: () => bigint;
}

/**
 * The one valuation of the account: cash, positions at their marks, equity. The DTOs, the PMS
 * portfolio and L1's drawdown feed all read it here, so they cannot disagree on a mark.
 *
 * L1's pre-trade check keeps a second NAV in its projected state (src/risk/projected-state.ts,
 * navUnits), because that check must not allocate: it is moved by the symbols that changed, where
 * this walks every position, and it sits beside what only L1 projects (the hypothetical order, each
 * symbol's long and short cases with working orders and algo remainders filled). Working orders are
 * in neither NAV; their cash is `reservedCashUnits`. The two are equal whenever every held symbol has
 * a mark (tests/unit/kernel/valuation-nav.test.ts); with none, this counts a holding at cost and L1
 * at 0, listing it as unpriced.
 */
export class PortfolioValuation {
  private readonly d: ValuationDeps;

  constructor(deps: ValuationDeps) {
    this.d = deps;
  }

  /** Cash plus every position at its mark, in cash units. */
  equityUnits(): bigint {
    const { ledger, markOf } = this.d;
    let mv = 0n;
    for (const p of ledger.allPositions()) mv += ledger.marketValue(p, markOf(p.symbol));
    return ledger.cashUnits + mv;
  }

  account(): AccountDto {
    const { ledger, markOf } = this.d;
    let mv = 0n;
    let unreal = 0n;
    for (const p of ledger.allPositions()) {
      const v = ledger.marketValue(p, markOf(p.symbol));
      mv += v;
      if (p.qtyUnits !== 0n) unreal += v - p.costUnits;
    }
    return accountDto({
      currency: this.d.currency,
      initialCashUnits: ledger.initialCashUnits,
      cashUnits: ledger.cashUnits,
      reservedUnits: this.d.reservedCashUnits(),
      marketValueUnits: mv,
      realizedUnits: ledger.realizedUnits,
      unrealizedUnits: unreal,
      feeUnits: ledger.feeUnits,
      ts: this.d.clock.now(),
    });
  }

  /** One symbol's position (signed quantity, 0 when flat or unknown), without valuing the rest. */
  qty(symbol: string): number {
    const i = this.d.instrumentOf(symbol);
    return i ? fromUnits(this.d.ledger.qtyUnits(symbol), i.qtyDecimals) : 0;
  }

  /** Every position (flat ones included) valued at its mark, sorted by symbol. */
  positions(): PositionDto[] {
    const { ledger, markOf } = this.d;
    const out: PositionDto[] = [];
    for (const p of ledger.allPositions()) {
      const i = this.d.instrumentOf(p.symbol);
      if (!i) continue;
      const mark = markOf(p.symbol);
      out.push(positionDto(p, i, mark, ledger.marketValue(p, mark)));
    }
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  /** The account as the PMS monitor reads it. */
  pmsPortfolio(): PmsPortfolio {
    const a = this.account();
    return {
      cash: a.cash,
      realizedPnl: a.realizedPnl,
      unrealizedPnl: a.unrealizedPnl,
      positions: this.positions().map((p) => ({ symbol: p.symbol, qty: p.qty, marketValue: p.marketValue, realizedPnl: p.realizedPnl, unrealizedPnl: p.unrealizedPnl })),
    };
  }
}
