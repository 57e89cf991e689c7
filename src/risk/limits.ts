import { CASH_DECIMALS } from '../core/instrument.ts';
import { PrecisionError, pow10, toDecimalString, toUnits } from '../core/precision.ts';
import type { LimitErrorCode, RiskCode } from './codes.ts';

/**
 * The catalogue of L1 limits and the book of their current levels.
 *
 * Every limit has a hard level (an order that breaches it is denied) and an optional soft level
 * (an order that breaches it needs the operator's confirmation, see risk-gate.ts). Values are exact
 * bigints in the limit's unit at a fixed scale (UNIT_DECIMALS): money in cash units (1e-8), percent
 * in 1e-4 %, basis points in 1e-2 bp, ratios in 1e-4, quantities in 1e-8 of the instrument's unit,
 * counts and ticks as integers.
 */

export type LimitUnit = 'money' | 'qty' | 'pct' | 'bps' | 'ratio' | 'count' | 'ticks';

/** Decimals each unit is kept at: a limit value of `v` units means v / 10^decimals. */
export const UNIT_DECIMALS: Readonly<Record<LimitUnit, number>> = {
  money: CASH_DECIMALS,
  qty: 8,
  pct: 4,
  bps: 2,
  ratio: 4,
  count: 0,
  ticks: 0,
};
export const PCT_DECIMALS = UNIT_DECIMALS.pct;
/** 100 % in pct units: observed/base > level/100% is compared as observed * PCT_ONE_HUNDRED > base * level. */
export const PCT_ONE_HUNDRED = 100n * pow10(PCT_DECIMALS);
export const BPS_ONE = pow10(UNIT_DECIMALS.bps);
export const RATIO_ONE = pow10(UNIT_DECIMALS.ratio);

/** Groups of checks; urgency tiers decide which of them run when a parent order is admitted. */
export const CHECK_NAMES = ['order_size', 'price_band', 'spread', 'order_rate', 'position', 'exposure', 'leverage', 'cash_buffer', 'loss'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
/** Checks of the account's exposure and losses: a reducing order is exempt from all of them. */
export const EXPOSURE_CHECKS: readonly CheckName[] = ['position', 'exposure', 'leverage', 'cash_buffer', 'loss'];

export const LIMIT_NAMES = [
  'max_order_qty',
  'max_order_notional',
  'price_band_pct',
  'price_band_ticks',
  'max_position_pct_nav',
  'max_position_notional',
  'max_gross_exposure_pct_nav',
  'max_gross_exposure',
  'max_net_exposure_pct_nav',
  'max_net_exposure',
  'max_leverage',
  'min_cash_buffer',
  'max_orders_per_minute',
  'max_orders_per_hour',
  'max_spread_bps',
  'max_daily_loss',
  'max_drawdown_daily_pct',
  'max_drawdown_weekly_pct',
  'max_drawdown_monthly_pct',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export type ScopeKind = 'global' | 'symbol' | 'group';
export type LimitScope = { kind: 'global' } | { kind: 'symbol'; symbol: string } | { kind: 'group'; group: string };
export const GLOBAL: LimitScope = { kind: 'global' };

export interface LimitDef {
  name: LimitName;
  /** What is measured, for messages ("order notional: 300000 exceeds ..."). */
  label: string;
  unit: LimitUnit;
  /** 'max': breached above the level; 'min': breached below it (the soft level is then the higher one). */
  direction: 'max' | 'min';
  scopes: readonly ScopeKind[];
  /**
   * How a symbol entry relates to the global one. 'override': the symbol's entry replaces the
   * global entry for that symbol. 'separate': both apply, the global one to the account total and
   * the symbol one to that symbol alone (order rates).
   */
  symbolMode: 'override' | 'separate';
  check: CheckName;
  code: RiskCode;
  /** Code when the entry is scoped to a group (group exposure). */
  groupCode?: RiskCode;
  /** Largest accepted value in units, inclusive. */
  maxValue?: bigint;
  /** Whether 0 is accepted. A max of 0 forbids everything the limit measures. */
  allowZero: boolean;
  description: string;
}

const pct = (n: number): bigint => BigInt(n) * pow10(PCT_DECIMALS);

/**
 * The largest level of each unit when a limit names none: a level beyond it is a typo or an attempt
 * to switch the limit off by an absurd number (`--hard 1e999`), which `unset` does honestly.
 * Money 1e15 (a quadrillion in the account currency), quantities 1e12, counts and ticks 1e9.
 */
export const UNIT_MAX: Readonly<Record<LimitUnit, bigint>> = {
  money: 10n ** 15n * pow10(CASH_DECIMALS),
  qty: 10n ** 12n * pow10(8),
  pct: 1_000_000n * pow10(4),
  bps: 1_000_000n * pow10(2),
  ratio: 10_000n * pow10(4),
  count: 1_000_000_000n,
  ticks: 1_000_000_000n,
};

const DEFS: readonly LimitDef[] = [
  { name: 'max_order_qty', label: 'order quantity', unit: 'qty', direction: 'max', scopes: ['symbol'], symbolMode: 'override', check: 'order_size', code: 'MAX_ORDER_QTY', allowZero: true, description: 'Largest quantity of one order, in the instrument unit (fat finger).' },
  { name: 'max_order_notional', label: 'order notional', unit: 'money', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'override', check: 'order_size', code: 'MAX_ORDER_NOTIONAL', allowZero: true, description: 'Largest notional of one order at its price or estimated fill price (fat finger).' },
  { name: 'price_band_pct', label: 'price through the reference', unit: 'pct', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'override', check: 'price_band', code: 'PRICE_BAND', maxValue: pct(100), allowZero: true, description: 'How far (%) an order may price through the reference price on its aggressive side (a buy above it, a sell below it).' },
  { name: 'price_band_ticks', label: 'price through the reference', unit: 'ticks', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'override', check: 'price_band', code: 'PRICE_BAND_TICKS', allowZero: true, description: 'The price band in ticks of the instrument.' },
  { name: 'max_position_pct_nav', label: 'projected position', unit: 'pct', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'override', check: 'position', code: 'MAX_POSITION', maxValue: pct(1000), allowZero: true, description: 'Largest projected position in one instrument, % of NAV.' },
  { name: 'max_position_notional', label: 'projected position', unit: 'money', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'override', check: 'position', code: 'MAX_POSITION', allowZero: true, description: 'Largest projected position in one instrument, absolute.' },
  { name: 'max_gross_exposure_pct_nav', label: 'projected gross exposure', unit: 'pct', direction: 'max', scopes: ['global', 'group'], symbolMode: 'override', check: 'exposure', code: 'MAX_GROSS_EXPOSURE', groupCode: 'GROUP_GROSS_EXPOSURE', maxValue: pct(10000), allowZero: true, description: 'Projected gross exposure (sum of |positions|), % of NAV; per group with --group.' },
  { name: 'max_gross_exposure', label: 'projected gross exposure', unit: 'money', direction: 'max', scopes: ['global', 'group'], symbolMode: 'override', check: 'exposure', code: 'MAX_GROSS_EXPOSURE', groupCode: 'GROUP_GROSS_EXPOSURE', allowZero: true, description: 'Projected gross exposure, absolute; per group with --group.' },
  { name: 'max_net_exposure_pct_nav', label: 'projected net exposure', unit: 'pct', direction: 'max', scopes: ['global', 'group'], symbolMode: 'override', check: 'exposure', code: 'MAX_NET_EXPOSURE', groupCode: 'GROUP_NET_EXPOSURE', maxValue: pct(10000), allowZero: true, description: 'Projected |net exposure| (longs minus shorts), % of NAV; per group with --group.' },
  { name: 'max_net_exposure', label: 'projected net exposure', unit: 'money', direction: 'max', scopes: ['global', 'group'], symbolMode: 'override', check: 'exposure', code: 'MAX_NET_EXPOSURE', groupCode: 'GROUP_NET_EXPOSURE', allowZero: true, description: 'Projected |net exposure|, absolute; per group with --group.' },
  { name: 'max_leverage', label: 'projected leverage', unit: 'ratio', direction: 'max', scopes: ['global'], symbolMode: 'override', check: 'leverage', code: 'MAX_LEVERAGE', maxValue: 100n * pow10(UNIT_DECIMALS.ratio), allowZero: false, description: 'Projected gross exposure divided by NAV.' },
  { name: 'min_cash_buffer', label: 'cash left after working buys', unit: 'money', direction: 'min', scopes: ['global'], symbolMode: 'override', check: 'cash_buffer', code: 'MIN_CASH_BUFFER', allowZero: true, description: 'Cash that must remain once every working buy (and this one) has filled.' },
  { name: 'max_orders_per_minute', label: 'orders in the last minute', unit: 'count', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'separate', check: 'order_rate', code: 'ORDER_RATE_MINUTE', allowZero: true, description: 'Orders sent in the last 60 s, this one included (runaway-loop guard).' },
  { name: 'max_orders_per_hour', label: 'orders in the last hour', unit: 'count', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'separate', check: 'order_rate', code: 'ORDER_RATE_HOUR', allowZero: true, description: 'Orders sent in the last hour, this one included.' },
  { name: 'max_spread_bps', label: 'spread', unit: 'bps', direction: 'max', scopes: ['global', 'symbol'], symbolMode: 'override', check: 'spread', code: 'MAX_SPREAD', allowZero: true, description: 'Widest bid/ask spread (bps of mid) an aggressive order may cross.' },
  { name: 'max_daily_loss', label: 'loss today', unit: 'money', direction: 'max', scopes: ['global'], symbolMode: 'override', check: 'loss', code: 'DAILY_LOSS', allowZero: true, description: "Loss since the day's start equity beyond which no new exposure is taken." },
  { name: 'max_drawdown_daily_pct', label: 'drawdown today', unit: 'pct', direction: 'max', scopes: ['global'], symbolMode: 'override', check: 'loss', code: 'DRAWDOWN_DAILY', maxValue: pct(100), allowZero: true, description: "Drawdown from the day's peak equity (%) beyond which no new exposure is taken." },
  { name: 'max_drawdown_weekly_pct', label: 'drawdown this week', unit: 'pct', direction: 'max', scopes: ['global'], symbolMode: 'override', check: 'loss', code: 'DRAWDOWN_WEEKLY', maxValue: pct(100), allowZero: true, description: "Drawdown from the week's peak equity (%)." },
  { name: 'max_drawdown_monthly_pct', label: 'drawdown this month', unit: 'pct', direction: 'max', scopes: ['global'], symbolMode: 'override', check: 'loss', code: 'DRAWDOWN_MONTHLY', maxValue: pct(100), allowZero: true, description: "Drawdown from the month's peak equity (%)." },
];

export const LIMIT_DEFS: Readonly<Record<LimitName, LimitDef>> = Object.fromEntries(DEFS.map((d) => [d.name, d])) as Record<LimitName, LimitDef>;

export function isLimitName(s: string): s is LimitName {
  return (LIMIT_NAMES as readonly string[]).includes(s);
}

/** Accepts `max-order-qty` and `MAX_ORDER_QTY` as well as `max_order_qty`. */
export function normalizeLimitName(s: string): string {
  return s.trim().toLowerCase().replace(/-/g, '_');
}

export interface LimitLevels {
  soft: bigint | null;
  hard: bigint;
}
export interface LimitEntry extends LimitLevels {
  name: LimitName;
  scope: LimitScope;
}

/** All limit levels in force plus the symbol groups group-scoped limits refer to. Treated as immutable. */
export interface LimitBook {
  entries: readonly LimitEntry[];
  groups: Readonly<Record<string, readonly string[]>>;
}

/**
 * Group names are the operator's words, so the groups are kept in a record with no prototype: a
 * group called `constructor`, `toString` or `__proto__` is then an ordinary key, never a member of
 * Object.prototype (a plain `{}` answered `groups['constructor']` with a function, which broke the
 * limits for good). Build group records only with this, and read them only with groupMembers/hasGroup.
 */
export function groupRecord(entries: Iterable<readonly [string, readonly string[]]> = []): Record<string, readonly string[]> {
  const out = Object.create(null) as Record<string, readonly string[]>;
  for (const [name, symbols] of entries) out[name] = symbols;
  return out;
}

/** The members of a group, or undefined when there is no such group (own keys only, whatever the record's prototype). */
export function groupMembers(book: LimitBook, group: string): readonly string[] | undefined {
  return Object.hasOwn(book.groups, group) ? book.groups[group] : undefined;
}

export function hasGroup(book: LimitBook, group: string): boolean {
  return groupMembers(book, group) !== undefined;
}

/** A group name: letters, digits, `_ . -`, at most this long (it is also a stored key and a CLI word). */
export const GROUP_NAME_MAX = 32;
const GROUP_NAME_RE = /^[A-Za-z0-9_.-]+$/;

export function checkGroupName(group: string): LimitError | undefined {
  if (group.length === 0 || group.length > GROUP_NAME_MAX || !GROUP_NAME_RE.test(group)) {
    return { code: 'BAD_VALUE', message: `"${clip(group)}" is not a group name (1 to ${GROUP_NAME_MAX} letters, digits, _ . -)` };
  }
  return undefined;
}

/** Text the caller typed, cut short for a message: an error never echoes unbounded input. */
export function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

export const EMPTY_LIMIT_BOOK: LimitBook = { entries: [], groups: groupRecord() };

export function scopeKey(scope: LimitScope): string {
  return scope.kind === 'global' ? 'global' : scope.kind === 'symbol' ? `symbol:${scope.symbol}` : `group:${scope.group}`;
}

export function parseScopeKey(key: string): LimitScope | undefined {
  if (key === 'global') return GLOBAL;
  if (key.startsWith('symbol:') && key.length > 7) return { kind: 'symbol', symbol: key.slice(7) };
  if (key.startsWith('group:') && key.length > 6) return { kind: 'group', group: key.slice(6) };
  return undefined;
}

/** scopeKey(a) === scopeKey(b), without building the two strings (the gate looks entries up on every order). */
function sameScope(a: LimitScope, b: LimitScope): boolean {
  switch (a.kind) {
    case 'global':
      return b.kind === 'global';
    case 'symbol':
      return b.kind === 'symbol' && a.symbol === b.symbol;
    case 'group':
      return b.kind === 'group' && a.group === b.group;
  }
}

/**
 * Per book (books are never modified, only replaced), its entries by scope kind, then name, then
 * symbol or group: the gate looks up a few dozen entries per order, and keying by the plain symbol
 * or group (rather than a built 's:SYMBOL' id) makes a lookup allocate nothing.
 */
interface EntryIndex {
  global: Map<LimitName, LimitEntry>;
  symbol: Map<LimitName, Map<string, LimitEntry>>;
  group: Map<LimitName, Map<string, LimitEntry>>;
}

const entryIndex = new WeakMap<LimitBook, EntryIndex>();
/**
 * The book last looked up and its index: the gate asks for a dozen or more entries of the same book
 * per order, and a WeakMap lookup each time was a visible share of a check. Strong references to
 * one book and its index, replaced as soon as another book is asked about.
 */
let lastBook: LimitBook | undefined;
let lastIndex: EntryIndex | undefined;

function indexOf(book: LimitBook): EntryIndex {
  if (book === lastBook) return lastIndex!;
  let idx = entryIndex.get(book);
  if (!idx) {
    idx = { global: new Map(), symbol: new Map(), group: new Map() };
    for (const e of book.entries) {
      // The first entry wins, as a linear find would.
      if (e.scope.kind === 'global') {
        if (!idx.global.has(e.name)) idx.global.set(e.name, e);
        continue;
      }
      const byKind = e.scope.kind === 'symbol' ? idx.symbol : idx.group;
      const key = e.scope.kind === 'symbol' ? e.scope.symbol : e.scope.group;
      let byKey = byKind.get(e.name);
      if (!byKey) byKind.set(e.name, (byKey = new Map()));
      if (!byKey.has(key)) byKey.set(key, e);
    }
    entryIndex.set(book, idx);
  }
  lastBook = book;
  lastIndex = idx;
  return idx;
}

export function getEntry(book: LimitBook, name: LimitName, scope: LimitScope): LimitEntry | undefined {
  if (scope.kind === 'global') return globalEntry(book, name);
  if (scope.kind === 'symbol') return symbolEntry(book, name, scope.symbol);
  return groupEntry(book, name, scope.group);
}

// A book with no entries (a backtest's own limits, by default) has none to find: the gate's
// dozen or more lookups per order then stop at the length.
export function globalEntry(book: LimitBook, name: LimitName): LimitEntry | undefined {
  if (book.entries.length === 0) return undefined;
  return indexOf(book).global.get(name);
}

export function symbolEntry(book: LimitBook, name: LimitName, symbol: string): LimitEntry | undefined {
  if (book.entries.length === 0) return undefined;
  return indexOf(book).symbol.get(name)?.get(symbol);
}

export function groupEntry(book: LimitBook, name: LimitName, group: string): LimitEntry | undefined {
  if (book.entries.length === 0) return undefined;
  return indexOf(book).group.get(name)?.get(group);
}

/**
 * The entry that governs `symbol` for an 'override' limit: the symbol's own entry, else the
 * global one. For 'separate' limits this is the global entry only; ask getEntry for the symbol's.
 */
export function limitFor(book: LimitBook, name: LimitName, symbol: string): LimitEntry | undefined {
  if (book.entries.length === 0) return undefined;
  const idx = indexOf(book);
  if (LIMIT_DEFS[name].symbolMode === 'override') {
    const own = idx.symbol.get(name)?.get(symbol);
    if (own) return own;
  }
  return idx.global.get(name);
}

/** Per book (books are never modified, only replaced), the groups of each symbol asked about. */
const groupsCache = new WeakMap<LimitBook, Map<string, readonly string[]>>();
let lastGroupsBook: LimitBook | undefined;
let lastGroups: Map<string, readonly string[]> | undefined;

export function groupsOf(book: LimitBook, symbol: string): string[] {
  return [...sharedGroupsOf(book, symbol)];
}

/** groupsOf() without the copy, for the gate's per-order read: never write to it. */
export function sharedGroupsOf(book: LimitBook, symbol: string): readonly string[] {
  // The last book's map first, as indexOf does: the gate asks once per order, of the same book.
  let perBook = book === lastGroupsBook ? lastGroups : groupsCache.get(book);
  if (!perBook) {
    perBook = new Map();
    groupsCache.set(book, perBook);
  }
  lastGroupsBook = book;
  lastGroups = perBook;
  let groups = perBook.get(symbol);
  if (!groups) {
    groups = groupsContaining(book, symbol);
    perBook.set(symbol, groups);
  }
  return groups;
}

/** sharedGroupsOf's miss, apart: a closure over book and symbol in the asking function made a context on every call, hit or miss. */
function groupsContaining(book: LimitBook, symbol: string): readonly string[] {
  return Object.keys(book.groups)
    .filter((g) => groupMembers(book, g)!.includes(symbol))
    .sort();
}

/** Plain decimal text of a value ("250000", "2.5"): how values are stored and typed. */
export function formatLimitValue(name: LimitName, units: bigint): string {
  return toDecimalString(units, UNIT_DECIMALS[LIMIT_DEFS[name].unit]);
}

/** A value with its unit for messages ("5%", "25 bps", "1.5x", "10 ticks", "250000"). */
export function describeValue(unit: LimitUnit, units: bigint): string {
  const text = toDecimalString(units, UNIT_DECIMALS[unit]);
  switch (unit) {
    case 'pct':
      return `${text}%`;
    case 'bps':
      return `${text} bps`;
    case 'ratio':
      return `${text}x`;
    case 'ticks':
      return `${text} ticks`;
    default:
      return text;
  }
}

export interface LimitError {
  code: LimitErrorCode;
  message: string;
}
export type ParsedValue = { ok: true; units: bigint } | { ok: false; error: LimitError };

/** Parses a limit value typed by the operator ("250000", "2.5", "1e5") into the limit's units. */
export function parseLimitValue(name: LimitName, text: string): ParsedValue {
  const def = LIMIT_DEFS[name];
  let units: bigint;
  try {
    units = toUnits(text, UNIT_DECIMALS[def.unit]);
  } catch (e) {
    const why = e instanceof PrecisionError && e.code === 'TOO_MANY_DECIMALS' ? `at most ${UNIT_DECIMALS[def.unit]} decimals` : e instanceof PrecisionError && e.code === 'OUT_OF_RANGE' ? 'far too large' : 'a decimal number';
    return { ok: false, error: { code: 'BAD_VALUE', message: `${name}: "${clip(text)}" is not a valid value (${why})` } };
  }
  const bad = checkValue(def, units);
  return bad ? { ok: false, error: bad } : { ok: true, units };
}

function checkValue(def: LimitDef, units: bigint): LimitError | undefined {
  if (units < 0n) return { code: 'BAD_VALUE', message: `${def.name}: the value must not be negative` };
  if (units === 0n && !def.allowZero) return { code: 'BAD_VALUE', message: `${def.name}: the value must be above 0` };
  const max = def.maxValue ?? UNIT_MAX[def.unit];
  if (units > max) {
    return { code: 'BAD_VALUE', message: `${def.name}: ${clip(describeValue(def.unit, units))} is above the largest accepted ${describeValue(def.unit, max)}` };
  }
  return undefined;
}

/** Checks one pair of levels: values in range, and the soft level reached before the hard one. */
export function checkLevels(name: LimitName, levels: LimitLevels): LimitError | undefined {
  const def = LIMIT_DEFS[name];
  const bad = checkValue(def, levels.hard) ?? (levels.soft !== null ? checkValue(def, levels.soft) : undefined);
  if (bad) return bad;
  if (levels.soft === null) return undefined;
  if (def.direction === 'max' && levels.soft > levels.hard) {
    return { code: 'SOFT_ABOVE_HARD', message: `${name}: soft ${describeValue(def.unit, levels.soft)} is above hard ${describeValue(def.unit, levels.hard)}` };
  }
  if (def.direction === 'min' && levels.soft < levels.hard) {
    return { code: 'SOFT_BELOW_HARD', message: `${name}: soft ${describeValue(def.unit, levels.soft)} is below hard ${describeValue(def.unit, levels.hard)} (a minimum warns first at the higher level)` };
  }
  return undefined;
}

/** Every problem in a book (levels, scopes, groups referred to); empty when the book is valid. */
export function validateLimitBook(book: LimitBook): LimitError[] {
  const out: LimitError[] = [];
  const seen = new Set<string>();
  for (const e of book.entries) {
    const def = LIMIT_DEFS[e.name];
    if (!def) {
      out.push({ code: 'UNKNOWN_LIMIT', message: `unknown limit ${String(e.name)}` });
      continue;
    }
    const key = `${e.name}@${scopeKey(e.scope)}`;
    if (seen.has(key)) out.push({ code: 'BAD_SCOPE', message: `${key} is set twice` });
    seen.add(key);
    if (!def.scopes.includes(e.scope.kind)) out.push({ code: 'BAD_SCOPE', message: `${e.name} cannot be set per ${e.scope.kind}` });
    if (e.scope.kind === 'group' && !hasGroup(book, e.scope.group)) out.push({ code: 'UNKNOWN_GROUP', message: `${e.name}: no group ${e.scope.group}` });
    const bad = checkLevels(e.name, e);
    if (bad) out.push(bad);
  }
  for (const [g, symbols] of Object.entries(book.groups)) {
    if (symbols.length === 0) out.push({ code: 'BAD_VALUE', message: `group ${g} has no symbols` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Updates: `set NAME VALUE [--soft V|none] [--symbol S | --group G] [--reason TEXT]`

export type LimitCommand =
  | { op: 'set'; name: LimitName; scope: LimitScope; hard?: bigint; soft?: bigint | null; reason: string | null }
  | { op: 'unset'; name: LimitName; scope: LimitScope; reason: string | null }
  | { op: 'group'; group: string; symbols: string[]; reason: string | null }
  | { op: 'ungroup'; group: string; reason: string | null };

export type ParsedCommand = { ok: true; command: LimitCommand } | { ok: false; error: LimitError };

export const LIMIT_COMMAND_USAGE = [
  'set NAME [HARD] [--soft SOFT|none] [--hard HARD] [--symbol S | --group G] [--reason TEXT]',
  'unset NAME [--symbol S | --group G] [--reason TEXT]',
  'group NAME SYMBOL[,SYMBOL...] [--reason TEXT]',
  'ungroup NAME [--reason TEXT]',
];

/** Splits a command line on blanks, keeping "quoted text" (single or double quotes) together. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

export function parseLimitCommand(text: string): ParsedCommand {
  return parseLimitArgs(tokenize(text));
}

const syntax = (message: string): ParsedCommand => ({ ok: false, error: { code: 'BAD_SYNTAX', message } });

/** Parses a command already split into words (as a CLI receives it). */
export function parseLimitArgs(args: readonly string[]): ParsedCommand {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!['soft', 'hard', 'symbol', 'group', 'reason'].includes(flag)) return syntax(`unknown option --${flag}`);
    if (flags.has(flag)) return syntax(`--${flag} given twice`);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = args[i + 1];
      i++;
    }
    if (value === undefined || value === '') return syntax(`--${flag} needs a value`);
    flags.set(flag, value);
  }
  const [verb, ...rest] = positional;
  if (verb === undefined) return syntax(`expected one of: ${LIMIT_COMMAND_USAGE.join(' | ')}`);
  const reason = flags.get('reason') ?? null;

  if (verb === 'group' || verb === 'ungroup') {
    for (const f of ['soft', 'hard', 'symbol', 'group']) if (flags.has(f)) return syntax(`${verb} takes no --${f}`);
    const [group, ...symbolArgs] = rest;
    if (group === undefined) return syntax(`${verb} needs a group name`);
    const badName = checkGroupName(group);
    if (badName) return { ok: false, error: badName };
    if (verb === 'ungroup') {
      if (symbolArgs.length > 0) return syntax('ungroup takes only the group name');
      return { ok: true, command: { op: 'ungroup', group, reason } };
    }
    const symbols = symbolArgs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    if (symbols.length === 0) return { ok: false, error: { code: 'BAD_VALUE', message: `group ${group} needs at least one symbol` } };
    return { ok: true, command: { op: 'group', group, symbols: [...new Set(symbols)], reason } };
  }
  if (verb !== 'set' && verb !== 'unset') return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `unknown command "${verb}" (set, unset, group, ungroup)` } };

  const [rawName, value, ...extra] = rest;
  if (rawName === undefined) return syntax(`${verb} needs a limit name`);
  const name = normalizeLimitName(rawName);
  if (!isLimitName(name)) return { ok: false, error: { code: 'UNKNOWN_LIMIT', message: `unknown limit "${rawName}"; known: ${LIMIT_NAMES.join(', ')}` } };
  if (extra.length > 0) return syntax(`unexpected "${extra.join(' ')}"`);
  const symbol = flags.get('symbol');
  const group = flags.get('group');
  if (symbol !== undefined && group !== undefined) return syntax('give --symbol or --group, not both');
  const scope: LimitScope = symbol !== undefined ? { kind: 'symbol', symbol } : group !== undefined ? { kind: 'group', group } : GLOBAL;
  if (!LIMIT_DEFS[name].scopes.includes(scope.kind)) return { ok: false, error: badScope(name, scope.kind) };

  if (verb === 'unset') {
    if (value !== undefined || flags.has('soft') || flags.has('hard')) return syntax('unset takes no value');
    return { ok: true, command: { op: 'unset', name, scope, reason } };
  }
  const hardText = flags.get('hard');
  if (value !== undefined && hardText !== undefined) return syntax('give the hard value once (positional or --hard)');
  const cmd: { op: 'set'; name: LimitName; scope: LimitScope; hard?: bigint; soft?: bigint | null; reason: string | null } = { op: 'set', name, scope, reason };
  const h = value ?? hardText;
  if (h !== undefined) {
    const p = parseLimitValue(name, h);
    if (!p.ok) return p;
    cmd.hard = p.units;
  }
  const softText = flags.get('soft');
  if (softText !== undefined) {
    if (softText.toLowerCase() === 'none') cmd.soft = null;
    else {
      const p = parseLimitValue(name, softText);
      if (!p.ok) return p;
      cmd.soft = p.units;
    }
  }
  if (cmd.hard === undefined && cmd.soft === undefined) return syntax(`set ${name} needs a value`);
  return { ok: true, command: cmd };
}

function badScope(name: LimitName, kind: ScopeKind): LimitError {
  const allowed = LIMIT_DEFS[name].scopes.map((s) => (s === 'global' ? 'global' : `--${s}`)).join(', ');
  return { code: 'BAD_SCOPE', message: `${name} cannot be set per ${kind} (allowed: ${allowed})` };
}

/** One change to the book, as the audit log records it. `before`/`after` null: absent. */
export type LimitChange =
  | { kind: 'limit'; name: LimitName; scope: LimitScope; before: LimitLevels | null; after: LimitLevels | null }
  | { kind: 'group'; group: string; before: readonly string[] | null; after: readonly string[] | null };

export type AppliedCommand = { ok: true; book: LimitBook; changes: LimitChange[] } | { ok: false; error: LimitError };

export interface ApplyOptions {
  /** When given, symbols in scopes and groups must be known instruments. */
  isKnownSymbol?: (symbol: string) => boolean;
}

function levelsEqual(a: LimitLevels | null, b: LimitLevels | null): boolean {
  if (a === null || b === null) return a === b;
  return a.hard === b.hard && a.soft === b.soft;
}

/** A changed entry keeps its place in the book (an edit must not move its row); a new one goes last. */
function withEntry(book: LimitBook, name: LimitName, scope: LimitScope, levels: LimitLevels | null): LimitBook {
  const at = book.entries.findIndex((e) => e.name === name && sameScope(e.scope, scope));
  const entries = [...book.entries];
  if (levels && at >= 0) entries[at] = { name, scope, soft: levels.soft, hard: levels.hard };
  else if (levels) entries.push({ name, scope, soft: levels.soft, hard: levels.hard });
  else if (at >= 0) entries.splice(at, 1);
  return { entries, groups: book.groups };
}

const SCOPE_RANK: Readonly<Record<ScopeKind, number>> = { global: 0, group: 1, symbol: 2 };

/**
 * The order limits are shown in (Risk panel, CLI): by limit, then global, group, symbol scope, then
 * the scope's name. It depends on the entries only, not on how the book was built (defaults, a
 * journal read back ordered by name, edits), so a row stays where it was after an edit or a restart.
 */
export function compareLimitEntries(a: Pick<LimitEntry, 'name' | 'scope'>, b: Pick<LimitEntry, 'name' | 'scope'>): number {
  const byName = LIMIT_NAMES.indexOf(a.name) - LIMIT_NAMES.indexOf(b.name);
  if (byName !== 0) return byName;
  const byKind = SCOPE_RANK[a.scope.kind] - SCOPE_RANK[b.scope.kind];
  if (byKind !== 0) return byKind;
  const ka = scopeKey(a.scope);
  const kb = scopeKey(b.scope);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Validates a command against the book and returns the new book with the changes it makes. */
export function applyLimitCommand(book: LimitBook, cmd: LimitCommand, opts: ApplyOptions = {}): AppliedCommand {
  const fail = (code: LimitErrorCode, message: string): AppliedCommand => ({ ok: false, error: { code, message } });
  if (cmd.op === 'group' || cmd.op === 'ungroup' || cmd.scope.kind === 'group') {
    const badName = checkGroupName(cmd.op === 'group' || cmd.op === 'ungroup' ? cmd.group : (cmd.scope as { group: string }).group);
    if (badName) return { ok: false, error: badName };
  }
  if (cmd.op === 'group') {
    if (cmd.symbols.length === 0) return fail('BAD_VALUE', `group ${cmd.group} needs at least one symbol`);
    for (const s of cmd.symbols) if (opts.isKnownSymbol && !opts.isKnownSymbol(s)) return fail('UNKNOWN_SYMBOL', `unknown symbol "${s}"`);
    const before = groupMembers(book, cmd.group) ?? null;
    const after = [...new Set(cmd.symbols)];
    if (before && before.length === after.length && before.every((s, i) => s === after[i])) return { ok: true, book, changes: [] };
    const groups = groupRecord(Object.entries(book.groups));
    groups[cmd.group] = after;
    return { ok: true, book: { entries: book.entries, groups }, changes: [{ kind: 'group', group: cmd.group, before, after }] };
  }
  if (cmd.op === 'ungroup') {
    const before = groupMembers(book, cmd.group);
    if (!before) return fail('UNKNOWN_GROUP', `no group "${cmd.group}"`);
    // Limits on the group go with it, each recorded.
    const changes: LimitChange[] = [];
    let next: LimitBook = book;
    for (const e of book.entries) {
      if (e.scope.kind === 'group' && e.scope.group === cmd.group) {
        changes.push({ kind: 'limit', name: e.name, scope: e.scope, before: { soft: e.soft, hard: e.hard }, after: null });
        next = withEntry(next, e.name, e.scope, null);
      }
    }
    const groups = groupRecord(Object.entries(next.groups));
    delete groups[cmd.group];
    changes.push({ kind: 'group', group: cmd.group, before, after: null });
    return { ok: true, book: { entries: next.entries, groups }, changes };
  }

  const def = LIMIT_DEFS[cmd.name];
  if (!def) return fail('UNKNOWN_LIMIT', `unknown limit "${String(cmd.name)}"`);
  if (!def.scopes.includes(cmd.scope.kind)) return { ok: false, error: badScope(cmd.name, cmd.scope.kind) };
  if (cmd.scope.kind === 'symbol' && opts.isKnownSymbol && !opts.isKnownSymbol(cmd.scope.symbol)) return fail('UNKNOWN_SYMBOL', `unknown symbol "${cmd.scope.symbol}"`);
  if (cmd.scope.kind === 'group' && !hasGroup(book, cmd.scope.group)) return fail('UNKNOWN_GROUP', `no group "${cmd.scope.group}" (define it with: group ${cmd.scope.group} SYMBOL,...)`);
  const existing = getEntry(book, cmd.name, cmd.scope);
  const before: LimitLevels | null = existing ? { soft: existing.soft, hard: existing.hard } : null;

  if (cmd.op === 'unset') {
    if (!before) return fail('NOT_SET', `${cmd.name} is not set for ${scopeKey(cmd.scope)}`);
    return { ok: true, book: withEntry(book, cmd.name, cmd.scope, null), changes: [{ kind: 'limit', name: cmd.name, scope: cmd.scope, before, after: null }] };
  }
  const hard = cmd.hard ?? before?.hard;
  if (hard === undefined) return fail('BAD_VALUE', `${cmd.name} is not set for ${scopeKey(cmd.scope)}: give the hard value too`);
  const after: LimitLevels = { hard, soft: cmd.soft === undefined ? (before?.soft ?? null) : cmd.soft };
  const bad = checkLevels(cmd.name, after);
  if (bad) {
    // The soft level was kept from before: say how to change both.
    const hint = cmd.soft === undefined && bad.code.startsWith('SOFT_') ? ' (the soft level is kept from before: give --soft too, or --soft none)' : '';
    return { ok: false, error: { code: bad.code, message: bad.message + hint } };
  }
  if (levelsEqual(before, after)) return { ok: true, book, changes: [] };
  return { ok: true, book: withEntry(book, cmd.name, cmd.scope, after), changes: [{ kind: 'limit', name: cmd.name, scope: cmd.scope, before, after }] };
}

/** Applies recorded changes to a book (replaying an audit log; the inverse of diffLimitBooks). */
export function applyLimitChanges(book: LimitBook, changes: readonly LimitChange[]): LimitBook {
  let next = book;
  for (const c of changes) {
    if (c.kind === 'limit') next = withEntry(next, c.name, c.scope, c.after);
    else {
      const groups = groupRecord(Object.entries(next.groups));
      if (c.after) groups[c.group] = [...c.after];
      else delete groups[c.group];
      next = { entries: next.entries, groups };
    }
  }
  return next;
}

/** The changes that turn `before` into `after`: groups added first, removed last, so each step is valid. */
export function diffLimitBooks(before: LimitBook, after: LimitBook): LimitChange[] {
  const out: LimitChange[] = [];
  const groupNames = [...new Set([...Object.keys(before.groups), ...Object.keys(after.groups)])].sort();
  const removedGroups: LimitChange[] = [];
  for (const g of groupNames) {
    const b = groupMembers(before, g) ?? null;
    const a = groupMembers(after, g) ?? null;
    if (b && a && b.length === a.length && b.every((s, i) => s === a[i])) continue;
    (a === null ? removedGroups : out).push({ kind: 'group', group: g, before: b, after: a });
  }
  const keys = new Map<string, { name: LimitName; scope: LimitScope }>();
  for (const e of [...before.entries, ...after.entries]) keys.set(`${e.name}@${scopeKey(e.scope)}`, { name: e.name, scope: e.scope });
  for (const k of [...keys.keys()].sort()) {
    const { name, scope } = keys.get(k)!;
    const b = getEntry(before, name, scope);
    const a = getEntry(after, name, scope);
    const bl = b ? { soft: b.soft, hard: b.hard } : null;
    const al = a ? { soft: a.soft, hard: a.hard } : null;
    if (!levelsEqual(bl, al)) out.push({ kind: 'limit', name, scope, before: bl, after: al });
  }
  return [...out, ...removedGroups];
}

// ---------------------------------------------------------------------------------------------
// Defaults for the demo account (1,000,000 USD; BTC/USDT, ETH/USDT, SPY).

function entry(name: LimitName, scope: LimitScope, hard: string, soft: string | null): LimitEntry {
  const d = UNIT_DECIMALS[LIMIT_DEFS[name].unit];
  return { name, scope, hard: toUnits(hard, d), soft: soft === null ? null : toUnits(soft, d) };
}

const sym = (symbol: string): LimitScope => ({ kind: 'symbol', symbol });
const grp = (group: string): LimitScope => ({ kind: 'group', group });

/**
 * Defaults for the demo account. Hard levels sit where an order is plainly a mistake or the
 * account would be over-committed; soft levels about half-way, where a second look is cheap.
 * Order notional and position caps match the engine's previous fixed limits (250k / 500k).
 */
export function defaultLimitBook(): LimitBook {
  return {
    groups: groupRecord([
      ['crypto', ['BTC/USDT', 'ETH/USDT']],
      ['equity', ['SPY']],
    ]),
    entries: [
      entry('max_order_notional', GLOBAL, '250000', '100000'),
      entry('max_order_qty', sym('BTC/USDT'), '5', '2'),
      entry('max_order_qty', sym('ETH/USDT'), '100', '40'),
      entry('max_order_qty', sym('SPY'), '750', '300'),
      entry('price_band_pct', GLOBAL, '5', '2'),
      entry('max_position_pct_nav', GLOBAL, '50', '30'),
      entry('max_gross_exposure_pct_nav', GLOBAL, '100', '80'),
      entry('max_net_exposure_pct_nav', GLOBAL, '100', '80'),
      entry('max_gross_exposure_pct_nav', grp('crypto'), '70', '50'),
      entry('max_gross_exposure_pct_nav', grp('equity'), '80', '60'),
      entry('max_leverage', GLOBAL, '1.25', '1'),
      entry('min_cash_buffer', GLOBAL, '50000', '100000'),
      entry('max_orders_per_minute', GLOBAL, '240', '120'),
      entry('max_orders_per_hour', GLOBAL, '6000', '3000'),
      entry('max_spread_bps', GLOBAL, '100', '25'),
      entry('max_daily_loss', GLOBAL, '30000', '20000'),
      entry('max_drawdown_daily_pct', GLOBAL, '3', '2'),
      entry('max_drawdown_weekly_pct', GLOBAL, '6', '4'),
      entry('max_drawdown_monthly_pct', GLOBAL, '10', '7'),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluating a level.

export type BreachLevel = 'soft' | 'hard';

/** Whether `observed` is beyond `level` in the limit's direction. */
export function beyond(def: LimitDef, observed: bigint, level: bigint): boolean {
  return def.direction === 'max' ? observed > level : observed < level;
}

/** Which level (if any) an observed value breaches; hard wins. */
export function classify(def: LimitDef, observed: bigint, levels: LimitLevels): BreachLevel | null {
  if (beyond(def, observed, levels.hard)) return 'hard';
  if (levels.soft !== null && beyond(def, observed, levels.soft)) return 'soft';
  return null;
}

/**
 * Scales a level by a strictness factor (<= 1 tightens): a maximum is multiplied (rounded down),
 * a minimum divided (rounded up), so a factor below 1 always makes the level stricter.
 */
export function scaleLevel(def: LimitDef, units: bigint, factor: number): bigint {
  if (factor === 1) return units;
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`strictness factor ${factor} must be a positive number`);
  const ppm = BigInt(Math.round(factor * 1_000_000));
  if (ppm === 0n) return def.direction === 'max' ? 0n : units * 1_000_000n;
  if (def.direction === 'max') return (units * ppm) / 1_000_000n;
  const n = units * 1_000_000n;
  return (n + ppm - 1n) / ppm;
}

export function scaleLevels(def: LimitDef, levels: LimitLevels, factor: number): LimitLevels {
  return { hard: scaleLevel(def, levels.hard, factor), soft: levels.soft === null ? null : scaleLevel(def, levels.soft, factor) };
}
