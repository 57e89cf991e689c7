import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { MethodName, ParamsIn, ReplaySpeed, Result } from '../contract/api.ts';
import { ORDERS_PAGE_MAX } from '../contract/limits.ts';
import type { AccountDto, AlgoKind, ExecutionStyle, FillDto, OrderDto, PositionDto, TriggerSource, Urgency } from '../contract/dto.ts';
import { ALGO_KINDS, EXECUTION_STYLES, TRIGGER_SOURCES, URGENCIES, isTerminal } from '../contract/dto.ts';
import { RpcError } from '../contract/errors.ts';
import type { OrderSourceDto } from '../contract/risk-dto.ts';
import { ORDER_SOURCES } from '../contract/risk-dto.ts';
import { createClient } from '../contract/client.ts';
import type { Client } from '../contract/client.ts';
import { fillRows, orderLinks, orderRows, positionRows } from './cli-format.ts';
import type { Precision } from './cli-format.ts';
import type { CliContext, CliIo } from './cli-common.ts';
import { CliExit, EXIT, EXIT_CODES_HELP, floatArg, intArg, isoTime, shellWord, table } from './cli-common.ts';
import { confirmRequired, refusalText, registerRiskCommands } from './cli-risk.ts';
import { processAlive, readConnectionFile, resolveDataDir } from './data-dir.ts';
import { ENGINE_VERSION } from '../kernel/version.ts';
import { connectWsClient } from './ws-client.ts';

export { EXIT, table };
export type { CliIo };

/** "600", "90s", "10m", "1h" → seconds. */
export function durationArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('duration must look like 600, 90s, 10m or 1h');
  const n = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  if (n <= 0) throw new InvalidArgumentError('duration must be positive');
  return n;
}

/** ISO time, epoch ms, or an offset from the tape start ("+30m", "+2h"). */
export function parseStart(v: string, tapeStart: number): number {
  if (v.startsWith('+')) return tapeStart + durationArg(v.slice(1)) * 1000;
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new CliExit(EXIT.usage, `--start: cannot read "${v}" as a time`);
  return t;
}

/** argv minus the global --data-dir (self() puts it back first). */
function withoutDataDir(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data-dir') i++;
    else if (!argv[i]!.startsWith('--data-dir=')) out.push(argv[i]!);
  }
  return out;
}

/** Commands cli.ts knows without loading a group module. */
const CORE_COMMANDS = new Set(['serve', 'loopback-exchange', 'orders', 'exec', 'fills', 'positions', 'account', 'risk', 'keys', 'data', 'backtest', 'portfolio', 'signals', 'approvals', 'replay', 'record']);

/** The command word: the first argument that is not a global option (--data-dir takes a value). */
function firstCommand(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function runCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), env: process.env }): Promise<number> {
  const program = new Command('strata')
    .description('Strata trading terminal: engine host and command-line client')
    .version(ENGINE_VERSION)
    .option('--data-dir <dir>', 'data directory (default: $STRATA_DATA_DIR or the per-user data folder)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', EXIT_CODES_HELP);

  const dataDir = () => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, io.env);

  // One connection per command, however many calls it makes (a market order's wait polls).
  let client: Promise<Client> | undefined;
  async function call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>> {
    client ??= connect();
    return (await client).call(method, params);
  }
  async function connect(): Promise<Client> {
    const dir = dataDir();
    const info = readConnectionFile(dir);
    if (!info || !processAlive(info.pid)) {
      throw new CliExit(EXIT.usage, `no running engine found for data directory ${dir} (start one with: strata serve --data-dir ${dir})`);
    }
    let endpoint;
    try {
      // `events=` (none): a command only calls methods; the engine need not push it the market.
      endpoint = await connectWsClient(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}&events=`);
    } catch (err) {
      throw new CliExit(EXIT.usage, `cannot reach the engine at 127.0.0.1:${info.port}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return createClient(endpoint, { timeoutMs: 10_000 });
  }
  /**
   * Instruments' decimals for human output (one more call on the same connection). Asked for before
   * the command's own call and awaited after it, so both requests share one round trip: on a busy
   * engine a round trip is a good part of the command's wall time. `--json` needs none.
   */
  let precision: Promise<Precision> | undefined;
  function prec(json: boolean | undefined): Promise<Precision> {
    if (json) return Promise.resolve(new Map());
    if (!precision) {
      precision = call('session.info', {}).then((s) => new Map(s.instruments.map((i) => [i.symbol, i])));
      // The command's own call reports a failed connection; this copy must not end the process first.
      precision.catch(() => undefined);
    }
    return precision;
  }

  const print = (json: boolean, value: unknown, human: () => string) => io.out((json ? JSON.stringify(value, null, 2) : human()) + '\n');

  /** `strata` as the user spelled it (with --data-dir when given), for commands we suggest they run. */
  const self = () => {
    const dir = program.opts<{ dataDir?: string }>().dataDir;
    return dir === undefined ? 'strata' : `strata --data-dir ${shellWord(dir)}`;
  };
  const ctx: CliContext = { io, call, print, self };

  program
    .command('serve')
    .description('start the engine and serve the web UI on 127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', intArg('port', 0, 65535), 0)
    .option('--seed <n>', 'seed of the demo market', intArg('seed', 0, 2 ** 31 - 1), 42)
    .option('--warm-up <minutes>', 'minutes of demo history generated at start', intArg('warm-up', 0, 24 * 60), 30)
    .option('--fresh', 'start a new account although the journal is missing or empty beside an old account (its files are moved aside)')
    .option('--venue <venue>', 'sim (the demo venue) or ccxt:EXCHANGE, e.g. ccxt:binance; stored in the data directory (venue.json)')
    .option('--venue-url <url>', 'API base URL override: rewrites the host of every API URL, keeps the paths (testnets, gateways, the loopback exchange)')
    .addOption(new Option('--mode <mode>', 'on an exchange: live (real orders) or paper (simulated fills against its live data)').choices(['live', 'paper']))
    .option('--symbols <list>', 'watched symbols on an exchange, comma separated (e.g. BTC/USDT,ETH/USDT)')
    .option('--rate-limit-factor <f>', "share of the exchange's request-weight budget Strata may use, (0, 1]")
    .option('--signal-cycle <seconds>', 'seconds between L2 signal cycles, each turning new targets into proposals (0: only on request)', intArg('signal-cycle', 0, 7 * 86_400), 60)
    .option('--replay <file>', 'load a recorded market (trade tape CSV or Strata recording) at start, on a replay account apart from paper')
    .option('--replay-symbol <s>', 'instrument of a single-instrument tape (default: from the file name)')
    .addOption(new Option('--speed <x>', 'replay speed').choices(['1', '2', '5', '10', '60', 'max']).default('1'))
    .action(async (o: { port: number; seed: number; warmUp: number; fresh?: boolean; venue?: string; venueUrl?: string; mode?: 'live' | 'paper'; symbols?: string; rateLimitFactor?: string; signalCycle: number; replay?: string; replaySymbol?: string; speed: ReplaySpeed }) => {
      const [{ serve }, { resolve }] = await Promise.all([import('./serve.ts'), import('node:path')]);
      const replay = o.replay === undefined ? undefined : { path: resolve(o.replay), speed: o.speed, ...(o.replaySymbol ? { symbol: o.replaySymbol } : {}) };
      const { parseVenueFlag } = await import('./venue-config.ts');
      let venue: import('./serve.ts').VenueFlags | null | undefined;
      try {
        const id = o.venue === undefined ? undefined : parseVenueFlag(o.venue);
        if (o.venue !== undefined) venue = id === undefined ? null : { exchangeId: id };
        else if (o.venueUrl || o.mode || o.symbols || o.rateLimitFactor) throw new Error('--venue-url, --mode, --symbols and --rate-limit-factor go with --venue ccxt:EXCHANGE');
      } catch (err) {
        throw new CliExit(EXIT.usage, err instanceof Error ? err.message : String(err));
      }
      if (venue) {
        if (o.mode) venue.mode = o.mode;
        if (o.venueUrl) venue.apiUrl = o.venueUrl;
        if (o.symbols) venue.symbols = o.symbols.split(',').map((x) => x.trim().toUpperCase()).filter((x) => x.length > 0);
        if (o.rateLimitFactor !== undefined) {
          const f = Number(o.rateLimitFactor);
          if (!(f > 0 && f <= 1)) throw new CliExit(EXIT.usage, `--rate-limit-factor must be in (0, 1], got ${o.rateLimitFactor}`);
          venue.rateLimitFactor = f;
        }
      }
      await serve({ dataDir: dataDir(), port: o.port, seed: o.seed, warmUpMinutes: o.warmUp, fresh: o.fresh === true, signalCycleSec: o.signalCycle, replay, say: (line) => io.err(line + '\n'), env: io.env, ...(venue !== undefined ? { venue } : {}) });
      // serve() returns once listening; the process lives on its signals.
      await new Promise<never>(() => undefined);
    });

  program
    .command('loopback-exchange')
    .description('run a fake Binance spot exchange on 127.0.0.1 for tests and demos (real matching, signatures, weights, fault injection)')
    .option('--port <n>', 'port (0 picks a free one)', intArg('port', 0, 65535), 0)
    .option('--seed <n>', 'seed of its market', intArg('seed', 0, 2 ** 31 - 1), 42)
    .option('--still', 'a market that trades only when trades are injected (tests)')
    .option('--weight-limit <n>', 'request weight per minute per IP', intArg('weight-limit', 1, 1_000_000), 6000)
    .action(async (o: { port: number; seed: number; still?: boolean; weightLimit: number }) => {
      const { runLoopbackExchange } = await import('../venues/loopback/main.ts');
      const creds = { apiKey: io.env['STRATA_LOOPBACK_KEY'], secret: io.env['STRATA_LOOPBACK_SECRET'] };
      await runLoopbackExchange({ port: o.port, seed: o.seed, still: !!o.still, weightLimit: o.weightLimit, ...(creds.apiKey && creds.secret ? { apiKey: creds.apiKey, secret: creds.secret } : {}) }, io.out);
      await new Promise<never>(() => undefined);
    });

  const orders = program.command('orders').description('place, list and cancel orders');
  orders
    .command('place')
    .description('place an order')
    .requiredOption('--symbol <s>', 'instrument, e.g. BTC/USDT')
    .addOption(new Option('--side <side>', 'buy or sell').choices(['buy', 'sell']).makeOptionMandatory())
    .requiredOption('--qty <q>', 'quantity in base units')
    .addOption(new Option('--type <type>', 'order type (stops are held by Strata and sent as market / limit orders when triggered)').choices(['market', 'limit', 'stop', 'stop-limit', 'trailing-stop']).default('market'))
    .option('--price <p>', 'limit price (of a limit or stop-limit order)')
    .option('--stop-price <p>', 'stop price (stop, stop-limit; a trailing stop\'s initial stop)')
    .option('--trail <pct>', 'trailing stop distance in percent of the price (1.5 = 1.5%)', floatArg('trail', 0, 50))
    .option('--trail-amount <p>', 'trailing stop distance as a price amount')
    .addOption(new Option('--trigger <by>', 'what a stop watches: last trade, or bid/ask').choices([...TRIGGER_SOURCES]))
    .option('--take-profit <p>', 'bracket: take-profit limit price (one cancels other with --stop-loss)')
    .option('--stop-loss <p>', 'bracket: stop-loss stop price')
    .option('--no-wait', 'return at once instead of waiting for a market order to end')
    .option('--wait <seconds>', 'how long a market order is waited for', floatArg('wait', 0, 600), 10)
    .addOption(new Option('--tif <tif>', 'time in force').choices(['gtc', 'ioc']).default('gtc'))
    .addOption(new Option('--urgency <u>', 'urgency; routing picks the algorithm from it').choices([...URGENCIES]).default('immediate'))
    .addOption(new Option('--algo <algo>', 'override routing: a direct type or an algorithm').choices([...EXECUTION_STYLES]))
    .option('--duration <d>', 'algo horizon: seconds, or 90s, 10m, 1h', durationArg)
    .option('--slices <n>', 'TWAP/VWAP/adaptive slices', intArg('slices', 1, 500))
    .option('--participation <p>', 'POV participation (0..0.5]', floatArg('participation', 0, 0.5))
    .option('--display <q>', 'iceberg display quantity')
    .addOption(new Option('--source <s>', 'who sends it: soft limit breaches of manual orders can be confirmed, of api and signal orders are denied (default api; manual with --confirm)').choices([...ORDER_SOURCES]))
    .option('--confirm', 'confirm the soft limit breaches L1 reported for this order (manual orders)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nA manual order that breaches soft limits is held back (RISK_CONFIRM_REQUIRED, exit 3) with each\nbreach listed; rerun it with --confirm. Hard limits and the trading state (TRADING_HALTED,\nREDUCING_ONLY) deny the order: status DENIED with its reason code, exit 3.')
    .action(async (o: { symbol: string; side: 'buy' | 'sell'; qty: string; type: 'market' | 'limit' | 'stop' | 'stop-limit' | 'trailing-stop'; price?: string; stopPrice?: string; trail?: number; trailAmount?: string; trigger?: TriggerSource; takeProfit?: string; stopLoss?: string; wait: boolean | number; tif: 'gtc' | 'ioc'; urgency: Urgency; algo?: ExecutionStyle; duration?: number; slices?: number; participation?: number; display?: string; source?: OrderSourceDto; confirm?: boolean; json?: boolean }) => {
      if (o.confirm && o.source !== undefined && o.source !== 'manual') {
        throw new CliExit(EXIT.usage, `--confirm applies to manual orders only (soft limit breaches of ${o.source} orders are denied)`);
      }
      // Confirming is the operator's act, so --confirm alone means a manual order.
      const source: OrderSourceDto = o.source ?? (o.confirm ? 'manual' : 'api');
      const params: ParamsIn<'orders.place'> = { symbol: o.symbol, side: o.side, qty: o.qty, type: o.type, tif: o.tif, source, urgency: o.urgency };
      if (o.confirm) params.confirm = true;
      if (o.price !== undefined) params.price = o.price;
      if (o.stopPrice !== undefined) params.stopPrice = o.stopPrice;
      if (o.trail !== undefined) params.trailPercent = o.trail;
      if (o.trailAmount !== undefined) params.trailAmount = o.trailAmount;
      if (o.trigger !== undefined) params.trigger = o.trigger;
      if (o.takeProfit !== undefined) params.takeProfit = o.takeProfit;
      if (o.stopLoss !== undefined) params.stopLoss = o.stopLoss;
      if (o.algo !== undefined) params.algo = o.algo;
      const ap: NonNullable<ParamsIn<'orders.place'>['algoParams']> = {};
      if (o.duration !== undefined) ap.durationSec = o.duration;
      if (o.slices !== undefined) ap.slices = o.slices;
      if (o.participation !== undefined) ap.participation = o.participation;
      if (o.display !== undefined) ap.displayQty = o.display;
      if (Object.keys(ap).length > 0) params.algoParams = ap;
      let order: OrderDto;
      const pp = prec(o.json);
      try {
        order = await call('orders.place', params);
      } catch (err) {
        if (err instanceof RpcError && err.code === 'RISK_CONFIRM_REQUIRED') {
          const rerun = [self(), ...withoutDataDir(argv).map(shellWord), ...(o.confirm ? [] : ['--confirm'])];
          throw confirmRequired(err, rerun.join(' '));
        }
        throw err;
      }
      // A market order ends in moments: wait (bounded) and show how it ended and its fills.
      let fills: FillDto[] = [];
      if (o.wait !== false && order.orderKind === 'market' && order.execution === null && !isTerminal(order.status)) {
        const until = Date.now() + (typeof o.wait === 'number' ? o.wait : 10) * 1000;
        while (!isTerminal(order.status) && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 50));
          order = await call('orders.get', { orderId: order.id });
        }
      }
      if (!o.json && order.filledQty > 0) fills = await call('fills.list', { orderId: order.id, limit: 10000 });
      const p = await pp;
      print(!!o.json, order, () => [orderRows([order], p), ...orderLinks(order), ...(fills.length > 0 ? ['', fillRows(fills, p)] : [])].join('\n'));
      if (order.status === 'DENIED' || order.status === 'REJECTED') {
        throw new CliExit(EXIT.denied, `order ${order.id} ${order.status}: ${order.reason?.code ?? ''} ${order.reason?.message ?? ''}`.trim());
      }
    });
  orders
    .command('list')
    .description('list orders, newest first')
    .option('--open', 'only working orders')
    .option('--limit <n>', `how many, one page (at most ${ORDERS_PAGE_MAX})`, intArg('limit', 1, ORDERS_PAGE_MAX), 100)
    .option('--before <id>', 'the page after this order (the last id of the previous page)')
    .option('--json', 'print JSON')
    .action(async (o: { open?: boolean; limit: number; before?: string; json?: boolean }) => {
      const pp = prec(o.json);
      const list = await call('orders.list', { scope: o.open ? 'open' : 'all', limit: o.limit, ...(o.before !== undefined ? { before: o.before } : {}) });
      const p = await pp;
      print(!!o.json, list, () => orderRows(list, p));
      // A full page may have more behind it: say how to get the next one (on stderr, so --json stays clean).
      const last = list.at(-1);
      if (list.length === o.limit && last) process.stderr.write(`${list.length} shown; next page: strata orders list${o.open ? ' --open' : ''} --limit ${o.limit} --before ${last.id}\n`);
    });
  orders
    .command('cancel <id>')
    .description('cancel one order')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const order = await call('orders.cancel', { orderId: id });
      print(!!o.json, order, () => `cancel requested for ${order.id} (${order.status})`);
    });
  const parentCommand = (name: 'pause' | 'resume', what: string) =>
    orders
      .command(`${name} <id>`)
      .description(`${what} a working algo order`)
      .option('--json', 'print JSON')
      .action(async (id: string, o: { json?: boolean }) => {
        const order = await call(`orders.${name}`, { orderId: id });
        print(!!o.json, order, () => `${order.id} ${order.execution?.paused ? 'paused' : 'working'} (${order.status}, filled ${order.filledQty}/${order.qty})`);
      });
  parentCommand('pause', 'pause');
  parentCommand('resume', 'resume');
  orders
    .command('modify <id>')
    .description('modify a working order: a venue order is cancelled and replaced (a new id in the same lineage), a held stop is changed in place, an algo order takes a new total quantity')
    .option('--qty <q>', 'new total quantity (filled included; not below what is filled)')
    .option('--price <p>', 'new limit price')
    .option('--stop-price <p>', 'new stop price (stops)')
    .option('--confirm', 'confirm the soft limit breaches L1 reported for the replacement (manual orders)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { qty?: string; price?: string; stopPrice?: string; confirm?: boolean; json?: boolean }) => {
      if (o.qty === undefined && o.price === undefined && o.stopPrice === undefined) throw new CliExit(EXIT.usage, 'give --qty, --price or --stop-price');
      const params: ParamsIn<'orders.modify'> = { orderId: id };
      if (o.qty !== undefined) params.qty = o.qty;
      if (o.price !== undefined) params.price = o.price;
      if (o.stopPrice !== undefined) params.stopPrice = o.stopPrice;
      if (o.confirm) params.confirm = true;
      const pp = prec(o.json);
      const order = await call('orders.modify', params);
      const p = await pp;
      print(!!o.json, order, () => [orderRows([order], p), ...orderLinks(order)].join('\n'));
      if (order.status === 'DENIED') throw new CliExit(EXIT.denied, `replacement ${order.id} DENIED: ${order.reason?.code ?? ''} ${order.reason?.message ?? ''}`.trim());
    });
  orders
    .command('children <id>')
    .description('child orders of an algo order')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const pp = prec(o.json);
      const list = await call('orders.children', { orderId: id });
      const p = await pp;
      print(!!o.json, list, () => orderRows(list, p));
    });
  orders
    .command('tca <id>')
    .description('execution quality of an algo order (implementation shortfall and its parts, bps)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const pp = prec(o.json);
      const t = await call('orders.tca', { orderId: id });
      const d = (await pp).get(t.symbol);
      // Prices at the instrument's precision (an average keeps two more digits), bps at 0.01, participation in %.
      const px = (v: number | null, extra = 0) => (v === null ? null : d === undefined ? v : v.toFixed(d.priceDecimals + extra));
      const qty = (v: number) => (d === undefined ? String(v) : v.toFixed(d.qtyDecimals));
      const bps = (v: number | null | undefined) => (v === null || v === undefined ? null : v.toFixed(2));
      print(!!o.json, t, () =>
        table(
          ['FIELD', 'VALUE'],
          [
            ['algo', t.algo],
            ['filled', `${qty(t.filledQty)} / ${qty(t.qty)}`],
            ['decision price', px(t.decisionPrice)],
            ['arrival price', px(t.arrivalPrice)],
            ['avg fill price', px(t.avgFillPrice, 2)],
            ['interval VWAP', px(t.intervalVwap, 2)],
            ['shortfall bps', bps(t.shortfallBps)],
            ['  delay', bps(t.delayBps)],
            ['  impact', bps(t.impactBps)],
            ['  timing', bps(t.timingBps)],
            ['  opportunity', bps(t.opportunityBps)],
            ['  fees', bps(t.feesBps)],
            ['vs VWAP bps', bps(t.slippageVsVwapBps)],
            ['participation', t.participation === null ? null : `${(t.participation * 100).toFixed(2)}%`],
            ['estimate bps (at start)', bps(t.estimatedBps)],
            ['final', String(t.final)],
          ],
        ),
      );
    });
  orders
    .command('cancel-all')
    .description('cancel every working order')
    .option('--symbol <s>', 'only this instrument')
    .option('--json', 'print JSON')
    .action(async (o: { symbol?: string; json?: boolean }) => {
      const res = await call('orders.cancelAll', o.symbol ? { symbol: o.symbol } : {});
      print(!!o.json, res, () => `cancel requested for ${res.requested.length} order(s)${res.requested.length ? ': ' + res.requested.join(', ') : ''}`);
    });

  const exec = program.command('exec').description('execution algorithms');
  exec
    .command('simulate')
    .description('run one order against a recorded trade tape through the real OMS, algos and simulated venue (offline)')
    .requiredOption('--data <file>', 'trade tape CSV (timestamp_ms, trade_id, taker_side, price, amount)')
    .requiredOption('--symbol <s>', 'name of the instrument on the tape, e.g. XRP/ETH')
    .addOption(new Option('--side <side>', 'buy or sell').choices(['buy', 'sell']).makeOptionMandatory())
    .requiredOption('--qty <q>', 'quantity in base units')
    .addOption(new Option('--algo <algo>', 'execution algorithm').choices([...EXECUTION_STYLES]).default('twap'))
    .option('--duration <d>', 'horizon: seconds, or with a unit (90s, 10m, 1h)', durationArg)
    .option('--start <t>', 'when to place it: ISO time, epoch ms, or an offset into the tape (+30m)')
    .option('--participation <p>', 'POV participation rate (0..0.5]', floatArg('participation', 0, 0.5))
    .option('--display <q>', 'iceberg display quantity')
    .option('--limit <p>', 'price cap')
    .option('--seed <n>', 'seed', intArg('seed', 0, 2 ** 31 - 1), 42)
    .option('--json', 'print JSON')
    .action(async (o: { data: string; symbol: string; side: 'buy' | 'sell'; qty: string; algo: ExecutionStyle; duration?: number; start?: string; participation?: number; display?: string; limit?: string; seed: number; json?: boolean }) => {
      const [{ readFileSync }, { parseTradesCsv }, { tapeSymbol }, { simulateExecution }] = await Promise.all([
        import('node:fs'),
        import('../marketdata/csv.ts'),
        import('../marketdata/tape-instrument.ts'),
        import('../kernel/exec-simulate.ts'),
      ]);
      let text: string;
      try {
        text = readFileSync(o.data, 'utf8');
      } catch (err) {
        throw new CliExit(EXIT.usage, `cannot read ${o.data}: ${err instanceof Error ? err.message : String(err)}`);
      }
      // A tape records one instrument: simulating another on it would price it with foreign trades.
      const onTape = tapeSymbol(text);
      const norm = (x: string) => x.toUpperCase().replace(/[^A-Z0-9]/g, '');
      if (onTape !== undefined && norm(onTape) !== norm(o.symbol)) {
        throw new CliExit(EXIT.usage, `${o.symbol} is not on this tape: ${o.data} records ${onTape} (pass --symbol ${onTape})`);
      }
      const rows = parseTradesCsv(text);
      const startAt = o.start === undefined ? undefined : parseStart(o.start, rows[0]?.timestampMs ?? 0);
      const r = await simulateExecution({
        rows,
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        algo: o.algo,
        seed: o.seed,
        ...(startAt !== undefined ? { startAt } : {}),
        ...(o.duration !== undefined ? { durationSec: o.duration } : {}),
        ...(o.participation !== undefined ? { participation: o.participation } : {}),
        ...(o.display !== undefined ? { displayQty: o.display } : {}),
        ...(o.limit !== undefined ? { limit: o.limit } : {}),
      });
      print(!!o.json, r, () => {
        const t = r.tca;
        const lines = [
          `${r.order.id} ${o.algo} ${o.side} ${r.order.qty} ${o.symbol}: ${r.order.status}, filled ${r.order.filledQty} @ ${r.order.avgPrice ?? '-'} in ${r.children.length} child order(s), ${r.fills.length} fill(s)`,
          `completion ${r.completionMs === null ? '-' : (r.completionMs / 1000).toFixed(1) + ' s'}${r.complete ? '' : ' (incomplete)'}`,
          table(
            ['SHORTFALL', 'DELAY', 'IMPACT', 'TIMING', 'OPPORTUNITY', 'FEES', 'VS VWAP', 'FILL RATE', 'PARTICIPATION'],
            [[t.shortfallBps, t.delayBps, t.impactBps, t.timingBps, t.opportunityBps, t.feesBps, t.slippageVsVwapBps, Math.round(t.fillRate * 1000) / 1000, t.participation === null ? null : Math.round(t.participation * 1000) / 1000]],
          ),
          '(basis points of the decision value; positive = cost)',
        ];
        return lines.join('\n');
      });
    });

  exec
    .command('quality')
    .description('implementation shortfall of finished algo parents over time, per algorithm and instrument, vs the pre-trade estimate and the deterioration band')
    .addOption(new Option('--algo <a>', 'only this algorithm').choices([...ALGO_KINDS]))
    .option('--symbol <s>', 'only this instrument')
    .option('--limit <n>', 'newest parents listed', intArg('limit', 1, 10000), 20)
    .option('--json', 'print JSON')
    .action(async (o: { algo?: AlgoKind; symbol?: string; limit: number; json?: boolean }) => {
      const q = await call('exec.quality', { ...(o.algo !== undefined ? { algo: o.algo } : {}), ...(o.symbol !== undefined ? { symbol: o.symbol } : {}), limit: o.limit });
      print(!!o.json, q, () => {
        const groups = (title: string, gs: typeof q.byAlgo) =>
          table(
            [title, 'PARENTS', 'MEAN BPS', 'MEDIAN BPS', 'EST BPS', `LAST ${q.config.window} MEAN`, 'BASELINE', 'BAND'],
            gs.map((g) => [g.key, g.parents, g.meanShortfallBps, g.medianShortfallBps, g.meanEstimatedBps, g.recentMeanBps, g.baselineMeanBps, g.status]),
            // Numbers right-aligned even when a whole column is still '-' (no baseline yet).
            ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
          );
        if (q.points.length === 0) return 'no finished algo parents yet';
        return [
          groups('ALGO', q.byAlgo),
          '',
          groups('SYMBOL', q.bySymbol),
          '',
          table(
            ['ENDED', 'ORDER', 'ALGO', 'SYMBOL', 'SIDE', 'QTY', 'SHORTFALL BPS', 'EST BPS'],
            [...q.points].reverse().map((p) => [isoTime(p.endTs), p.orderId, p.algo, p.symbol, p.side, p.qty, p.shortfallBps, p.estimatedBps]),
            ['l', 'l', 'l', 'l', 'l', 'r', 'r', 'r'],
          ),
          `(basis points of the decision value, positive = cost; band: last ${q.config.window} mean more than ${q.config.bandBps} bps above the earlier baseline, from ${q.config.minCount} parents)`,
        ].join('\n');
      });
    });

  program
    .command('fills')
    .description('list fills, newest first')
    .option('--order <id>', 'only fills of this order')
    .option('--limit <n>', 'how many', intArg('limit', 1, 10000), 100)
    .option('--json', 'print JSON')
    .action(async (o: { order?: string; limit: number; json?: boolean }) => {
      const pp = prec(o.json);
      const fills: FillDto[] = await call('fills.list', o.order ? { orderId: o.order, limit: o.limit } : { limit: o.limit });
      const p = await pp;
      print(!!o.json, fills, () => fillRows(fills, p));
    });
  program
    .command('positions')
    .description('positions with average price and P&L')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const pp = prec(o.json);
      const [ps, a] = await Promise.all([call('positions.list', {}) as Promise<PositionDto[]>, o.json ? undefined : (call('account.get', {}) as Promise<AccountDto>)]);
      const p = await pp;
      print(!!o.json, ps, () => positionRows(ps, p, a?.currency));
    });
  program
    .command('account')
    .description('cash, equity, P&L and fees')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const a: AccountDto = await call('account.get', {});
      print(!!o.json, a, () =>
        table(['FIELD', 'VALUE'], [
          ['currency', a.currency],
          ['cash', a.cash],
          ['reserved', a.reservedCash],
          ['market value', a.marketValue],
          ['equity', a.equity],
          ['realized P&L (net of fees)', a.realizedPnl],
          ['unrealized P&L', a.unrealizedPnl],
          ['fees', a.fees],
        ]),
      );
    });

  registerRiskCommands(program, ctx);
  // Offline and engine command groups load only when asked for (or for help): a trader types
  // `strata orders list` many times a minute, and every module on its path is start-up time.
  const first = firstCommand(argv);
  const all = first === undefined || first === 'help' || !CORE_COMMANDS.has(first);
  if (all || first === 'keys') (await import('./vault/cli.ts')).registerKeysCommands(program, ctx);
  if (all || first === 'replay') (await import('./cli-replay.ts')).registerReplayCommands(program, ctx);
  if (all || first === 'record') (await import('./cli-record.ts')).registerRecordCommand(program, ctx, dataDir);
  if (all || first === 'data' || first === 'backtest') (await import('./cli-backtest.ts')).registerBacktestCommands(program, ctx);
  if (all || first === 'portfolio' || first === 'signals' || first === 'approvals') {
    const portfolio = (await import('./cli-portfolio.ts')).registerPortfolioCommands(program, ctx);
    const l2 = await import('./cli-l2.ts');
    l2.registerPortfolioEngineCommands(portfolio, ctx);
    l2.registerL2Commands(program, ctx);
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return report(err);
  } finally {
    if (client) void client.then((c) => c.close(), () => undefined);
  }

  function report(err: unknown): number {
    if (err instanceof CommanderError) {
      // --help and --version end here with exitCode 0; usage errors were already printed.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliExit) {
      io.err(`strata: ${err.message}\n`);
      return err.code;
    }
    if (err instanceof RpcError) {
      // Refusals carry their detailed code in the first issue (LIMIT_REJECTED SOFT_ABOVE_HARD).
      io.err(`strata: ${err.code === 'LIMIT_REJECTED' || err.code === 'STATE_REJECTED' ? refusalText(err) : `${err.code}: ${err.message}`}\n`);
      return EXIT.failed;
    }
    io.err(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}
