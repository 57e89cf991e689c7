import { createHash } from 'node:crypto';
import type { Series } from '../backtest/data/series.ts';

/**
 * The bytes a series is stored and hashed as: the columns as little-endian float64 (the side of a
 * trade as int8), one after the other, after a short text header naming the kind and row count.
 * The hash is over these bytes only, so the same data under two names has one hash.
 */
export function encodeSeries(s: Series): Buffer {
  const cols = s.kind === 'bars' ? [s.time, s.open, s.high, s.low, s.close, s.volume] : [s.time, s.price, s.qty];
  const n = s.time.length;
  const head = Buffer.from(`${s.kind};${n};${s.priceDecimals}\n`, 'ascii');
  const parts: Buffer[] = [head];
  for (const c of cols) parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  if (s.kind === 'trades') parts.push(Buffer.from(s.side.buffer, s.side.byteOffset, s.side.byteLength));
  // Float64Array is host-endian; every platform Strata ships on is little-endian.
  return Buffer.concat(parts);
}

export function decodeSeries(buf: Buffer): Series {
  const nl = buf.indexOf(10);
  const [kind, nText, decText] = buf.subarray(0, nl).toString('ascii').split(';');
  const n = Number(nText);
  const priceDecimals = Number(decText);
  // Copy into an aligned buffer: a Float64Array view needs an offset that is a multiple of 8.
  const body = new Uint8Array(buf.length - nl - 1);
  body.set(buf.subarray(nl + 1));
  const col = (i: number) => new Float64Array(body.buffer, i * n * 8, n);
  if (kind === 'bars') return { kind: 'bars', time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5), priceDecimals };
  return { kind: 'trades', time: col(0), price: col(1), qty: col(2), side: new Int8Array(body.buffer, 3 * n * 8, n), priceDecimals };
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
