import type { InstrumentSpec } from '../../core/instrument.ts';
import type { DemoCalibration, ProfileCalibration } from './calibration.ts';
import type { MarketModelParams } from './market-model.ts';

/**
 * The demo market: three instruments with realistic precision and fees. Volatility, trade-size
 * dispersion and trade arrival come from assets/demo/calibration.json (computed from the real
 * data in tests/fixtures/data); price levels and sizes are set here per instrument.
 */
export const DEMO_INSTRUMENTS: readonly InstrumentSpec[] = [
  { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', makerFeeBps: 1, takerFeeBps: 5, tradable: true },
  { symbol: 'ETH/USDT', base: 'ETH', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.0001', minNotional: '5', makerFeeBps: 1, takerFeeBps: 5, tradable: true },
  { symbol: 'SPY', base: 'SPY', quote: 'USD', kind: 'equity', tickSize: '0.01', lotSize: '1', minNotional: '1', makerFeeBps: 0, takerFeeBps: 0.5, tradable: true },
];

interface Shape {
  startPrice: number;
  medianTradeQty: number;
  levelQty: number;
  spreadTicks: number;
  levelSpacingTicks: number;
  /**
   * The calibration source trades far less often than these markets (XRP/ETH printed ~0.06
   * trades/s); this multiplier brings the arrival rate to a lively demo while keeping the
   * calibrated dispersion and volatility.
   */
  activity: number;
}

const SHAPES: Record<string, Shape> = {
  'BTC/USDT': { startPrice: 64_250, medianTradeQty: 0.02, levelQty: 0.6, spreadTicks: 1, levelSpacingTicks: 50, activity: 60 },
  'ETH/USDT': { startPrice: 3_120, medianTradeQty: 0.3, levelQty: 9, spreadTicks: 1, levelSpacingTicks: 10, activity: 45 },
  SPY: { startPrice: 512.4, medianTradeQty: 100, levelQty: 900, spreadTicks: 1, levelSpacingTicks: 1, activity: 1 },
};

function params(shape: Shape, cal: ProfileCalibration): MarketModelParams {
  return {
    startPrice: shape.startPrice,
    volPerSqrtSecond: cal.volPerSqrtSecond,
    tradesPerSecond: cal.tradesPerSecond * shape.activity,
    tradeSizeLogSd: cal.tradeSizeLogSd,
    medianTradeQty: shape.medianTradeQty,
    levelQty: shape.levelQty,
    levels: 12,
    spreadTicks: shape.spreadTicks,
    levelSpacingTicks: shape.levelSpacingTicks,
  };
}

/** The demo market's opening mid for a symbol (undefined for a symbol it does not trade). */
export function demoStartPrice(symbol: string): number | undefined {
  return SHAPES[symbol]?.startPrice;
}

export function demoModels(cal: DemoCalibration): Record<string, MarketModelParams> {
  const out: Record<string, MarketModelParams> = {};
  for (const spec of DEMO_INSTRUMENTS) {
    const shape = SHAPES[spec.symbol];
    if (!shape) continue;
    out[spec.symbol] = params(shape, spec.kind === 'crypto' ? cal.crypto : cal.equity);
  }
  return out;
}
