import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/** Structured log to <data-dir>/logs/engine.log; warnings and errors also to stderr. */
export function createLogger(dataDir: string): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  return pino(
    { level: process.env.STRATA_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
    pino.multistream([
      { level: 'info', stream: pino.destination({ dest: join(dir, 'engine.log'), sync: false, mkdir: true }) },
      { level: 'warn', stream: process.stderr },
    ]),
  );
}
