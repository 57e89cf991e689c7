import type { Endpoint } from './envelope.ts';

/**
 * Two connected endpoints in one process. Frames are delivered on a microtask, as text, so tests
 * see the same asynchrony and JSON round trip as the real transports.
 */
export function createMemoryPair(): [Endpoint, Endpoint] {
  const make = () => ({
    msg: new Set<(f: string) => void>(),
    close: new Set<() => void>(),
    closed: false,
  });
  const a = make();
  const b = make();
  const endpoint = (self: ReturnType<typeof make>, peer: ReturnType<typeof make>): Endpoint => ({
    send(frame) {
      if (self.closed) return;
      queueMicrotask(() => {
        if (!peer.closed) for (const l of peer.msg) l(frame);
      });
    },
    onMessage(l) {
      self.msg.add(l);
      return () => self.msg.delete(l);
    },
    onClose(l) {
      self.close.add(l);
      return () => self.close.delete(l);
    },
    close() {
      if (self.closed) return;
      self.closed = true;
      peer.closed = true;
      queueMicrotask(() => {
        for (const l of self.close) l();
        for (const l of peer.close) l();
      });
    },
  });
  return [endpoint(a, b), endpoint(b, a)];
}
