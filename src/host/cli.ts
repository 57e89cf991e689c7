import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { MethodName, ParamsIn, Result } from '../contract/api.ts';
import type { AccountDto, FillDto, OrderDto, PositionDto } from '../contract/dto.ts';
import { RpcError } from '../contract/errors.ts';
import { createClient } from '../contract/rpc.ts';
import { processAlive, readConnectionFile, resolveDataDir } from './data-dir.ts';
import { ENGINE_VERSION } from '../kernel/engine.ts';
import { connectWs } from './ws-endpoint.ts';

/** Exit codes: 0 ok, 1 request failed, 2 usage or engine not reachable, 3 order denied or rejected. */
export const EXIT = { ok: 0, failed: 1, usage: 2, denied: 3 } as const;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

class CliExit extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
}

/** Left-aligned columns; numbers right-aligned. */
export function table(headers: string[], rows: (string | number | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[], isNum: (i: number) => boolean) => r.map((c, i) => (isNum(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  return [line(headers, (i) => numeric[i]!), ...cells.map((r) => line(r, (i) => numeric[i]!))].join('\n');
}

const orderRows = (orders: OrderDto[]) =>
  table(
    ['ID', 'SYMBOL', 'SIDE', 'TYPE', 'TIF', 'QTY', 'PRICE', 'FILLED', 'AVG', 'STATUS', 'REASON'],
    orders.map((o) => [o.id, o.symbol, o.side, o.type, o.tif, o.qty, o.price, o.filledQty, o.avgPrice, o.status, o.reason ? o.reason.code : null]),
  );

export async function runCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), env: process.env }): Promise<number> {
  const program = new Command('strata')
    .description('Strata trading terminal: engine host and command-line client')
    .version(ENGINE_VERSION)
    .option('--data-dir <dir>', 'data directory (default: $STRATA_DATA_DIR or the per-user data folder)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const dataDir = () => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, io.env);

  async function call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>> {
    const dir = dataDir();
    const info = readConnectionFile(dir);
    if (!info || !processAlive(info.pid)) {
      throw new CliExit(EXIT.usage, `no running engine found for data directory ${dir} (start one with: strata serve --data-dir ${dir})`);
    }
    let endpoint;
    try {
      endpoint = await connectWs(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}`);
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

  program
    .command('serve')
    .description('start the engine and serve the web UI on 127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', intArg('port', 0, 65535), 0)
    .option('--seed <n>', 'seed of the demo market', intArg('seed', 0, 2 ** 31 - 1), 42)
    .option('--warm-up <minutes>', 'minutes of demo history generated at start', intArg('warm-up', 0, 24 * 60), 30)
    .action(async (o: { port: number; seed: number; warmUp: number }) => {
      const { serve } = await import('./serve.ts');
      await serve({ dataDir: dataDir(), port: o.port, seed: o.seed, warmUpMinutes: o.warmUp });
      // serve() returns once listening; the process lives on its signals.
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
    .option('--json', 'print JSON')
    .action(async (o: { symbol: string; side: 'buy' | 'sell'; qty: string; type: 'market' | 'limit'; price?: string; tif: 'gtc' | 'ioc'; json?: boolean }) => {
      const params: ParamsIn<'orders.place'> = { symbol: o.symbol, side: o.side, qty: o.qty, type: o.type, tif: o.tif, source: 'api' };
      if (o.price !== undefined) params.price = o.price;
      const order = await call('orders.place', params);
      print(!!o.json, order, () => orderRows([order]));
      if (order.status === 'DENIED' || order.status === 'REJECTED') {
        throw new CliExit(EXIT.denied, `order ${order.id} ${order.status}: ${order.reason?.code ?? ''} ${order.reason?.message ?? ''}`.trim());
      }
    });
  orders
    .command('list')
    .description('list orders, newest first')
    .option('--open', 'only working orders')
    .option('--limit <n>', 'how many', intArg('limit', 1, 10000), 100)
    .option('--json', 'print JSON')
    .action(async (o: { open?: boolean; limit: number; json?: boolean }) => {
      const list = await call('orders.list', { scope: o.open ? 'open' : 'all', limit: o.limit });
      print(!!o.json, list, () => orderRows(list));
    });
  orders
    .command('cancel <id>')
    .description('cancel one order')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const order = await call('orders.cancel', { orderId: id });
      print(!!o.json, order, () => `cancel requested for ${order.id} (${order.status})`);
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
      io.err(`strata: ${err.code}: ${err.message}\n`);
      return EXIT.failed;
    }
    io.err(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}
