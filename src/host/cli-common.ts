import { InvalidArgumentError } from 'commander';
import type { MethodName, ParamsIn, Result } from '../contract/api.ts';

/**
 * Pieces every `strata` command group shares: exit codes, the exit error, argument parsers and
 * the table printer. Kept apart from cli.ts so command groups in their own files (cli-risk.ts)
 * can use them without importing cli.ts back.
 */

/** Exit codes: 0 ok, 1 request failed or refused, 2 usage or engine not reachable, 3 denied (order, confirmation). */
export const EXIT = { ok: 0, failed: 1, usage: 2, denied: 3 } as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  the request failed or was refused (the error code is printed, e.g. BAD_REQUEST,
     UNKNOWN_SYMBOL, LIMIT_REJECTED SOFT_ABOVE_HARD)
  2  usage error, or no engine running on the data directory
  3  denied: an order was DENIED or REJECTED (its reason code is printed), a soft limit
     breach needs --confirm (RISK_CONFIRM_REQUIRED), or a resume needs its --confirm token`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export class CliExit extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** What a command group needs from the program: the engine call, output and the command line. */
export interface CliContext {
  io: CliIo;
  call: <M extends MethodName>(method: M, params: ParamsIn<M>) => Promise<Result<M>>;
  print: (json: boolean, value: unknown, human: () => string) => void;
  /** How to spell `strata` with the global options the user gave, for commands we suggest. */
  self: () => string;
}

export function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
}

export function floatArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= min || n > max) throw new InvalidArgumentError(`${name} must be a number in (${min}, ${max}]`);
    return n;
  };
}

/** Quotes a word for a POSIX shell when it needs it, so a suggested command can be pasted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

type Cell = string | number | null;

/**
 * Left-aligned columns; numbers right-aligned. `align` overrides per column ('r' for decimals
 * that arrive as exact text, like limit levels).
 */
export function table(headers: string[], rows: Cell[][], align?: ('l' | 'r' | undefined)[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const numeric = headers.map((_, i) => {
    const a = align?.[i];
    if (a !== undefined) return a === 'r';
    return rows.some((r) => typeof r[i] === 'number') && rows.every((r) => typeof r[i] === 'number' || r[i] === null);
  });
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** `FIELD  VALUE` pairs, aligned. */
export function fields(rows: [string, Cell][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v === null ? '-' : String(v)}`.trimEnd()).join('\n');
}

export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}
