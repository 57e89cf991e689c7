/**
 * The logic behind window.strata, with no Electron import: frame validation, queueing until the
 * engine port arrives, switching ports after a reload or an engine restart, fan-out to listeners.
 * main/preload.ts wires it to ipcRenderer and contextBridge.
 */

/** Largest frame the renderer may send (requests are small; this only stops runaway input). */
export const MAX_FRAME_LENGTH = 1024 * 1024;
/** Frames sent before the engine port arrives wait here, up to this many. */
export const MAX_QUEUED_FRAMES = 1000;

export interface StrataBridge {
  send(frame: string): void;
  onMessage(listener: (frame: string) => void): () => void;
}

/** What we use of the DOM MessagePort Electron hands the preload. */
export interface BridgePort {
  postMessage(message: string): void;
  start(): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  addEventListener(type: 'close', listener: () => void): void;
}

export interface Bridge {
  api: StrataBridge;
  /** Switches to a new engine port (first connection, page reload, engine restart). */
  attachPort(port: BridgePort): void;
}

export function createBridge(reportError: (err: unknown) => void = (err) => console.error('[strata] onMessage listener failed', err)): Bridge {
  const listeners = new Set<(frame: string) => void>();
  const queue: string[] = [];
  let port: BridgePort | null = null;

  const deliver = (frame: string): void => {
    for (const l of [...listeners]) {
      try {
        l(frame);
      } catch (err) {
        reportError(err);
      }
    }
  };

  const api: StrataBridge = {
    send(frame: string): void {
      if (typeof frame !== 'string') throw new TypeError('strata.send(frame): frame must be a string');
      if (frame.length > MAX_FRAME_LENGTH) throw new RangeError(`strata.send(frame): frame longer than ${MAX_FRAME_LENGTH} characters`);
      if (port) {
        port.postMessage(frame);
        return;
      }
      if (queue.length >= MAX_QUEUED_FRAMES) throw new Error('strata.send(frame): the engine is not connected');
      queue.push(frame);
    },
    onMessage(listener: (frame: string) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('strata.onMessage(listener): listener must be a function');
      const own = (frame: string): void => listener(frame);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
  };

  const attachPort = (next: BridgePort): void => {
    const previous = port;
    port = next;
    if (previous) {
      previous.onmessage = null;
      previous.close();
    }
    next.onmessage = (event) => {
      if (port === next && typeof event.data === 'string') deliver(event.data);
    };
    next.addEventListener('close', () => {
      if (port === next) port = null;
    });
    next.start();
    for (const frame of queue.splice(0)) next.postMessage(frame);
  };

  return { api, attachPort };
}
