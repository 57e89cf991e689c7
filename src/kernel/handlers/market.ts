import type { Handlers } from '../../contract/api.ts';
import { bookDto, quoteDto, tradeDto } from '../dto-mapping.ts';
import { requireInstrument } from '../context.ts';
import type { KernelContext } from '../context.ts';

/** Market data on request: a snapshot (quote, book, recent trades) and candles. */
export function marketHandlers(ctx: KernelContext): Pick<Handlers, 'market.snapshot' | 'market.candles'> {
  return {
    'market.snapshot': ({ symbol }) => {
      const i = requireInstrument(ctx, symbol);
      const book = ctx.hub.book(symbol) ?? { symbol, bids: [], asks: [], ts: ctx.clock.now() };
      return { quote: quoteDto(book, i, ctx.hub.last(symbol)), book: bookDto(book, i), trades: ctx.hub.tape(symbol, 50).map((t) => tradeDto(t, i)) };
    },
    'market.candles': ({ symbol, interval, limit }) => {
      requireInstrument(ctx, symbol);
      return ctx.hub.candles(symbol, interval, limit);
    },
  };
}
