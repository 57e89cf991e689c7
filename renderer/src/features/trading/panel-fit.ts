import { createContext } from 'react';

/**
 * How the Positions grid tells the trading screen the width it needs (px, the grid's box) so that
 * all six columns read in full: the screen sizes the Positions panel from that, not from a fixed
 * guess, and the blotter gets the rest (its columns give way by priority). Null outside that screen.
 */
export const PositionsWidthContext = createContext<((px: number) => void) | null>(null);

/**
 * How the Orders grid tells the trading screen the width its priority-1 columns need (id with an
 * algo's expander, symbol, side, qty, filled, price, status, actions): Positions gives way past that.
 */
export const BlotterKeepContext = createContext<((px: number) => void) | null>(null);
