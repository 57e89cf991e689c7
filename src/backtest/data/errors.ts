/** Why a data file was refused. One code per rule, so a caller (CLI, UI) can act on it. */
export type DataErrorCode =
  | 'FILE_EMPTY'
  | 'UNKNOWN_FORMAT'
  | 'MISSING_COLUMN'
  | 'SHORT_ROW'
  | 'BAD_NUMBER'
  | 'BAD_TIME'
  | 'NEGATIVE_PRICE'
  | 'NEGATIVE_VOLUME'
  | 'INCONSISTENT_BAR'
  | 'UNSORTED'
  | 'DUPLICATE_TIMESTAMP'
  | 'MISALIGNED'
  | 'SERIES_NOT_FOUND';

/**
 * A refused file: which file, which 1-based line (the header is line 1; 0 when the whole file is
 * at fault) and why. The message reads `file:line: reason` like a compiler's.
 */
export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  constructor(code: DataErrorCode, file: string, line: number, reason: string) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${reason} [${code}]`);
    this.name = 'DataError';
    this.code = code;
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
