import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { REPLAY_SPEEDS } from '../contract/api.ts';
import type { ReplaySpeed, ReplayStateDto } from '../contract/api.ts';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, fields, intArg } from './cli-common.ts';

/**
 * `strata replay …`: VCR controls of the replay loaded in the running engine (`strata serve
 * --replay FILE`, or `strata replay load FILE`). While a replay is loaded, `strata orders`,
 * `positions`, `account` and the UI all talk to the replay account; `replay stop` goes back to paper.
 */

/** "10", "10x", "max" → a replay speed. */
export function speedArg(v: string): ReplaySpeed {
  // Only a number takes the "x" suffix: stripping any trailing x turned "max" into "ma".
  const s = v.trim().toLowerCase().replace(/(?<=\d)x$/, '');
  if (!(REPLAY_SPEEDS as readonly string[]).includes(s)) throw new InvalidArgumentError(`speed must be one of ${REPLAY_SPEEDS.join(', ')}`);
  return s as ReplaySpeed;
}

/** A positive plain decimal (the ledger keeps 8 decimals of cash). */
function cashArg(v: string): string {
  const s = v.trim().replace(/_/g, '');
  if (!/^\d{1,15}(\.\d{1,8})?$/.test(s) || !(Number(s) > 0)) throw new InvalidArgumentError(`cash must be a positive decimal with at most 8 decimals, got "${v}"`);
  return s;
}

/**
 * An ISO time, epoch ms, an offset from the recording's start ("+30m", "+2h"), or with `now` (the
 * replay's position, when given) an offset from where it is ("now-5m", "now+1h").
 */
export function timeWithin(v: string, start: number, position?: number): number {
  const t0 = v.trim();
  const unit = (u: string | undefined) => (u === 'h' ? 3_600_000 : u === 'm' ? 60_000 : 1000);
  const off = /^\+(\d+(?:\.\d+)?)(s|m|h)?$/.exec(t0);
  if (off) return start + Number(off[1]) * unit(off[2]);
  const rel = /^now(?:([+-])(\d+(?:\.\d+)?)(s|m|h)?)?$/.exec(t0);
  if (rel) {
    if (position === undefined) throw new CliExit(EXIT.usage, `"${v}": now±N is for seek, from where the replay is`);
    return rel[1] === undefined ? position : position + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * unit(rel[3]);
  }
  if (/^\d+$/.test(t0)) return Number(t0);
  const t = Date.parse(t0);
  if (Number.isNaN(t)) throw new CliExit(EXIT.usage, `cannot read "${v}" as a time (ISO, epoch ms, +30m from the start, or now-5m from where the replay is)`);
  return t;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function replayStateText(s: ReplayStateDto): string {
  if (!s.loaded) return 'no replay loaded (the engine is on its paper account)';
  const pct = s.end > s.start ? ((s.position - s.start) / (s.end - s.start)) * 100 : 100;
  return fields([
    ['file', s.file],
    ['instruments', s.symbols.join(', ')],
    ['position', `${iso(s.position)} (${pct.toFixed(1)}%)`],
    ['range', `${iso(s.start)} .. ${iso(s.end)}`],
    ['state', s.ended ? 'ended' : s.playing ? 'playing' : 'paused'],
    ['speed', s.speed === 'max' ? 'max' : `${s.speed}x`],
    ['trades played', `${s.played} / ${s.events}`],
  ]);
}

export function registerReplayCommands(program: Command, ctx: CliContext): void {
  const show = (json: boolean | undefined, s: ReplayStateDto) => ctx.print(!!json, s, () => replayStateText(s));
  const rp = program.command('replay').description('replay a recorded market through the engine and the UI on a replay account of its own (VCR controls)');
  rp.command('load <file>')
    .description('load a trade tape CSV, a candle CSV (each bar replays as four prints: open, the extreme nearer the open, the other, close) or a Strata recording into the running engine (the UI switches to the replay account)')
    .option('--symbol <s>', 'instrument of a single-instrument tape or candle file (default: read from the file name, e.g. binance_XRPETH_… → XRP/ETH, orcl-… → ORCL/USD)')
    .addOption(new Option('--speed <x>', `speed: ${REPLAY_SPEEDS.join(', ')}`).argParser(speedArg).default('1'))
    .option('--from <t>', 'start here: ISO time, epoch ms, or an offset into the recording (+30m); what precedes it plays at full speed')
    .option('--cash <n>', "the replay account's starting cash in the recording's quote currency (default: 1,000,000 on a fiat or stablecoin quote, else 1,000 x the median trade's notional, e.g. 100 ETH on the XRP/ETH tape)", cashArg)
    .option('--play', 'start playing at once')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { symbol?: string; speed: ReplaySpeed; from?: string; cash?: string; play?: boolean; json?: boolean }) => {
      const { resolve } = await import('node:path');
      // The engine resolves paths against its own directory: send an absolute one.
      let s = await ctx.call('replay.load', { path: resolve(file), speed: o.speed, ...(o.symbol ? { symbol: o.symbol } : {}), ...(o.cash !== undefined ? { cash: o.cash } : {}) });
      if (o.from !== undefined) s = await ctx.call('replay.seek', { time: timeWithin(o.from, s.start) });
      if (o.play) s = await ctx.call('replay.play', {});
      show(o.json, s);
    });
  for (const [name, what] of [
    ['play', 'play at the current speed'],
    ['pause', 'pause'],
    ['status', 'where the replay is'],
    ['stop', 'unload the replay and go back to the paper account'],
  ] as const) {
    rp.command(name)
      .description(what)
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }) => show(o.json, await ctx.call(`replay.${name}`, {})));
  }
  rp.command('step')
    .description('play the next recorded trade(s), then pause')
    .option('--events <n>', 'how many recorded trades', intArg('events', 1, 100_000), 1)
    .option('--json', 'print JSON')
    .action(async (o: { events: number; json?: boolean }) => show(o.json, await ctx.call('replay.step', { events: o.events })));
  rp.command('speed <x>')
    .description(`set the speed: ${REPLAY_SPEEDS.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (x: string, o: { json?: boolean }) => {
      let speed: ReplaySpeed;
      try {
        speed = speedArg(x);
      } catch (err) {
        throw new CliExit(EXIT.usage, err instanceof Error ? err.message : String(err));
      }
      show(o.json, await ctx.call('replay.speed', { speed }));
    });
  rp.command('seek <time>')
    .description('move to a time: ISO, epoch ms, +30m (from the start of the recording) or now-5m / now+1h (from where the replay is); backwards resets the replay account to what it held then')
    .option('--json', 'print JSON')
    .action(async (t: string, o: { json?: boolean }) => {
      const st = await ctx.call('replay.status', {});
      if (!st.loaded) throw new CliExit(EXIT.failed, 'REPLAY_NOT_LOADED: no replay is loaded');
      show(o.json, await ctx.call('replay.seek', { time: timeWithin(t, st.start, st.position) }));
    });
}
