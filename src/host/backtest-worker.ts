import { enableCompileCache } from 'node:module';
import { workerData } from 'node:worker_threads';

/**
 * Entry of a sweep worker. A worker is a fresh isolate: it compiles the engine's modules again
 * (type stripping included), ~0.75 s CPU each, before its first point. Node's on-disk compile cache
 * (the parent thread's, e.g. the one bin/strata.js turns on; else NODE_COMPILE_CACHE or the OS temp
 * directory; NODE_DISABLE_COMPILE_CACHE turns it off) keeps that work between workers and runs:
 * measured ~0.18 s CPU to load once cached. It must be on before the engine is imported, hence this
 * file and the dynamic import.
 */
enableCompileCache((workerData as { compileCacheDir?: string } | null)?.compileCacheDir);
await import('./backtest-sweep-worker.ts');
