/**
 * The one place ccxt is loaded. It costs 0.3–0.5 s and ~100 MB, so it is imported only when a
 * live venue is configured: nothing on the demo venue's start-up path may import ccxt statically
 * (a test checks that importing this folder does not load it).
 */
export type CcxtModule = typeof import('ccxt');

let loading: Promise<CcxtModule> | undefined;
let loadMs: number | undefined;

export function loadCcxt(): Promise<CcxtModule> {
  loading ??= (async () => {
    const t0 = performance.now();
    const m = await import('ccxt');
    loadMs = performance.now() - t0;
    return m;
  })();
  return loading;
}

/** How long the first load took in this process, ms (undefined before it happened). */
export function ccxtLoadMs(): number | undefined {
  return loadMs;
}
