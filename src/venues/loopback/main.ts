import { randomBytes } from 'node:crypto';
import { LoopbackExchange, demoLoopbackModels, stillModels } from './loopback-exchange.ts';

export interface LoopbackCliOptions {
  port: number;
  seed: number;
  still: boolean;
  apiKey?: string;
  secret?: string;
  weightLimit: number;
}

/**
 * `strata loopback-exchange`: the fake Binance spot exchange as a demo. The credentials it prints
 * are the fake exchange's own (generated unless given through STRATA_LOOPBACK_KEY /
 * STRATA_LOOPBACK_SECRET), not an operator's keys.
 */
export async function runLoopbackExchange(o: LoopbackCliOptions, out: (s: string) => void): Promise<LoopbackExchange> {
  const apiKey = o.apiKey ?? `loopback-${randomBytes(12).toString('hex')}`;
  const secret = o.secret ?? randomBytes(24).toString('hex');
  const lb = new LoopbackExchange({
    port: o.port,
    seed: o.seed,
    accounts: [{ apiKey, secret, balances: { USDT: '100000', BTC: '1', ETH: '10' } }],
    models: o.still ? stillModels() : demoLoopbackModels(),
    weights: { limit: o.weightLimit, windowMs: 60_000 },
    warmUpMinutes: o.still ? 0 : 10,
  });
  const url = await lb.start();
  out(`loopback Binance spot exchange: ${url}\n`);
  out(`  markets: BTC/USDT, ETH/USDT (${o.still ? 'still: trades only when injected' : 'moving demo market'}), weight limit ${o.weightLimit}/min per IP\n`);
  out(`  account: api key ${apiKey}\n`);
  if (!o.secret) out(`           secret  ${secret}   (fake exchange credentials, generated for this run)\n`);
  out(`  admin:   header X-Loopback-Admin: ${lb.adminToken}  (POST /_loopback/faults | /trade | /skew | /restart, GET /_loopback/state)\n`);
  out(`  use it:  any ccxt binance client with every urls.api host rewritten to ${url} (CcxtVenueConfig.apiUrl)   (Ctrl+C to stop)\n`);
  const stop = () => void lb.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return lb;
}
