import type { Command } from 'commander';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, intArg } from './cli-common.ts';

/**
 * `strata record`: writes the market to a replayable file (a Strata recording). From the running
 * engine (its demo market, or later its live venue's feed) for N wall seconds or until Ctrl-C; or
 * `--offline`: the demo market generated on a simulated clock, N simulated seconds in one go.
 */
export function registerRecordCommand(program: Command, ctx: CliContext, dataDir: () => string): void {
  program
    .command('record')
    .description('record the market (trades) to a file that `strata replay load` and `strata serve --replay` play')
    .requiredOption('--out <file>', 'file to write (JSON lines; replaced if it exists)')
    .option('--seconds <n>', 'how long to record (default: until Ctrl-C; required with --offline)', intArg('seconds', 1, 30 * 86_400))
    .option('--offline', 'record the demo market generated on a simulated clock instead of the running engine (as fast as it goes)')
    .option('--seed <n>', 'seed of the offline demo market', intArg('seed', 0, 2 ** 31 - 1), 42)
    .option('--start <epochMs>', 'offline: start time of the recording (epoch ms; default now, to the minute)', intArg('start', 0, 9_999_999_999_999))
    .action(async (o: { out: string; seconds?: number; offline?: boolean; seed: number; start?: number }) => {
      const [{ openSync, writeSync, closeSync }, { MarketRecorder }] = await Promise.all([import('node:fs'), import('../marketdata/recorder.ts')]);
      let fd: number;
      try {
        fd = openSync(o.out, 'w', 0o600);
      } catch (err) {
        throw new CliExit(EXIT.usage, `cannot write ${o.out}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const write = (s: string) => void writeSync(fd, s);
      try {
        if (o.offline) {
          if (o.seconds === undefined) throw new CliExit(EXIT.usage, '--offline needs --seconds');
          const { recordDemoOffline } = await import('../kernel/replay/record-offline.ts');
          const start = o.start ?? Math.floor(Date.now() / 60_000) * 60_000;
          const n = await recordDemoOffline({ seed: o.seed, start, seconds: o.seconds, write: (instruments, currency) => new MarketRecorder(instruments, currency, write, start) });
          ctx.io.out(`recorded ${n} trades of the demo market (seed ${o.seed}, ${o.seconds} s simulated) to ${o.out}\n`);
          return;
        }
        const [{ readConnectionFile, processAlive }, { connectWs }, { createClient }] = await Promise.all([import('./data-dir.ts'), import('./ws-endpoint.ts'), import('../contract/rpc.ts')]);
        const dir = dataDir();
        const info = readConnectionFile(dir);
        if (!info || !processAlive(info.pid)) throw new CliExit(EXIT.usage, `no running engine found for data directory ${dir} (start one with: strata serve, or record --offline)`);
        // Only the trades are recorded: the engine pushes this connection nothing else.
        const client = createClient(await connectWs(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}&events=trade`), { timeoutMs: 10_000 });
        try {
          const session = await client.call('session.info', {});
          const rec = new MarketRecorder(session.instruments, session.currency, write, session.serverTime);
          const off = client.on('trade', (t) => rec.onTrade(t));
          await new Promise<void>((done) => {
            const timer = o.seconds !== undefined ? setTimeout(done, o.seconds * 1000) : undefined;
            process.once('SIGINT', () => {
              if (timer) clearTimeout(timer);
              done();
            });
          });
          off();
          ctx.io.out(`recorded ${rec.trades} trades from the ${session.mode} engine (${session.venue}) to ${o.out}\n`);
        } finally {
          client.close();
        }
      } finally {
        closeSync(fd);
      }
    });
}
