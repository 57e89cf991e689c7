import { z } from 'zod';
import type { BookDto, CandleDto, InstrumentDto, MarketSnapshotDto, QuoteDto, TradeDto } from '../dto.ts';
import { CANDLE_INTERVALS } from '../dto.ts';
import { empty, symbol } from './common.ts';

/** Instruments and market data. */
export const marketSchemas = {
  'instruments.list': empty,
  'market.snapshot': z.strictObject({ symbol }),
  'market.candles': z.strictObject({
    symbol,
    interval: z.enum(CANDLE_INTERVALS).default('5s'),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
} as const;

export interface MarketResults {
  'instruments.list': InstrumentDto[];
  'market.snapshot': MarketSnapshotDto;
  'market.candles': CandleDto[];
}

export interface MarketEvents {
  quote: QuoteDto;
  book: BookDto;
  trade: TradeDto;
  candle: CandleDto;
}
