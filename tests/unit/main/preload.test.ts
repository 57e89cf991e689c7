import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createBridge, MAX_FRAME_LENGTH, MAX_QUEUED_FRAMES } from '../../../main/bridge.ts';
import type { BridgePort } from '../../../main/bridge.ts';
import { PORT_CHANNEL } from '../../../main/messages.ts';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcListeners: new Map<string, (event: { ports: unknown[] }) => void>(),
  exposeCalls: 0,
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      h.exposeCalls++;
      h.exposed.set(key, api);
    },
  },
  ipcRenderer: {
    on: (channel: string, listener: (event: { ports: unknown[] }) => void) => {
      h.ipcListeners.set(channel, listener);
    },
    send: () => {
      throw new Error('the preload must not send IPC');
    },
  },
}));

class FakePort implements BridgePort {
  sent: string[] = [];
  closed = false;
  started = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  private closeListeners: (() => void)[] = [];
  postMessage(message: string): void {
    this.sent.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
  addEventListener(_type: 'close', listener: () => void): void {
    this.closeListeners.push(listener);
  }
  receive(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  peerClosed(): void {
    for (const l of this.closeListeners) l();
  }
}

interface ExposedBridge {
  send(frame: unknown): void;
  onMessage(listener: unknown): () => void;
}

describe('preload', () => {
  let api: ExposedBridge;
  beforeAll(async () => {
    await import('../../../main/preload.ts');
    api = h.exposed.get('strata') as ExposedBridge;
  });

  it('when loaded then it exposes exactly window.strata with send and onMessage, nothing else', () => {
    expect(h.exposeCalls).toBe(1);
    expect([...h.exposed.keys()]).toEqual(['strata']);
    expect(Object.keys(api).sort()).toEqual(['onMessage', 'send']);
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
  });

  it('when it listens to main then it is only for the engine port channel', () => {
    expect([...h.ipcListeners.keys()]).toEqual([PORT_CHANNEL]);
  });

  it.each([42, null, undefined, { t: 'req' }, ['x'], new Uint8Array([1])])('when send gets %s then it throws a TypeError', (frame) => {
    expect(() => api.send(frame)).toThrow(TypeError);
  });

  it('when onMessage gets a non-function then it throws a TypeError', () => {
    expect(() => api.onMessage('x')).toThrow(TypeError);
  });

  it('when main hands over a port then queued frames go out and engine frames reach listeners', () => {
    api.send('{"t":"req","id":1,"method":"session.info"}');
    const got: string[] = [];
    const off = api.onMessage((f: string) => got.push(f));
    const port = new FakePort();
    h.ipcListeners.get(PORT_CHANNEL)?.({ ports: [port] });
    expect(port.started).toBe(true);
    expect(port.sent).toEqual(['{"t":"req","id":1,"method":"session.info"}']);
    port.receive('{"t":"res","id":1,"ok":true,"result":{}}');
    port.receive(123); // not a string: dropped
    expect(got).toEqual(['{"t":"res","id":1,"ok":true,"result":{}}']);
    off();
    port.receive('{"t":"evt"}');
    expect(got).toHaveLength(1);
  });
});

describe('createBridge', () => {
  it('when a new port arrives then the old one is closed and its late messages ignored', () => {
    const bridge = createBridge();
    const got: string[] = [];
    bridge.api.onMessage((f) => got.push(f));
    const a = new FakePort();
    const b = new FakePort();
    bridge.attachPort(a);
    bridge.attachPort(b);
    expect(a.closed).toBe(true);
    a.receive('late');
    b.receive('fresh');
    expect(got).toEqual(['fresh']);
    bridge.api.send('x');
    expect(b.sent).toEqual(['x']);
    expect(a.sent).toEqual([]);
  });

  it('when the engine end closes then frames wait for the next port', () => {
    const bridge = createBridge();
    const a = new FakePort();
    bridge.attachPort(a);
    a.peerClosed();
    bridge.api.send('queued');
    expect(a.sent).toEqual([]);
    const b = new FakePort();
    bridge.attachPort(b);
    expect(b.sent).toEqual(['queued']);
  });

  it('when a listener throws then the others still get the frame', () => {
    const errors: unknown[] = [];
    const bridge = createBridge((e) => errors.push(e));
    const got: string[] = [];
    bridge.api.onMessage(() => {
      throw new Error('boom');
    });
    bridge.api.onMessage((f) => got.push(f));
    const port = new FakePort();
    bridge.attachPort(port);
    port.receive('x');
    expect(got).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });

  it('when frames are too long or too many are queued then send refuses them', () => {
    const bridge = createBridge();
    expect(() => bridge.api.send('x'.repeat(MAX_FRAME_LENGTH + 1))).toThrow(RangeError);
    for (let i = 0; i < MAX_QUEUED_FRAMES; i++) bridge.api.send(String(i));
    expect(() => bridge.api.send('one more')).toThrow(/not connected/);
  });
});
