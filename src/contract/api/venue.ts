import { z } from 'zod';
import type { EngineMode } from '../dto.ts';
import { empty, symbol } from './common.ts';

/**
 * The venue: which exchange and account the engine trades on, its configuration (kept in the data
 * directory), write-only API keys, and reconciliation with the exchange. Secrets go in through
 * `venue.keys.set` and never come back out: no result or event carries them.
 */

export const VENUE_MODES = ['live', 'paper'] as const;
export type VenueMode = (typeof VENUE_MODES)[number];
export type VenueConnectionDto = 'connected' | 'connecting' | 'disconnected';

export interface VenueAlertDto {
  level: 'warn' | 'error';
  code: string;
  message: string;
  at: number;
}

export interface VenueInfoDto {
  /** 'sim' for the demo venue, 'ccxt' for an exchange through ccxt. */
  kind: 'sim' | 'ccxt';
  /** The engine's declared mode (live, paper, replay, backtest). */
  mode: EngineMode;
  /** On an exchange: real orders (live) or paper orders against its live data. */
  venueMode: VenueMode | null;
  exchangeId: string | null;
  /** Whose account, for the top bar; never a secret (at most the key's last 4 characters). */
  account: string | null;
  connection: VenueConnectionDto;
  apiUrl: string | null;
  symbols: string[];
  /** Recent operator alerts from the venue (bans, refused keys, lost orders), newest first. */
  alerts: VenueAlertDto[];
  lastReconciledAt: number | null;
}

export interface VenueConfigDto {
  exchangeId: string;
  mode: VenueMode;
  symbols: string[];
  /** Share of the exchange's request-weight budget Strata may use, (0, 1]. */
  rateLimitFactor: number;
  /** Replaces scheme and host of every API URL (testnets, gateways, the loopback exchange). */
  apiUrl: string | null;
  /** Whether keys for this exchange are stored (the keys themselves are never returned). */
  keysStored: boolean;
  /** True when the stored configuration differs from what the engine runs: it applies at the next start (or `apply`). */
  pending: boolean;
}

export const RECON_ITEM_STATUSES = ['done', 'needs_operator', 'resolved', 'failed'] as const;
export type ReconItemStatus = (typeof RECON_ITEM_STATUSES)[number];
export const RECON_OPERATOR_ACTIONS = ['cancel', 'adopt', 'close', 'dismiss'] as const;
export type ReconOperatorAction = (typeof RECON_OPERATOR_ACTIONS)[number];

/** One difference between the journal and the exchange, and what was done about it. */
export interface ReconItemDto {
  id: string;
  runId: string;
  at: number;
  kind: 'missed_fill' | 'fills_behind' | 'closed_at_venue' | 'external_order' | 'external_fill' | 'missing_at_venue' | 'balance' | 'opening_position';
  clientOrderId: string | null;
  symbol: string | null;
  detail: string;
  /** What Strata did (or why it waits for the operator). */
  outcome: string;
  status: ReconItemStatus;
  /** What the operator may do now. */
  actions: ReconOperatorAction[];
}

export interface ReconRunDto {
  id: string;
  at: number;
  trigger: 'start' | 'timer' | 'operator';
  ok: boolean;
  error: string | null;
  items: ReconItemDto[];
}

export interface ReconciliationDto {
  /** Newest first. */
  runs: ReconRunDto[];
  /** Items still waiting for the operator, newest first. */
  open: ReconItemDto[];
}

const exchangeId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a ccxt exchange id in lower case, e.g. binance');
/** A secret as pasted: printable, no whitespace inside, bounded. */
const secretText = z.string().trim().min(1).max(512).regex(/^\S+$/, 'must not contain whitespace');

export const venueSchemas = {
  'venue.info': empty,
  'venue.config.get': empty,
  /**
   * Stores the configuration in the data directory. Choosing `live` needs `confirmLive: true` (real
   * money). `apply: true` restarts the engine on the new venue at once (the journal is kept).
   */
  'venue.config.set': z.strictObject({
    exchangeId,
    mode: z.enum(VENUE_MODES),
    symbols: z.array(symbol).min(1).max(50),
    rateLimitFactor: z.number().gt(0).max(1).default(0.8),
    apiUrl: z.string().max(200).regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must look like http(s)://host[:port][/path]').nullable().default(null),
    confirmLive: z.boolean().default(false),
    apply: z.boolean().default(false),
  }),
  /** Write-only: the result says they are stored, never what they are. */
  'venue.keys.set': z.strictObject({ exchangeId, apiKey: secretText, secret: secretText }),
  'venue.reconciliation': z.strictObject({ limit: z.number().int().min(1).max(100).default(20) }),
  /** Runs a reconciliation now. */
  'venue.reconcile': empty,
  /** An operator's decision on a reconciliation item (cancel or adopt an external order, close a lost one, dismiss). */
  'venue.reconciliation.act': z.strictObject({ itemId: z.string().min(1).max(64), action: z.enum(RECON_OPERATOR_ACTIONS) }),
} as const;

export interface VenueResults {
  'venue.info': VenueInfoDto;
  'venue.config.get': VenueConfigDto;
  'venue.config.set': VenueConfigDto;
  'venue.keys.set': { exchangeId: string; stored: true };
  'venue.reconciliation': ReconciliationDto;
  'venue.reconcile': ReconRunDto;
  'venue.reconciliation.act': ReconItemDto;
}

export interface VenueEvents {
  'venue.reconciled': ReconRunDto;
  'venue.info': VenueInfoDto;
}
