import { z } from 'zod';
import type { ErrorDto } from './errors.ts';

/** Wire frames, identical over IPC, WebSocket and the in-memory pair. Always JSON text. */
export interface RequestFrame {
  t: 'req';
  id: number;
  method: string;
  params?: unknown;
}
export type ResponseFrame =
  | { t: 'res'; id: number; ok: true; result: unknown }
  | { t: 'res'; id: number; ok: false; error: ErrorDto };
export interface EventFrame {
  t: 'evt';
  event: string;
  data: unknown;
}
export type Frame = RequestFrame | ResponseFrame | EventFrame;

export const requestFrameSchema = z.object({
  t: z.literal('req'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});

/**
 * requestFrameSchema as a plain check, for the server's hot path: every request frame passes it, and
 * zod's object parse (a copy of the frame, its issue machinery) cost more than the check itself. The
 * same rules (a unit test holds the two to the same answers): an object, not an array; t 'req'; id a
 * non-negative safe integer; method a string of 1 to 64 UTF-16 units; params anything, or absent.
 */
export function isRequestFrame(raw: unknown): raw is RequestFrame {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const f = raw as { t?: unknown; id?: unknown; method?: unknown };
  return f.t === 'req' && typeof f.id === 'number' && Number.isSafeInteger(f.id) && f.id >= 0 && typeof f.method === 'string' && f.method.length >= 1 && f.method.length <= 64;
}

/** A bidirectional frame pipe. Each transport provides one per connection. */
export interface Endpoint {
  send(frame: string): void;
  onMessage(listener: (frame: string) => void): () => void;
  onClose(listener: () => void): () => void;
  close(): void;
}
