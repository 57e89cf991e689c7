import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../core/errors.ts';

/**
 * The venue configuration of a data directory (`venue.json`, 0600): which exchange, live or paper,
 * the watched symbols, the share of the exchange's rate limit Strata may use, and an API base URL
 * override. No secrets: the keys live in the vault. No file means the demo venue.
 */
export const VENUE_FILE = 'venue.json';

const tuningSchema = z
  .strictObject({
    /** Poll periods, ms (tests shorten them; the defaults suit a real exchange). */
    pollMs: z.strictObject({ orders: z.number().int().min(20).optional(), book: z.number().int().min(20).optional(), trades: z.number().int().min(20).optional(), heartbeat: z.number().int().min(20).optional() }).optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    inFlightMs: z.number().int().min(0).optional(),
    backoffMs: z.strictObject({ base: z.number().int().min(1), max: z.number().int().min(1) }).optional(),
    reconcileEveryMs: z.number().int().min(0).optional(),
    /** The exchange's request weight budget per window (default: Binance's 6000 a minute). */
    weightBudget: z.strictObject({ limit: z.number().positive(), windowMs: z.number().int().positive() }).optional(),
  })
  .optional();

export const venueSettingsSchema = z.strictObject({
  exchangeId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  mode: z.enum(['live', 'paper']),
  symbols: z.array(z.string().min(1).max(32)).min(1).max(50),
  rateLimitFactor: z.number().gt(0).max(1).default(0.8),
  apiUrl: z.string().max(200).nullable().default(null),
  tuning: tuningSchema,
});

export type VenueSettings = z.output<typeof venueSettingsSchema>;

export function readVenueSettings(dataDir: string): VenueSettings | undefined {
  const file = join(dataDir, VENUE_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new DomainError('VENUE_REJECTED', `${file} is not valid JSON: fix or remove it`, [{ path: 'VENUE_CONFIG_CORRUPT', message: 'not JSON' }]);
  }
  const parsed = venueSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DomainError('VENUE_REJECTED', `${file} is not a venue configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, [{ path: 'VENUE_CONFIG_CORRUPT', message: 'invalid' }]);
  }
  return parsed.data;
}

export function writeVenueSettings(dataDir: string, s: VenueSettings): void {
  const file = join(dataDir, VENUE_FILE);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** `--venue ccxt:binance` → "binance"; `--venue sim` → undefined (the demo venue). */
export function parseVenueFlag(v: string): string | undefined {
  const t = v.trim().toLowerCase();
  if (t === 'sim' || t === 'demo') return undefined;
  const m = /^ccxt:([a-z0-9][a-z0-9._-]{0,63})$/.exec(t);
  if (!m) throw new DomainError('BAD_REQUEST', `--venue must be sim or ccxt:EXCHANGE (e.g. ccxt:binance), got "${v}"`);
  return m[1]!;
}
