import { describe, expect, it } from 'vitest';
import {
  EMPTY_LIMIT_BOOK,
  GLOBAL,
  LIMIT_DEFS,
  LIMIT_NAMES,
  applyLimitChanges,
  applyLimitCommand,
  classify,
  compareLimitEntries,
  defaultLimitBook,
  diffLimitBooks,
  formatLimitValue,
  getEntry,
  groupMembers,
  groupsOf,
  limitFor,
  parseLimitArgs,
  parseLimitCommand,
  parseLimitValue,
  scaleLevel,
  scopeKey,
  parseScopeKey,
  tokenize,
  validateLimitBook,
} from '../../../src/risk/limits.ts';
import type { LimitBook, LimitCommand } from '../../../src/risk/limits.ts';
import { bookOf, cash, lim } from './helpers.ts';

function cmd(text: string): LimitCommand {
  const p = parseLimitCommand(text);
  if (!p.ok) throw new Error(`${p.error.code}: ${p.error.message}`);
  return p.command;
}

function errorOf(text: string, book: LimitBook = defaultLimitBook(), known?: (s: string) => boolean): string {
  const p = parseLimitCommand(text);
  if (!p.ok) return p.error.code;
  const a = applyLimitCommand(book, p.command, { isKnownSymbol: known });
  return a.ok ? 'OK' : a.error.code;
}

describe('the limit catalogue', () => {
  it('when listing limits then every name has a definition with a unit, scopes, a check and a reason code', () => {
    for (const n of LIMIT_NAMES) {
      const d = LIMIT_DEFS[n];
      expect(d.name).toBe(n);
      expect(d.scopes.length).toBeGreaterThan(0);
      expect(d.code).toMatch(/^[A-Z_]+$/);
      expect(d.label.length).toBeGreaterThan(0);
    }
    expect(LIMIT_NAMES).toHaveLength(19);
  });

  it('when the demo defaults are loaded then they are valid and sized for a 1,000,000 account', () => {
    const b = defaultLimitBook();
    expect(validateLimitBook(b)).toEqual([]);
    expect(getEntry(b, 'max_order_notional', GLOBAL)).toEqual({ name: 'max_order_notional', scope: GLOBAL, hard: cash('250000'), soft: cash('100000') });
    expect(getEntry(b, 'min_cash_buffer', GLOBAL)).toMatchObject({ hard: cash('50000'), soft: cash('100000') });
    expect(formatLimitValue('max_order_qty', getEntry(b, 'max_order_qty', { kind: 'symbol', symbol: 'BTC/USDT' })!.hard)).toBe('5');
    expect(b.groups.crypto).toEqual(['BTC/USDT', 'ETH/USDT']);
    // Every limit with a global scope but the absolute/tick variants has a global default.
    const unset = LIMIT_NAMES.filter((n) => LIMIT_DEFS[n].scopes.includes('global') && !getEntry(b, n, GLOBAL));
    expect(unset.sort()).toEqual(['max_gross_exposure', 'max_net_exposure', 'max_position_notional', 'price_band_ticks']);
  });

  it('when a symbol has its own entry then it overrides the global one, except for separate (rate) limits', () => {
    const b = bookOf([lim('max_order_notional', '1000'), lim('max_order_notional', '50', null, { kind: 'symbol', symbol: 'ETH/USD' }), lim('max_orders_per_minute', '60'), lim('max_orders_per_minute', '5', null, { kind: 'symbol', symbol: 'ETH/USD' })]);
    expect(limitFor(b, 'max_order_notional', 'ETH/USD')!.hard).toBe(cash('50'));
    expect(limitFor(b, 'max_order_notional', 'BTC/USD')!.hard).toBe(cash('1000'));
    expect(limitFor(b, 'max_orders_per_minute', 'ETH/USD')!.hard).toBe(60n);
  });

  it('when scopes are keyed then the key round-trips', () => {
    for (const s of [GLOBAL, { kind: 'symbol' as const, symbol: 'BTC/USDT' }, { kind: 'group' as const, group: 'crypto' }]) expect(parseScopeKey(scopeKey(s))).toEqual(s);
    expect(parseScopeKey('symbol:')).toBeUndefined();
    expect(parseScopeKey('nope')).toBeUndefined();
  });
});

describe('parsing limit updates', () => {
  it('when the command is well formed then it parses into exact units', () => {
    expect(cmd('set max_order_notional 250000 --soft 100000 --reason "new desk policy"')).toEqual({
      op: 'set',
      name: 'max_order_notional',
      scope: GLOBAL,
      hard: cash('250000'),
      soft: cash('100000'),
      reason: 'new desk policy',
    });
    expect(cmd('set max-order-qty 0.5 --symbol BTC/USDT')).toMatchObject({ name: 'max_order_qty', scope: { kind: 'symbol', symbol: 'BTC/USDT' }, hard: 50_000_000n });
    expect(cmd('set price_band_pct 2.5')).toMatchObject({ hard: 25_000n });
    expect(cmd('set MAX_SPREAD_BPS 12.5 --soft=none')).toMatchObject({ hard: 1_250n, soft: null });
    expect(cmd('set max_gross_exposure_pct_nav --soft 40 --group crypto')).toEqual({ op: 'set', name: 'max_gross_exposure_pct_nav', scope: { kind: 'group', group: 'crypto' }, soft: 400_000n, reason: null });
    expect(cmd('unset max_order_qty --symbol SPY')).toEqual({ op: 'unset', name: 'max_order_qty', scope: { kind: 'symbol', symbol: 'SPY' }, reason: null });
    expect(cmd('group majors BTC/USDT,ETH/USDT SPY')).toEqual({ op: 'group', group: 'majors', symbols: ['BTC/USDT', 'ETH/USDT', 'SPY'], reason: null });
    expect(parseLimitArgs(['set', 'max_leverage', '--hard', '2'])).toMatchObject({ ok: true, command: { hard: 20_000n } });
    expect(tokenize(`set x 1 --reason 'a b' "c d"`)).toEqual(['set', 'x', '1', '--reason', 'a b', 'c d']);
  });

  it.each([
    ['an unknown limit', 'set max_fun 3', 'UNKNOWN_LIMIT'],
    ['an unknown command', 'raise max_order_notional 3', 'UNKNOWN_COMMAND'],
    ['no value', 'set max_order_notional', 'BAD_SYNTAX'],
    ['an unknown option', 'set max_order_notional 5 --force', 'BAD_SYNTAX'],
    ['both --symbol and --group', 'set max_spread_bps 5 --symbol A --group B', 'BAD_SYNTAX'],
    ['two hard values', 'set max_leverage 2 --hard 3', 'BAD_SYNTAX'],
    ['an empty command', '', 'BAD_SYNTAX'],
    ['a value that is not a number', 'set max_order_notional lots', 'BAD_VALUE'],
    ['a negative value', 'set max_order_notional -5', 'BAD_VALUE'],
    ['too many decimals for the unit', 'set max_orders_per_minute 2.5', 'BAD_VALUE'],
    ['a percentage above its range', 'set price_band_pct 150', 'BAD_VALUE'],
    ['a zero leverage', 'set max_leverage 0', 'BAD_VALUE'],
    ['a soft level above the hard one', 'set max_order_notional 1000 --soft 2000', 'SOFT_ABOVE_HARD'],
    ['a soft minimum below the hard one', 'set min_cash_buffer 50000 --soft 10000', 'SOFT_BELOW_HARD'],
    ['a per-symbol leverage', 'set max_leverage 2 --symbol SPY', 'BAD_SCOPE'],
    ['a global order quantity', 'set max_order_qty 2', 'BAD_SCOPE'],
    ['a per-group order notional', 'set max_order_notional 2 --group crypto', 'BAD_SCOPE'],
    ['an undefined group', 'set max_gross_exposure 5 --group metals', 'UNKNOWN_GROUP'],
    ['a soft-only change that ends above the hard level', 'set max_order_notional --soft 300000', 'SOFT_ABOVE_HARD'],
    ['a new override without a hard value', 'set max_order_notional --soft 10 --symbol SPY', 'BAD_VALUE'],
    ['unsetting what is not set', 'unset max_position_notional', 'NOT_SET'],
    ['ungrouping an unknown group', 'ungroup metals', 'UNKNOWN_GROUP'],
  ])('when the update has %s then %s', (_what, text, code) => {
    expect(errorOf(text)).toBe(code);
  });

  it('when symbols are validated then an unknown one is UNKNOWN_SYMBOL', () => {
    const known = (s: string): boolean => ['BTC/USDT', 'SPY'].includes(s);
    expect(errorOf('set max_order_qty 1 --symbol DOGE/USDT', defaultLimitBook(), known)).toBe('UNKNOWN_SYMBOL');
    expect(errorOf('group memes DOGE/USDT', defaultLimitBook(), known)).toBe('UNKNOWN_SYMBOL');
    expect(errorOf('set max_order_qty 1 --symbol SPY', defaultLimitBook(), known)).toBe('SOFT_ABOVE_HARD'); // the soft 300 is kept
    expect(errorOf('set max_order_qty 1 --symbol SPY --soft none', defaultLimitBook(), known)).toBe('OK');
  });

  it('when a value is parsed alone then exact units or BAD_VALUE come back', () => {
    expect(parseLimitValue('max_leverage', '1.25')).toEqual({ ok: true, units: 12_500n });
    expect(parseLimitValue('max_order_notional', '1e3')).toEqual({ ok: true, units: cash('1000') });
    expect(parseLimitValue('max_order_notional', '0.000000001')).toMatchObject({ ok: false, error: { code: 'BAD_VALUE' } });
  });
});

describe('applying limit updates', () => {
  it('when only the soft level changes then the hard level is kept and one change is recorded', () => {
    const a = applyLimitCommand(defaultLimitBook(), cmd('set max_order_notional --soft 50000'));
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(getEntry(a.book, 'max_order_notional', GLOBAL)).toMatchObject({ hard: cash('250000'), soft: cash('50000') });
    expect(a.changes).toEqual([{ kind: 'limit', name: 'max_order_notional', scope: GLOBAL, before: { hard: cash('250000'), soft: cash('100000') }, after: { hard: cash('250000'), soft: cash('50000') } }]);
  });

  it('when a limit is edited then its entry keeps its place in the book; a new one goes last', () => {
    const book = defaultLimitBook();
    const keys = (b: LimitBook): string[] => b.entries.map((e) => `${e.name}@${scopeKey(e.scope)}`);
    const edited = applyLimitCommand(book, cmd('set max_order_notional 150000 --soft 50000'));
    expect(edited.ok && keys(edited.book)).toEqual(keys(book));
    const added = applyLimitCommand(book, cmd('set max_order_qty 9 --symbol ETH/USDT --soft 1'));
    expect(added.ok && keys(added.book)).toEqual(keys(book));
    const fresh = applyLimitCommand(book, cmd('set max_position_notional 1000'));
    expect(fresh.ok && keys(fresh.book)).toEqual([...keys(book), 'max_position_notional@global']);
  });

  it('when limits are listed then the order depends on the entries only (limit, then global, group, symbol scope)', () => {
    const book = defaultLimitBook();
    const sorted = (entries: LimitBook['entries']): string[] => [...entries].sort(compareLimitEntries).map((e) => `${e.name}@${scopeKey(e.scope)}`);
    const shown = sorted(book.entries);
    // However the book was built: reversed, or read back from a store ordered by name and scope key.
    expect(sorted([...book.entries].reverse())).toEqual(shown);
    expect(shown.slice(0, 4)).toEqual(['max_order_qty@symbol:BTC/USDT', 'max_order_qty@symbol:ETH/USDT', 'max_order_qty@symbol:SPY', 'max_order_notional@global']);
    const gross = shown.filter((k) => k.startsWith('max_gross_exposure_pct_nav@'));
    expect(gross).toEqual(['max_gross_exposure_pct_nav@global', 'max_gross_exposure_pct_nav@group:crypto', 'max_gross_exposure_pct_nav@group:equity']);
  });

  it('when the new levels equal the old ones then nothing changes', () => {
    const a = applyLimitCommand(defaultLimitBook(), cmd('set max_order_notional 250000 --soft 100000'));
    expect(a).toMatchObject({ ok: true, changes: [] });
  });

  it('when a soft level is removed then the limit is hard only', () => {
    const a = applyLimitCommand(defaultLimitBook(), cmd('set max_leverage 2 --soft none'));
    expect(a.ok && getEntry(a.book, 'max_leverage', GLOBAL)).toMatchObject({ hard: 20_000n, soft: null });
  });

  it('when a group is removed then its limits go with it, each recorded', () => {
    const a = applyLimitCommand(defaultLimitBook(), cmd('ungroup crypto'));
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.book.groups.crypto).toBeUndefined();
    expect(getEntry(a.book, 'max_gross_exposure_pct_nav', { kind: 'group', group: 'crypto' })).toBeUndefined();
    expect(a.changes.map((c) => c.kind)).toEqual(['limit', 'group']);
    expect(validateLimitBook(a.book)).toEqual([]);
  });

  it('when two books are diffed then applying the diff turns one into the other', () => {
    const before = defaultLimitBook();
    let after = before;
    for (const t of ['set max_order_notional 1000 --soft 500', 'unset max_leverage', 'group majors BTC/USDT', 'set max_net_exposure 5 --group majors', 'ungroup equity', 'set max_order_qty 1 --symbol ETH/USDT --soft 0.5']) {
      const a = applyLimitCommand(after, cmd(t));
      if (!a.ok) throw new Error(a.error.message);
      after = a.book;
    }
    const changes = diffLimitBooks(before, after);
    const replayed = applyLimitChanges(before, changes);
    expect(diffLimitBooks(replayed, after)).toEqual([]);
    expect(diffLimitBooks(EMPTY_LIMIT_BOOK, before).length).toBe(before.entries.length + Object.keys(before.groups).length);
  });

  it('when a book has problems then validation lists them', () => {
    const b = bookOf([lim('max_order_notional', '10', '20'), lim('max_leverage', '2', null, { kind: 'symbol', symbol: 'X' }), lim('max_gross_exposure', '5', null, { kind: 'group', group: 'g' })]);
    expect(validateLimitBook(b).map((e) => e.code)).toEqual(['SOFT_ABOVE_HARD', 'BAD_SCOPE', 'UNKNOWN_GROUP']);
  });
});

describe('levels', () => {
  it('when a value is past the hard level then hard, past only the soft one then soft; a minimum is breached below', () => {
    const max = LIMIT_DEFS.max_order_notional;
    expect(classify(max, 5n, { soft: 10n, hard: 20n })).toBeNull();
    expect(classify(max, 10n, { soft: 10n, hard: 20n })).toBeNull();
    expect(classify(max, 11n, { soft: 10n, hard: 20n })).toBe('soft');
    expect(classify(max, 21n, { soft: 10n, hard: 20n })).toBe('hard');
    expect(classify(max, 21n, { soft: null, hard: 20n })).toBe('hard');
    const min = LIMIT_DEFS.min_cash_buffer;
    expect(classify(min, 25n, { soft: 20n, hard: 10n })).toBeNull();
    expect(classify(min, 15n, { soft: 20n, hard: 10n })).toBe('soft');
    expect(classify(min, 5n, { soft: 20n, hard: 10n })).toBe('hard');
  });

  it('when a level is scaled by a factor below 1 then a maximum goes down (rounded down) and a minimum up (rounded up)', () => {
    expect(scaleLevel(LIMIT_DEFS.max_orders_per_minute, 61n, 0.5)).toBe(30n);
    expect(scaleLevel(LIMIT_DEFS.min_cash_buffer, 101n, 0.5)).toBe(202n);
    expect(scaleLevel(LIMIT_DEFS.min_cash_buffer, 100n, 0.3)).toBe(334n);
    expect(scaleLevel(LIMIT_DEFS.max_order_notional, 1000n, 1)).toBe(1000n);
    expect(() => scaleLevel(LIMIT_DEFS.max_order_notional, 1000n, 0)).toThrow(RangeError);
  });
});

describe('group names that are Object.prototype members (issue 8, D2)', () => {
  const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(PROTO_NAMES)('when a limit is set on the undefined group %s then UNKNOWN_GROUP, and the book is unchanged', (g) => {
    const book = defaultLimitBook();
    const r = applyLimitCommand(book, { op: 'set', name: 'max_gross_exposure_pct_nav', scope: { kind: 'group', group: g }, hard: 50n * 10_000n, reason: null });
    expect(r.ok ? 'saved' : r.error.code).toBe('UNKNOWN_GROUP');
    expect(groupMembers(book, g)).toBeUndefined();
    expect(groupsOf(book, 'BTC/USDT')).toEqual(['crypto']);
  });

  it.each(PROTO_NAMES)('when the group %s is defined and limited then it is an ordinary group, and Object.prototype is untouched', (g) => {
    const grouped = applyLimitCommand(defaultLimitBook(), cmd(`group ${g} BTC/USDT,SPY`));
    if (!grouped.ok) throw new Error(grouped.error.message);
    const limited = applyLimitCommand(grouped.book, cmd(`set max_gross_exposure_pct_nav 50 --group ${g}`));
    if (!limited.ok) throw new Error(limited.error.message);
    const book = limited.book;
    expect(groupMembers(book, g)).toEqual(['BTC/USDT', 'SPY']);
    expect(groupsOf(book, 'SPY')).toEqual([g, 'equity'].sort());
    expect(getEntry(book, 'max_gross_exposure_pct_nav', { kind: 'group', group: g })?.hard).toBe(50n * 10_000n);
    expect(validateLimitBook(book)).toEqual([]);
    // Replaying the recorded changes (a restart) gives the same groups.
    const replayed = applyLimitChanges(EMPTY_LIMIT_BOOK, diffLimitBooks(EMPTY_LIMIT_BOOK, book));
    expect(groupMembers(replayed, g)).toEqual(['BTC/USDT', 'SPY']);
    const removed = applyLimitCommand(book, cmd(`ungroup ${g}`));
    if (!removed.ok) throw new Error(removed.error.message);
    expect(groupMembers(removed.book, g)).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['', 'x'.repeat(33), 'a b', 'a/b', 'ü'])('when a group name is %j then BAD_VALUE before anything is changed', (g) => {
    const r = applyLimitCommand(defaultLimitBook(), { op: 'group', group: g, symbols: ['SPY'], reason: null });
    expect(r.ok ? 'saved' : r.error.code).toBe('BAD_VALUE');
    const s = applyLimitCommand(defaultLimitBook(), { op: 'set', name: 'max_gross_exposure', scope: { kind: 'group', group: g }, hard: 1n, reason: null });
    expect(s.ok ? 'saved' : s.error.code).toBe('BAD_VALUE');
  });
});

describe('absurd and non-finite limit levels (issue 8, D8)', () => {
  it.each([
    ['max_order_notional', '1e999', '1e999'],
    ['max_order_notional', '1e16', '1e16'],
    ['max_order_qty', '1e13', '1e13'],
    ['max_orders_per_minute', '1e10', '1e10'],
    ['max_spread_bps', '1e7', '1e7'],
    ['max_order_notional', 'Infinity', 'Infinity'],
    ['max_order_notional', 'NaN', 'NaN'],
    ['max_order_notional', '1,000 nines', '9'.repeat(1000)],
    ['max_order_notional', '1e999999999', '1e999999999'],
  ] as const)('when %s is given %s then BAD_VALUE with a short message', (name, _label, text) => {
    const v = parseLimitValue(name, text);
    expect(v.ok ? 'accepted' : v.error.code).toBe('BAD_VALUE');
    if (!v.ok) expect(v.error.message.length).toBeLessThan(200);
  });

  it('when a level is large but sane then it is accepted', () => {
    expect(parseLimitValue('max_order_notional', '1e12').ok).toBe(true);
    expect(parseLimitValue('max_orders_per_hour', '1000000').ok).toBe(true);
  });
});
