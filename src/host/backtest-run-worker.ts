import { enableCompileCache } from 'node:module';

/** Entry of a one-run worker (backtest.run from the UI): the compile cache first, as in backtest-worker.ts. */
enableCompileCache();
await import('./backtest-spec-worker.ts');
