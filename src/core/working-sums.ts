/**
 * One symbol's working direct orders and algo children (what L1 counts as working, not parents or
 * held triggers), summed: the figures L1's exposure slots add for the symbol. The OMS keeps them as
 * it changes orders (src/execution/working-sums.ts) and L1 reads them through its exposure port
 * (src/risk/projected-state.ts), in O(1) instead of walking every working order of the symbol.
 */
export interface WorkingSums {
  /** Working orders with quantity left (the symbol is present in L1's projected state when > 0). */
  count: number;
  buyUnits: bigint;
  sellUnits: bigint;
  /** Quantity of the buys with a price of their own, and the sum of price × quantity over them. */
  buyPricedUnits: bigint;
  buyPriceQty: bigint;
}
