import type { InstrumentDto, TradeDto } from '../contract/dto.ts';
import type { InstrumentSpec } from '../core/instrument.ts';
import { decimalText, recordedTradeLine, recordingHeaderLine } from './recording.ts';

/**
 * Writes a market as the engine publishes it (instruments, then trades) to a Strata recording, the
 * format the replay loads (recording.ts). It sees only the contract's DTOs, so the same recorder
 * serves the demo market today and a live venue's feed later. Prices and quantities arrive as
 * floats on the wire and go back to exact text at the instrument's own decimals.
 *
 * Books are not recorded: the replay's venue synthesises its book around the recorded prints
 * (tape-source.ts), as it does for any trade tape, so a recorded book would not be used.
 */
export class MarketRecorder {
  private readonly write: (chunk: string) => void;
  private readonly decimals = new Map<string, { price: number; qty: number }>();
  private lastTs = -Infinity;
  private count = 0;

  constructor(instruments: readonly InstrumentDto[], currency: string, write: (chunk: string) => void, startedAt?: number) {
    this.write = write;
    for (const i of instruments) this.decimals.set(i.symbol, { price: i.priceDecimals, qty: i.qtyDecimals });
    write(recordingHeaderLine({ currency, instruments: instruments.map(specOf), ...(startedAt !== undefined ? { startedAt } : {}) }));
  }

  get trades(): number {
    return this.count;
  }

  /** One printed trade; a trade of an instrument not in the header, or out of time order, is skipped (the replay would refuse it). */
  onTrade(t: TradeDto): boolean {
    const d = this.decimals.get(t.symbol);
    if (!d || t.ts < this.lastTs || !(t.price > 0) || !(t.qty > 0)) return false;
    this.lastTs = t.ts;
    this.count++;
    this.write(recordedTradeLine(t.symbol, { timestampMs: t.ts, tradeId: t.id, side: t.side, priceText: decimalText(t.price, d.price), amountText: decimalText(t.qty, d.qty) }));
    return true;
  }
}

export function specOf(i: InstrumentDto): InstrumentSpec {
  return {
    symbol: i.symbol,
    base: i.base,
    quote: i.quote,
    kind: i.kind,
    tickSize: decimalText(i.tickSize, i.priceDecimals),
    lotSize: decimalText(i.lotSize, i.qtyDecimals),
    minNotional: decimalText(i.minNotional, Math.min(12, i.priceDecimals + i.qtyDecimals)),
    makerFeeBps: i.makerFeeBps,
    takerFeeBps: i.takerFeeBps,
    tradable: i.tradable,
  };
}
