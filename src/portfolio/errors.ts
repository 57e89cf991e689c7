/**
 * Typed failures of portfolio construction. Every refusal carries a code a caller can branch on and
 * a sentence a person can act on; nothing here ever returns silent garbage weights instead.
 *   BAD_INPUT   the inputs cannot describe a portfolio (NaN prices, too few rows, shape mismatch…)
 *   INFEASIBLE  the inputs are fine but no portfolio satisfies the constraints
 *   SOLVER      the solver stopped without proving optimality (time or iteration limit)
 */
export type PortfolioErrorCode = 'BAD_INPUT' | 'INFEASIBLE' | 'SOLVER';

export class PortfolioError extends Error {
  readonly code: PortfolioErrorCode;
  constructor(code: PortfolioErrorCode, message: string) {
    super(message);
    this.name = 'PortfolioError';
    this.code = code;
  }
}

export const badInput = (message: string): PortfolioError => new PortfolioError('BAD_INPUT', message);
export const infeasible = (message: string): PortfolioError => new PortfolioError('INFEASIBLE', message);
