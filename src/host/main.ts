#!/usr/bin/env node
import { runCli } from './cli.ts';

// A reader that stops early (`strata backtest run --json | head`) closes the pipe: that is the
// reader's choice, not an error of the command, so it ends quietly as other Unix tools do instead
// of throwing an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// `serve` keeps running on its signal handlers; every other command exits with its code.
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
