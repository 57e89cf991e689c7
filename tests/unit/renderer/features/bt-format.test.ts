import { describe, expect, it } from 'vitest';
import { BACKTEST_RUN_FIDELITIES } from '../../../../src/contract/index.ts';
import { FIDELITY_LABELS, TAPE_BARS, deniedText, etaText, seriesOptions, fidelityUnavailable, guardText, levelGuards, levelVenue, parseAxis, parseWhen, price, progressText, seriesLabel, venueText } from '../../../../renderer/src/features/backtest/bt-format.ts';

describe('Backtest screen: fidelity picker and tape labels', () => {
  it('when the data is a bar series then only L3 is unavailable, with the reason that it needs a trade tape', () => {
    const why = BACKTEST_RUN_FIDELITIES.map((f) => [f, fidelityUnavailable(f, 'bars')]);
    expect(why.filter(([, r]) => r !== null).map(([f]) => f)).toEqual(['l3']);
    expect(fidelityUnavailable('l3', 'bars')).toMatch(/trade tape/);
    // Nothing picked yet: L3 still says why rather than being offered.
    expect(fidelityUnavailable('l3', undefined)).toMatch(/trade tape/);
  });

  it('when the data is a trade tape then every fidelity is available, and each has a label', () => {
    for (const f of BACKTEST_RUN_FIDELITIES) {
      expect(fidelityUnavailable(f, 'trades')).toBeNull();
      expect(FIDELITY_LABELS[f]).not.toBe('');
    }
  });

  it('when a series is listed then its label says whether it holds bars or recorded trades', () => {
    expect(seriesLabel({ name: 'ORCL', kind: 'bars', rows: 5036 })).toBe('ORCL (5036 bars)');
    expect(seriesLabel({ name: 'xrp', kind: 'trades', rows: 12477 })).toBe('xrp (trade tape, 12477 trades)');
  });

  it('when an L3 level ran then its venue line has fills, parts and denials; other levels show a dash', () => {
    const v = { tapeTrades: 2140, venueFills: 167, partiallyFilledOrders: 26, denied: 0, kernelCash: 19.69 };
    expect(venueText(v)).toBe('167 fills (26 order(s) in parts, 0 denied) on 2140 recorded trades');
    expect(levelVenue({ venue: v })).toBe(venueText(v));
    expect(levelVenue({})).toBe('–');
  });

  it('when the engine denied orders after a PMS escalation then the venue line names the reason codes and the trading state says when and why', () => {
    const v = {
      tapeTrades: 12477,
      venueFills: 194,
      partiallyFilledOrders: 30,
      denied: 136,
      kernelCash: 19.6,
      deniedBy: { REDUCING_ONLY: 136 },
      tradingState: [{ time: Date.UTC(2019, 9, 11, 6, 50, 11), mode: 'REDUCING', code: 'PMS_PNL_BREACH', message: 'daily loss 2.02% of start-of-day NAV reached 2.00%' }],
    };
    expect(deniedText(v)).toBe('136 denied: REDUCING_ONLY ×136');
    expect(venueText(v)).toBe('194 fills (30 order(s) in parts, 136 denied: REDUCING_ONLY ×136) on 12477 recorded trades');
    expect(guardText(v)).toBe('REDUCING from 2019-10-11 06:50Z (PMS_PNL_BREACH: daily loss 2.02% of start-of-day NAV reached 2.00%)');
    expect(levelGuards({ venue: { ...v, tradingState: [] } })).toBe('ACTIVE throughout');
    // A run kept before the reasons were recorded: counts only.
    expect(deniedText({ denied: 0 })).toBe('0 denied');
    expect(levelGuards({})).toBe('–');
  });

  it('when the bar lengths are offered then they ascend and the contract accepts each (1 s to 1 day)', () => {
    const ms = TAPE_BARS.map((b) => b.ms);
    expect(ms).toEqual([...ms].sort((a, b) => a - b));
    for (const m of ms) expect(m >= 1_000 && m <= 86_400_000 && Number.isInteger(m)).toBe(true);
    expect(ms).toContain(60_000);
  });

  it('when a trade price is shown then a dollar price keeps four decimals and a small crypto price four significant digits', () => {
    expect(price(31.5625)).toBe('31.5625');
    expect(price(0.00141266)).toBe('0.001413');
    expect(price(0.5)).toBe('0.5000');
    expect(price(0)).toBe('0.0000');
    expect(price(null)).toBe('–');
    expect(price(Number.NaN)).toBe('–');
  });

  it('when a window bound is typed then it reads in UTC like the CLI (no zone is UTC, never the browser’s), empty is no bound and nonsense is null', () => {
    expect(parseWhen('')).toBeUndefined();
    expect(parseWhen('2019-10-11')).toBe(Date.UTC(2019, 9, 11));
    expect(parseWhen('2019-10-11 03:00')).toBe(Date.UTC(2019, 9, 11, 3));
    expect(parseWhen('2019-10-11T03:00:30')).toBe(Date.UTC(2019, 9, 11, 3, 0, 30));
    expect(parseWhen('2019-10-11T03:00:00+02:00')).toBe(Date.UTC(2019, 9, 11, 1));
    expect(parseWhen('1570762800000')).toBe(1570762800000);
    expect(parseWhen('yesterday')).toBeNull();
    expect(parseWhen('2019-13-45')).toBeNull();
  });

  it('when a sweep axis is typed then parseAxis still reads lists and ranges', () => {
    expect(parseAxis('5:15:5')).toEqual([5, 10, 15]);
    expect(parseAxis('5,10')).toEqual([5, 10]);
  });
});

describe('Backtest screen: a run or sweep progress text', () => {
  it('when a job runs then the bar says its percent and the ETA once the host has one', () => {
    expect(progressText({ status: 'running', progress: 0, etaMs: null })).toBe('running…');
    expect(progressText({ status: 'running', progress: 0.426, etaMs: null })).toBe('42%');
    expect(progressText({ status: 'running', progress: 0.426, etaMs: 8_440 })).toBe('42% · ETA 8.4 s');
    expect(progressText({ status: 'done', progress: 1, etaMs: null })).toBe('done');
    expect(progressText({ status: 'cancelled', progress: 0, etaMs: null })).toBe('cancelled');
  });

  it('when the time left is long then the ETA reads in minutes or hours', () => {
    expect(etaText(59_949)).toBe('59.9 s');
    expect(etaText(125_000)).toBe('2 min 05 s');
    expect(etaText(3_840_000)).toBe('1 h 04 min');
    expect(etaText(-5)).toBe('0.0 s');
  });
});

describe('Backtest screen: the Data picker', () => {
  it('when two names hold one content hash then each name is listed once, in the host order', () => {
    const s = (name: string, hash: string) => ({ name, hash });
    expect(seriesOptions([s('orcl', 'h1'), s('orcl-1995-2014.txt', 'h1'), s('spy', 'h2'), s('orcl', 'h1')]).map((x) => x.name)).toEqual(['orcl', 'orcl-1995-2014.txt', 'spy']);
  });
});
