import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, fields, intArg } from './cli-common.ts';

/**
 * `strata data download`: OHLCV candles from an exchange through ccxt into the generic candle CSV
 * (`time,open,high,low,close,volume`) that `data import` and `backtest run --data` read, with a
 * provenance sidecar `FILE.provenance.json` (exchange, symbol, timeframe, window, fetched at, pages,
 * gaps, the CSV's sha256). Paging is src/marketdata/download.ts; the exchange side (rate limiter,
 * retries with backoff) src/venues/ccxt/ohlcv-source.ts. Public candles need no keys.
 *
 * Never a partial file that looks complete: both files are written under temporary names and renamed
 * into place only once every page arrived (the sidecar first, so a CSV in place always has its
 * provenance); on a failure the temporary files are removed and an older FILE is left as it was.
 */

/** YYYY-MM-DD (UTC midnight), an ISO time, or epoch ms. */
function dateArg(name: string) {
  return (v: string): number => {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isNaN(t)) throw new InvalidArgumentError(`${name}: cannot read "${v}" as a date (YYYY-MM-DD, ISO time or epoch ms)`);
    return t;
  };
}

/** `--to` as a day means the whole day: its last candle opens before the next midnight. */
function endArg(v: string): number {
  const t = dateArg('--to')(v);
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? t + 86_400_000 - 1 : t;
}

interface DownloadOpts {
  exchange: string;
  symbol: string;
  timeframe: string;
  from: number;
  to?: number;
  out: string;
  venueUrl?: string;
  limit: number;
  attempts: number;
  json?: boolean;
}

export function registerDataDownload(data: Command, ctx: CliContext): void {
  data
    .command('download')
    .description('download OHLCV candles from an exchange (ccxt, public: no keys) into a time,open,high,low,close,volume CSV with a provenance sidecar (FILE.provenance.json); gaps are reported, never filled')
    .option('--exchange <id>', 'ccxt exchange id', 'binance')
    .requiredOption('--symbol <s>', 'market, BASE/QUOTE (e.g. XRP/ETH)')
    .option('--timeframe <tf>', "candle length as the exchange names it (1m, 5m, 1h, 1d)", '1m')
    .requiredOption('--from <date>', 'first candle: YYYY-MM-DD (UTC), ISO time or epoch ms', dateArg('--from'))
    .option('--to <date>', 'last candle, inclusive (a day means the whole day; default: the last closed candle)', endArg)
    .requiredOption('--out <file>', 'CSV to write (replaced only once the download is complete)')
    .option('--venue-url <url>', 'API base URL override (a gateway, or the loopback exchange: strata loopback-exchange)')
    .option('--limit <n>', 'candles per request (Binance spot: at most 1000)', intArg('limit', 1, 5000), 1000)
    .option('--attempts <n>', 'attempts per request on network errors, 5xx and rate limits, with exponential backoff (1 = no retry)', intArg('attempts', 1, 20), 5)
    .option('--json', 'print JSON')
    .action((o: DownloadOpts) => download(o, ctx));
}

async function download(o: DownloadOpts, ctx: CliContext): Promise<void> {
  const [{ writeFileSync, renameSync, rmSync }, { createHash }, { basename, dirname, join }, dl, { openOhlcvSource }, { VenueRequestError }, { ExchangeConfigError }] = await Promise.all([
    import('node:fs'),
    import('node:crypto'),
    import('node:path'),
    import('../marketdata/download.ts'),
    import('../venues/ccxt/ohlcv-source.ts'),
    import('../venues/ccxt/port.ts'),
    import('../venues/ccxt/exchange-factory.ts'),
  ]);
  const fetchedAt = Date.now();
  const to = o.to ?? fetchedAt;
  if (to < o.from) throw new CliExit(EXIT.usage, `--to ${new Date(to).toISOString()} is before --from ${new Date(o.from).toISOString()}`);
  try {
    dl.timeframeMs(o.timeframe);
  } catch (err) {
    throw new CliExit(EXIT.usage, err instanceof Error ? err.message : String(err));
  }
  const tmp = join(dirname(o.out), `.${basename(o.out)}.${process.pid}.partial`);
  const sideTmp = `${tmp}.provenance`;
  const cleanup = () => {
    rmSync(tmp, { force: true });
    rmSync(sideTmp, { force: true });
  };
  let source: Awaited<ReturnType<typeof openOhlcvSource>> | undefined;
  try {
    source = await openOhlcvSource({ exchangeId: o.exchange, ...(o.venueUrl ? { apiUrl: o.venueUrl } : {}), attempts: o.attempts, log: (level, msg) => ctx.io.err(`${level}: ${msg}\n`) }, o.symbol, o.timeframe);
    const r = await dl.downloadOhlcv(source, { timeframe: o.timeframe, fromMs: o.from, toMs: to, limit: o.limit, nowMs: fetchedAt }, (p) => {
      if (!o.json) ctx.io.err(`page ${p.page}: ${p.received} candles${p.lastMs !== null ? `, ${p.kept} new, up to ${new Date(p.lastMs).toISOString()}` : ''}\n`);
    });
    if (r.candles.length === 0) throw new dl.DownloadError('NO_CANDLES', `${source.exchangeId} has no ${o.timeframe} candles of ${o.symbol} between ${new Date(o.from).toISOString()} and ${new Date(to).toISOString()}`);
    const csv = dl.candlesCsv(r.candles);
    const sha256 = createHash('sha256').update(csv).digest('hex');
    const prov = dl.provenanceOf({ exchange: source.exchangeId, symbol: o.symbol, timeframe: o.timeframe, fromMs: o.from, toMs: to, fetchedAt, ...(o.venueUrl ? { venueUrl: o.venueUrl } : {}), sha256 }, r);
    writeFileSync(tmp, csv);
    writeFileSync(sideTmp, JSON.stringify(prov, null, 2) + '\n');
    renameSync(sideTmp, `${o.out}.provenance.json`);
    renameSync(tmp, o.out);
    const out = { file: o.out, provenance: `${o.out}.provenance.json`, requests: source.requests, ...prov };
    ctx.print(!!o.json, out, () =>
      fields([
        ['file', o.out],
        ['market', `${prov.exchange} ${prov.symbol} ${prov.timeframe}`],
        ['candles', `${prov.candles} (${prov.first} .. ${prov.last})`],
        ['requests', `${r.pages} page(s), ${source!.requests} request(s) (markets included)`],
        ['gaps', prov.gaps.count === 0 ? 'none' : `${prov.gaps.count} (${prov.gaps.missingCandles} candles missing, not filled; first after ${prov.gaps.list[0]!.from})`],
        ['provenance', `${o.out}.provenance.json`],
        ['import', `strata data import ${o.out}`],
      ]),
    );
  } catch (err) {
    cleanup();
    if (err instanceof CliExit) throw err;
    if (err instanceof dl.DownloadError || err instanceof VenueRequestError || err instanceof ExchangeConfigError) {
      const code = (err as { code: string }).code;
      throw new CliExit(code === 'UNKNOWN_EXCHANGE' || code === 'BAD_API_URL' ? EXIT.usage : EXIT.failed, `${code}: ${err.message}; nothing written to ${o.out}`);
    }
    throw err;
  } finally {
    source?.close();
  }
}
