import { EMPTY_LIMIT_BOOK } from '../src/risk/limits.ts';
/**
 * Algorithm decision cost per market event: each market-driven algorithm works a parent on the
 * demo market (SimClock, as fast as possible) while every decide() call is timed. Reported as the
 * median over runs of the mean cost of a decision made on a book update ('market' reason).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AlgoKind } from '../src/contract/dto.ts';
import { SimClock, SimClockDriver } from '../src/core/clock.ts';
import { createAlgo } from '../src/execution/algos/index.ts';
import type { ExecAlgo } from '../src/execution/algos/types.ts';
import { createEngine } from '../src/kernel/engine.ts';
import { median } from './stats.ts';

export interface AlgoCost {
  algo: AlgoKind;
  decisions: number;
  /** The algorithm's own work per market-event decision, child placement and cancels (journal writes) excluded. */
  nsPerDecision: number;
  children: number;
  /** Placing one child: L1 check, journal insert (synchronous=FULL) and venue submit. */
  usPerChild: number;
}

async function once(kind: AlgoKind, seed: number): Promise<{ n: number; ms: number; children: number; childMs: number }> {
  let n = 0;
  let ms = 0;
  let children = 0;
  let childMs = 0;
  const timed = (k: AlgoKind): ExecAlgo => {
    const a = createAlgo(k);
    return {
      kind: a.kind,
      marketDriven: a.marketDriven,
      decide(ctx, reason) {
        let placing = 0;
        const timedCtx = {
          ...ctx,
          placeChild: (spec: Parameters<typeof ctx.placeChild>[0]) => {
            const c0 = performance.now();
            const res = ctx.placeChild(spec);
            const dt = performance.now() - c0;
            placing += dt;
            childMs += dt;
            children++;
            return res;
          },
          cancelChild: (id: string) => {
            const c0 = performance.now();
            ctx.cancelChild(id);
            placing += performance.now() - c0;
          },
        };
        const t0 = performance.now();
        a.decide(timedCtx, reason);
        if (reason === 'market') {
          ms += performance.now() - t0 - placing;
          n++;
        }
      },
    };
  };
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-algo-'));
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 0));
  const engine = createEngine({ dataDir: dir, clock, seed, warmUpMinutes: 10, createAlgo: timed, initialCash: '100000000', risk: { limits: EMPTY_LIMIT_BOOK }, log: () => undefined });
  await engine.start();
  const algoParams = kind === 'iceberg' ? { durationSec: 600, displayQty: 5 } : { durationSec: 600 };
  await engine.handlers['orders.place']({ symbol: 'ETH/USDT', side: 'buy', qty: 400, type: 'market', tif: 'gtc', source: 'api', urgency: 'medium', algo: kind, algoParams });
  new SimClockDriver(clock).runToEnd(clock.now() + 600_000);
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return { n, ms, children, childMs };
}

export async function benchAlgoDecisions(kinds: AlgoKind[] = ['pov', 'passive', 'adaptive', 'iceberg'], runs = 3): Promise<AlgoCost[]> {
  const out: AlgoCost[] = [];
  for (const k of kinds) {
    const per: number[] = [];
    const perChild: number[] = [];
    let decisions = 0;
    let children = 0;
    for (let r = 0; r < runs; r++) {
      const x = await once(k, 11 + r);
      if (x.n > 0) per.push((x.ms * 1e6) / x.n);
      if (x.children > 0) perChild.push((x.childMs * 1e3) / x.children);
      decisions += x.n;
      children += x.children;
    }
    out.push({ algo: k, decisions, nsPerDecision: median(per), children, usPerChild: median(perChild) });
  }
  return out;
}

if (import.meta.main) {
  for (const r of await benchAlgoDecisions()) {
    console.log(`${r.algo.padEnd(9)} ${Math.round(r.nsPerDecision).toLocaleString('en-US').padStart(8)} ns per market-event decision (${r.decisions}), ${r.usPerChild.toFixed(0)} µs per child placed (${r.children})`);
  }
}
