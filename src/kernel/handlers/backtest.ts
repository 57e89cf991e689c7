import type { Handlers } from '../../contract/api.ts';
import { DomainError } from '../../core/errors.ts';
import type { KernelContext } from '../context.ts';

type BacktestMethods = 'backtest.data' | 'backtest.import' | 'backtest.run' | 'backtest.fidelities' | 'backtest.sweep' | 'backtest.sweepResult' | 'backtest.list' | 'backtest.show' | 'backtest.cancel';

/**
 * Backtests read and write the data directory's research files and run in worker threads: the
 * serving host answers backtest.* (src/host/backtest-service.ts). A kernel on its own refuses them.
 */
export function backtestHandlers(_ctx: KernelContext): Pick<Handlers, BacktestMethods> {
  const none = (): never => {
    throw new DomainError('BACKTEST_UNAVAILABLE', 'backtests run in the serving host (strata serve), which this engine does not have');
  };
  return { 'backtest.data': none, 'backtest.import': none, 'backtest.run': none, 'backtest.fidelities': none, 'backtest.sweep': none, 'backtest.sweepResult': none, 'backtest.list': none, 'backtest.show': none, 'backtest.cancel': none };
}
