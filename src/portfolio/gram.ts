import { simdCross } from './moments.ts';

/**
 * Cross products of column-major data (one Float64Array per column, every column the same
 * length): AᵀB and the symmetric AᵀA, on the SIMD Gram of wasm/kernels.wat when WebAssembly SIMD
 * is there, otherwise on the pure-JS kernel below. Every covariance estimator (sample, shrinkage, HRP's
 * correlation) spends nearly all its time here, so the loops are written for V8:
 * - a 4 × 4 register tile: one pass over a row range reads 8 values and does 16 multiply-adds,
 *   where a pair-at-a-time dot product reads 2 values per multiply-add (memory-bound);
 * - row blocks, so the 4 columns of the left tile stay in L1 while the right tile walks all
 *   columns of the same block (500 columns × 512 rows × 8 B = 2 MB per block, in L2);
 * - for AᵀA only tiles on or above the diagonal are computed, then mirrored.
 * Partial sums per row block also round less than one long running sum.
 */

const ROW_BLOCK = 512;

/** Pads a list of columns to a multiple of 4 with a shared zero column (the tile's spare lanes). */
function padded(cols: readonly Float64Array[], t: number): Float64Array[] {
  const out = cols.slice();
  const zero = new Float64Array(t);
  while (out.length % 4 !== 0) out.push(zero);
  return out;
}

function checkLengths(cols: readonly Float64Array[], t: number): void {
  for (const c of cols) if (c.length < t) throw new RangeError(`gram: a column has ${c.length} rows, ${t} expected`);
}

/**
 * AᵀB over rows [0, t): out[i·nb + j] = Σ_k a_i[k]·b_j[k], a flat row-major na × nb array.
 * With `symmetric` (B is A) only the upper tiles are computed and the result is mirrored.
 */
function tiled(a: readonly Float64Array[], b: readonly Float64Array[], t: number, symmetric: boolean): Float64Array {
  const na = a.length;
  const nb = b.length;
  const out = new Float64Array(na * nb);
  if (na === 0 || nb === 0 || t === 0) return out;
  const A = padded(a, t);
  const B = symmetric ? A : padded(b, t);
  const qa = A.length / 4;
  const qb = B.length / 4;
  // The tile sums land in a padded accumulator; only the real na × nb corner is copied out.
  const pb = B.length;
  const acc = new Float64Array(A.length * pb);
  for (let r0 = 0; r0 < t; r0 += ROW_BLOCK) {
    const r1 = Math.min(r0 + ROW_BLOCK, t);
    for (let ia = 0; ia < qa; ia++) {
      const a0 = A[4 * ia]!;
      const a1 = A[4 * ia + 1]!;
      const a2 = A[4 * ia + 2]!;
      const a3 = A[4 * ia + 3]!;
      for (let ib = symmetric ? ia : 0; ib < qb; ib++) {
        const b0 = B[4 * ib]!;
        const b1 = B[4 * ib + 1]!;
        const b2 = B[4 * ib + 2]!;
        const b3 = B[4 * ib + 3]!;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let k = r0; k < r1; k++) {
          const x0 = a0[k]!;
          const x1 = a1[k]!;
          const x2 = a2[k]!;
          const x3 = a3[k]!;
          const y0 = b0[k]!;
          const y1 = b1[k]!;
          const y2 = b2[k]!;
          const y3 = b3[k]!;
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        const o0 = 4 * ia * pb + 4 * ib;
        const o1 = o0 + pb;
        const o2 = o1 + pb;
        const o3 = o2 + pb;
        acc[o0]! += s00; acc[o0 + 1]! += s01; acc[o0 + 2]! += s02; acc[o0 + 3]! += s03;
        acc[o1]! += s10; acc[o1 + 1]! += s11; acc[o1 + 2]! += s12; acc[o1 + 3]! += s13;
        acc[o2]! += s20; acc[o2 + 1]! += s21; acc[o2 + 2]! += s22; acc[o2 + 3]! += s23;
        acc[o3]! += s30; acc[o3 + 1]! += s31; acc[o3 + 2]! += s32; acc[o3 + 3]! += s33;
      }
    }
  }
  for (let i = 0; i < na; i++) {
    for (let j = symmetric ? i : 0; j < nb; j++) {
      const v = acc[i * pb + j]!;
      out[i * nb + j] = v;
      if (symmetric) out[j * nb + i] = v;
    }
  }
  return out;
}

/** AᵀA of n columns over their first t rows, as a flat row-major n × n array (exactly symmetric). */
export function gram(cols: readonly Float64Array[], t = cols[0]?.length ?? 0): Float64Array {
  checkLengths(cols, t);
  return simdCross(cols, null, t) ?? tiled(cols, cols, t, true);
}

/** AᵀB of two column lists over their first t rows, as a flat row-major na × nb array. */
export function crossGram(a: readonly Float64Array[], b: readonly Float64Array[], t = a[0]?.length ?? 0): Float64Array {
  checkLengths(a, t);
  checkLengths(b, t);
  if (a.length === 0 || b.length === 0) return new Float64Array(a.length * b.length);
  return simdCross(a, b, t) ?? tiled(a, b, t, false);
}
