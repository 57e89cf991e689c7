#!/usr/bin/env node
import { runCli } from './cli.ts';

// `serve` keeps running on its signal handlers; every other command exits with its code.
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
