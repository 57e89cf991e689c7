import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * How a group-committed journal makes its WAL durable. The COMMIT runs under synchronous=NORMAL
 * (SQLite appends the frames to the -wal file and does not fsync); this then flushes that file.
 * `begin` works off the event loop (libuv's thread pool), so the next batch accumulates while the
 * disk works; `now` blocks, for the rare write outside a batch and for close. Tests inject one they
 * control to hold the durable point where they want it.
 */
export interface WalSync {
  /** Starts flushing everything written to the WAL so far; `done` runs on the event loop when it is durable. */
  begin(done: (err: Error | null) => void): void;
  /** Flushes everything written to the WAL so far before returning. */
  now(): void;
  close(): void;
}

/**
 * fdatasync of the database's -wal file through a descriptor of our own: on Linux and macOS a sync
 * of one descriptor flushes the file's dirty pages whoever wrote them, and fdatasync includes the
 * size change a growing WAL needs to be read back. The WAL keeps its inode while a connection is
 * open (SQLite truncates or rewinds it, and deletes it only when the last connection closes), so
 * the descriptor is opened once, at the first sync, when the file surely exists; the directory is
 * synced then too, so the file's name survives a power loss as well as its contents.
 */
export function fileWalSync(dbPath: string): WalSync {
  const walPath = `${dbPath}-wal`;
  let fd: number | undefined;
  let inFlight = 0;
  let closing = false;
  // A descriptor closed under a sync in flight could be reused by another file before the thread
  // pool touches it: the last sync to return closes it instead.
  const closeNow = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const open = (): number => {
    if (fd === undefined) {
      fd = openSync(walPath, 'r');
      const dir = openSync(dirname(walPath), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return fd;
  };
  return {
    begin(done) {
      let f: number;
      try {
        f = open();
      } catch (err) {
        queueMicrotask(() => done(err as Error));
        return;
      }
      inFlight++;
      fdatasync(f, (err) => {
        if (--inFlight === 0 && closing) closeNow();
        done(err);
      });
    },
    now() {
      fdatasyncSync(open());
    },
    close() {
      closing = true;
      if (inFlight === 0) closeNow();
    },
  };
}
