import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { MethodName, ParamsIn, Result } from '../contract/api.ts';
import { ORDERS_PAGE_MAX } from '../contract/limits.ts';
import type { AccountDto, ExecutionStyle, FillDto, OrderDto, PositionDto, Urgency } from '../contract/dto.ts';
import { EXECUTION_STYLES, URGENCIES } from '../contract/dto.ts';
import { RpcError } from '../contract/errors.ts';
import type { OrderSourceDto } from '../contract/risk-dto.ts';
import { ORDER_SOURCES } from '../contract/risk-dto.ts';
import { createClient } from '../contract/client.ts';
import type { CliContext, CliIo } from './cli-common.ts';
import { CliExit, EXIT, EXIT_CODES_HELP, floatArg, intArg, shellWord, table } from './cli-common.ts';
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
const CORE_COMMANDS = new Set(['serve', 'loopback-exchange', 'orders', 'exec', 'fills', 'positions', 'account', 'risk', 'keys', 'data', 'backtest', 'portfolio']);

/** The command word: the first argument that is not a global option (--data-dir takes a value). */
function firstCommand(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

const orderRows = (orders: OrderDto[]) =>
  table(
    ['ID', 'SYMBOL', 'SIDE', 'TYPE', 'TIF', 'QTY', 'PRICE', 'FILLED', 'AVG', 'STATUS', 'REASON'],
    orders.map((o) => [
      o.id,
      o.symbol,
      o.side,
      o.execution ? `${o.execution.algo}${o.execution.paused ? ' (paused)' : ''}` : o.type,
      o.execution ? '-' : o.tif,
      o.qty,
      o.price,
      o.filledQty,
      o.avgPrice,
      o.status,
      o.reason ? o.reason.code : null,
    ]),
  );

export async function runCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), env: process.env }): Promise<number> {
  const program = new Command('strata')
    .description('Strata trading terminal: engine host and command-line client')
    .version(ENGINE_VERSION)
    .option('--data-dir <dir>', 'data directory (default: $STRATA_DATA_DIR or the per-user data folder)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', EXIT_CODES_HELP);

  const dataDir = () => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, io.env);

  async function call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>> {
    const dir = dataDir();
    const info = readConnectionFile(dir);
    if (!info || !processAlive(info.pid)) {
      throw new CliExit(EXIT.usage, `no running engine found for data directory ${dir} (start one with: strata serve --data-dir ${dir})`);
    }
    let endpoint;
    try {
      endpoint = await connectWsClient(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}`);
    } catch (err) {
      throw new CliExit(EXIT.usage, `cannot reach the engine at 127.0.0.1:${info.port}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const client = createClient(endpoint, { timeoutMs: 10_000 });
    try {
      return await client.call(method, params);
    } finally {
      client.close();
    }
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
    .action(async (o: { port: number; seed: number; warmUp: number; fresh?: boolean }) => {
      const { serve } = await import('./serve.ts');
      await serve({ dataDir: dataDir(), port: o.port, seed: o.seed, warmUpMinutes: o.warmUp, fresh: o.fresh === true, say: (line) => io.err(line + '\n') });
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
    .addOption(new Option('--type <type>', 'order type').choices(['market', 'limit']).default('market'))
    .option('--price <p>', 'limit price')
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
    .action(async (o: { symbol: string; side: 'buy' | 'sell'; qty: string; type: 'market' | 'limit'; price?: string; tif: 'gtc' | 'ioc'; urgency: Urgency; algo?: ExecutionStyle; duration?: number; slices?: number; participation?: number; display?: string; source?: OrderSourceDto; confirm?: boolean; json?: boolean }) => {
      if (o.confirm && o.source !== undefined && o.source !== 'manual') {
        throw new CliExit(EXIT.usage, `--confirm applies to manual orders only (soft limit breaches of ${o.source} orders are denied)`);
      }
      // Confirming is the operator's act, so --confirm alone means a manual order.
      const source: OrderSourceDto = o.source ?? (o.confirm ? 'manual' : 'api');
      const params: ParamsIn<'orders.place'> = { symbol: o.symbol, side: o.side, qty: o.qty, type: o.type, tif: o.tif, source, urgency: o.urgency };
      if (o.confirm) params.confirm = true;
      if (o.price !== undefined) params.price = o.price;
      if (o.algo !== undefined) params.algo = o.algo;
      const ap: NonNullable<ParamsIn<'orders.place'>['algoParams']> = {};
      if (o.duration !== undefined) ap.durationSec = o.duration;
      if (o.slices !== undefined) ap.slices = o.slices;
      if (o.participation !== undefined) ap.participation = o.participation;
      if (o.display !== undefined) ap.displayQty = o.display;
      if (Object.keys(ap).length > 0) params.algoParams = ap;
      let order: OrderDto;
      try {
        order = await call('orders.place', params);
      } catch (err) {
        if (err instanceof RpcError && err.code === 'RISK_CONFIRM_REQUIRED') {
          const rerun = [self(), ...withoutDataDir(argv).map(shellWord), ...(o.confirm ? [] : ['--confirm'])];
          throw confirmRequired(err, rerun.join(' '));
        }
        throw err;
      }
      print(!!o.json, order, () => orderRows([order]));
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
      const list = await call('orders.list', { scope: o.open ? 'open' : 'all', limit: o.limit, ...(o.before !== undefined ? { before: o.before } : {}) });
      print(!!o.json, list, () => orderRows(list));
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
    .description('change the total quantity of a working algo order')
    .requiredOption('--qty <q>', 'new total quantity (not below what is filled)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { qty: string; json?: boolean }) => {
      const order = await call('orders.modify', { orderId: id, qty: o.qty });
      print(!!o.json, order, () => `${order.id} quantity ${order.qty} (filled ${order.filledQty})`);
    });
  orders
    .command('children <id>')
    .description('child orders of an algo order')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const list = await call('orders.children', { orderId: id });
      print(!!o.json, list, () => orderRows(list));
    });
  orders
    .command('tca <id>')
    .description('execution quality of an algo order (implementation shortfall and its parts, bps)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const t = await call('orders.tca', { orderId: id });
      print(!!o.json, t, () =>
        table(
          ['FIELD', 'VALUE'],
          [
            ['algo', t.algo],
            ['filled', `${t.filledQty} / ${t.qty}`],
            ['decision price', t.decisionPrice],
            ['arrival price', t.arrivalPrice],
            ['avg fill price', t.avgFillPrice],
            ['interval VWAP', t.intervalVwap],
            ['shortfall bps', t.shortfallBps],
            ['  delay', t.delayBps],
            ['  impact', t.impactBps],
            ['  timing', t.timingBps],
            ['  opportunity', t.opportunityBps],
            ['  fees', t.feesBps],
            ['vs VWAP bps', t.slippageVsVwapBps],
            ['participation', t.participation],
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
      const [{ readFileSync }, { parseTradesCsv }, { simulateExecution }] = await Promise.all([
        import('node:fs'),
        import('../marketdata/csv.ts'),
        import('../kernel/exec-simulate.ts'),
      ]);
      let text: string;
      try {
        text = readFileSync(o.data, 'utf8');
      } catch (err) {
        throw new CliExit(EXIT.usage, `cannot read ${o.data}: ${err instanceof Error ? err.message : String(err)}`);
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

  program
    .command('fills')
    .description('list fills, newest first')
    .option('--order <id>', 'only fills of this order')
    .option('--limit <n>', 'how many', intArg('limit', 1, 10000), 100)
    .option('--json', 'print JSON')
    .action(async (o: { order?: string; limit: number; json?: boolean }) => {
      const fills: FillDto[] = await call('fills.list', o.order ? { orderId: o.order, limit: o.limit } : { limit: o.limit });
      print(!!o.json, fills, () =>
        table(['ID', 'ORDER', 'SYMBOL', 'SIDE', 'QTY', 'PRICE', 'FEE', 'LIQ', 'TIME'], fills.map((f) => [f.id, f.orderId, f.symbol, f.side, f.qty, f.price, f.fee, f.liquidity, new Date(f.ts).toISOString()])),
      );
    });
  program
    .command('positions')
    .description('positions with average price and P&L')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const ps: PositionDto[] = await call('positions.list', {});
      print(!!o.json, ps, () =>
        table(['SYMBOL', 'QTY', 'AVG', 'MARK', 'VALUE', 'REALIZED', 'UNREALIZED', 'FEES'], ps.map((p) => [p.symbol, p.qty, p.avgPrice, p.markPrice, p.marketValue, p.realizedPnl, p.unrealizedPnl, p.fees])),
      );
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
          ['realized P&L', a.realizedPnl],
          ['unrealized P&L', a.unrealizedPnl],
          ['fees', a.fees],
        ]),
      );
    });

  registerRiskCommands(program, ctx);
  // Offline command groups load only when asked for (or for help): a trader types `strata orders
  // list` many times a minute, and every module on its path is start-up time.
  const first = firstCommand(argv);
  const all = first === undefined || first === 'help' || !CORE_COMMANDS.has(first);
  if (all || first === 'keys') (await import('./vault/cli.ts')).registerKeysCommands(program, ctx);
  if (all || first === 'data' || first === 'backtest') (await import('./cli-backtest.ts')).registerBacktestCommands(program, ctx);
  if (all || first === 'portfolio') (await import('./cli-portfolio.ts')).registerPortfolioCommands(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
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
