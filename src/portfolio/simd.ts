import { KERNELS_FMA_WASM_BASE64, KERNELS_WASM_BASE64 } from './wasm/kernels-wasm.ts';

/**
 * The WebAssembly SIMD kernels of wasm/kernels.wat, loaded once and synchronously (the module is
 * under 2 KB, well inside every engine's limit for synchronous compilation). Where WebAssembly or
 * its SIMD proposal is missing, `simdKernels()` returns null and the estimators keep their
 * pure-JS paths (gram.ts), which compute the same figures.
 */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  /** The first row of m holding a number (a listing), m when none. */
  first(p: number, m: number): number;
  /**
   * One pass over a column split at the distinct listing rows (segs: nseg i32, ascending; its own
   * listing is segs[q0]): zeros before it, Σx and Σx² of each segment q ≥ q0 at out + 16q; with
   * `prices` (1) the column's m + 1 prices become m simple returns in the same pass. Returns the
   * listed rows' Σx (non-finite: a gap or bad value inside).
   */
  segments(p: number, m: number, segs: number, q0: number, nseg: number, out: number, prices: number): number;
  /**
   * Σ_i (Σ_j (z_j[i] − means[j])²)² over rows [from, to) of n columns `stride` bytes apart (means:
   * n f64); tmp is an f64 array of at least `to` rows of scratch.
   */
  rowsqc(base: number, stride: number, n: number, from: number, to: number, tmp: number, means: number): number;
  /**
   * Adds the upper tiles of XᵀX into the n × n f64 at out (n and m multiples of 4): column i at
   * byte offset cols[i], zero before row starts[i] (two i32 arrays).
   */
  gram(cols: number, starts: number, n: number, m: number, block: number, out: number): void;
}

let kernels: SimdKernels | null | undefined;
let enabled = true;
let useFma = true;
let fmaGram: SimdKernels['gram'] | null = null;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Instantiates a module when the engine validates it (false: a missing SIMD/relaxed-SIMD opcode). */
function instantiate(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports): WebAssembly.Exports | null {
  if (!WebAssembly.validate(bytes)) return null;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
  } catch {
    return null;
  }
}

function load(): SimdKernels | null {
  if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
  // Without SIMD the JS paths run.
  const base = instantiate(decode(KERNELS_WASM_BASE64), {}) as unknown as SimdKernels | null;
  if (!base) return null;
  // The fused-multiply-add Gram when relaxed SIMD is there; otherwise the plain one.
  const fma = useFma ? (instantiate(decode(KERNELS_FMA_WASM_BASE64), { k: { memory: base.memory } }) as unknown as Pick<SimdKernels, 'gram'> | null) : null;
  fmaGram = fma ? fma.gram : null;
  return fma ? { ...base, gram: fma.gram } : base;
}

/** The kernels, or null where WebAssembly SIMD is unavailable (or switched off for a test). */
export function simdKernels(): SimdKernels | null {
  if (!enabled) return null;
  if (kernels === undefined) kernels = load();
  return kernels;
}

/** Turns the SIMD paths off (or back on): tests compare them with the pure-JS fallback. */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** Chooses the fused (relaxed SIMD) or the plain Gram kernel; reloads the kernels. Tests and benches. */
export function setFmaEnabled(on: boolean): void {
  useFma = on;
  kernels = undefined;
}

/** True when the loaded kernels use the fused-multiply-add Gram. */
export function fmaLoaded(): boolean {
  const k = simdKernels();
  return k !== null && fmaGram !== null && k.gram === fmaGram;
}

/**
 * Makes the kernels' memory at least `bytes` long, growing it when it is too small; false when it
 * cannot grow that far (a 32-bit memory tops out at 4 GB): the caller then takes its JS path.
 * Views must be taken after this (growth detaches the old buffer). The memory is kept between
 * calls: the next estimate of the same size allocates nothing.
 */
export function reserve(k: SimdKernels, bytes: number): boolean {
  const have = k.memory.buffer.byteLength;
  if (have >= bytes) return true;
  if (bytes > 2 ** 31) return false;
  try {
    k.memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}
