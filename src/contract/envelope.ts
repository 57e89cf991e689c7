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

/** A bidirectional frame pipe. Each transport provides one per connection. */
export interface Endpoint {
  send(frame: string): void;
  onMessage(listener: (frame: string) => void): () => void;
  onClose(listener: () => void): () => void;
  close(): void;
}
