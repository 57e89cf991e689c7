import { enableCompileCache } from 'node:module';
import { workerData } from 'node:worker_threads';

/** Entry of a one-run worker (backtest.run from the UI): the compile cache first, as in backtest-worker.ts. */
enableCompileCache((workerData as { compileCacheDir?: string } | null)?.compileCacheDir);
await import('./backtest-spec-worker.ts');
