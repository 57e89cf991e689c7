/** The `quadprog` package (R's quadprog ported to JavaScript) ships no types; what Strata uses of it. */
declare module 'quadprog' {
  /** Arrays are 1-based, as in the Fortran original: index 0 is unused. */
  export function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec: number[], meq?: number): { solution: number[]; message: string };
}
