import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writesPerTick } from '../../../src/host/server.ts';

/** A socket stand-in that counts corks the way a Writable does. */
function fakeSocket() {
  const s = { corked: 0, uncorks: 0, writableLength: 0, cork: () => void s.corked++, uncork: () => void (s.corked > 0 && (s.corked--, s.uncorks++)) };
  return s;
}
const tick = () => new Promise<void>((r) => process.nextTick(r));

describe('frames written in one tick leave together', () => {
  it('when three frames are written in one tick then the socket is corked once and uncorked after the tick', async () => {
    const s = fakeSocket();
    const before = writesPerTick(s as unknown as Duplex);
    before();
    before();
    before();
    expect(s.corked).toBe(1);
    await tick();
    expect(s.corked).toBe(0);
    expect(s.uncorks).toBe(1);
  });

  it('when a tick has queued more than 64 KB then what it holds goes at once and the socket is corked again', async () => {
    const s = fakeSocket();
    const before = writesPerTick(s as unknown as Duplex);
    before();
    s.writableLength = 70 * 1024;
    before();
    expect(s.uncorks).toBe(1);
    expect(s.corked).toBe(1);
    await tick();
    await tick();
    expect(s.corked).toBe(0);
  });
});
