import type { SessionDto } from '../../../src/contract/index.ts';
import { set } from './store.ts';

export type ConnectionPhase = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** 'ipc' inside Electron, 'ws' in a browser. */
  kind: 'ipc' | 'ws';
  /** Consecutive failed attempts since the last open connection. */
  attempt: number;
  /** When phase is 'reconnecting': epoch ms of the next attempt. */
  retryAt: number | null;
  /** Human-readable reason of the last drop, if any. */
  detail: string | null;
}

export interface ConnectionSlice {
  conn: ConnectionState;
  /** Bumped on every new connection; views that fetch history depend on it. */
  epoch: number;
  loading: boolean;
  session: SessionDto | null;
  lastEventAt: number;
}

export function connectionInitial(): ConnectionSlice {
  return {
    conn: { phase: 'connecting', kind: 'ws', attempt: 0, retryAt: null, detail: null },
    epoch: 0,
    loading: true,
    session: null,
    lastEventAt: 0,
  };
}

export function setConnState(conn: ConnectionState): void {
  set({ conn });
}
