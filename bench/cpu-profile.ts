/**
 * Self time of a V8 `.cpuprofile` (Profiler.stop's result) summed by module and by function, in
 * microseconds per unit of work: where a process spends its CPU, without its callers' time.
 * Samples are counted, not their time deltas: on a loaded machine a thread that waited for a core
 * takes its next sample late, and the delta would charge that wait to whatever code it resumed in.
 * A sample's worth is the thread's measured CPU time divided by the samples taken.
 */
import { resolve } from 'node:path';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
}

const ROOT = resolve(import.meta.dirname, '..');

/** A module's short name: a path under the repository, a package, or V8's own bucket. */
function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return `pkg:${pkg[1]}`;
  if (path.startsWith(ROOT)) return path.slice(ROOT.length + 1);
  return path.startsWith('node:') ? path : url;
}

/**
 * The parts of the server's cost the burst is split into (issue 9): a module (or, for a native
 * function, its JavaScript caller's module) belongs to the first part whose test matches.
 */
const PARTS: [string, (mod: string) => boolean][] = [
  ['garbage collection', (m) => m.includes('(garbage collector)')],
  ['journal (SQLite statements, commits, WAL sync)', (m) => m.startsWith('src/store/') || m.includes('better-sqlite3') || m.startsWith('src/kernel/durability') || m.startsWith('node:fs')],
  ['event fan-out', (m) => m.startsWith('src/host/event-fan-out')],
  ['WebSocket framing and sockets', (m) => m.includes('pkg:ws') || /^node:(net|buffer|internal\/(stream|streams|buffer|net|linkedlist))/.test(m) || m.startsWith('src/host/')],
  ['requests: JSON, validation, replies', (m) => m.startsWith('src/contract/') || m.includes('pkg:zod')],
  ['kernel (L1, OMS, venue, PMS, DTOs)', (m) => m.startsWith('src/')],
  ['Node runtime (timers, promises, microtasks)', (m) => m.startsWith('node:') || m.includes('(program)')],
];

/**
 * Lines: self time per module, then the top functions, each as µs per unit and share of the total.
 * `cpuMs`: the profiled thread's CPU time over the same span.
 */
export function summariseProfile(p: CpuProfile, units: number, cpuMs: number, topFunctions = 40): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // A native function (JSON.parse, a socket write, SQLite's step) has no module of its own: its
  // time is charged to the nearest JavaScript caller's module as well, as '<module> (native)'.
  const callerModule = (id: number): string | undefined => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!;
      if (f.url) return moduleOf(f.url, f.functionName);
    }
    return undefined;
  };
  const modules = new Map<string, number>();
  const fns = new Map<string, number>();
  const parts = new Map<string, number>();
  let total = 0; // samples
  for (let i = 0; i < p.samples.length; i++) {
    const f = byId.get(p.samples[i]!);
    if (!f) continue;
    if (f.functionName === '(idle)') continue;
    total++;
    const own = moduleOf(f.url, f.functionName);
    const mod = f.url ? own : `${callerModule(p.samples[i]!) ?? ''} ${own}`.trim();
    modules.set(mod, (modules.get(mod) ?? 0) + 1);
    const part = PARTS.find(([, test]) => test(mod))?.[0] ?? 'other';
    parts.set(part, (parts.get(part) ?? 0) + 1);
    const key = `${f.functionName || '(anonymous)'} ${own}:${f.lineNumber + 1}${f.url ? '' : ` in ${callerModule(p.samples[i]!) ?? '?'}`}`;
    fns.set(key, (fns.get(key) ?? 0) + 1);
  }
  const perSample = (cpuMs * 1000) / Math.max(1, total);
  const row = ([k, n]: [string, number]) => `  ${((n * perSample) / units).toFixed(1).padStart(7)} µs  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${k}`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return [
    `server profile: ${total} samples (not idle), ${((cpuMs * 1000) / units).toFixed(1)} µs of the thread's CPU per order; by part:`,
    ...sorted(parts).map(row),
    'self time by module:',
    ...sorted(modules).filter(([, us]) => us / total >= 0.002).map(row),
    `top ${topFunctions} functions by self time:`,
    ...sorted(fns).slice(0, topFunctions).map(row),
  ];
}

// `node bench/cpu-profile.ts FILE UNITS CPU_MS`: the same summary of a saved profile.
if (import.meta.main) {
  const [file, units, cpuMs] = process.argv.slice(2);
  const { readFileSync } = await import('node:fs');
  for (const line of summariseProfile(JSON.parse(readFileSync(file!, 'utf8')) as CpuProfile, Number(units), Number(cpuMs), 60)) console.log(line);
}
