import { describe, expect, it } from 'vitest';
import { BACKTEST_RUN_FIDELITIES } from '../../../../src/contract/index.ts';
import { BAR_CASH, FIDELITY_LABELS, TAPE_BARS, assumptionRows, fix, fixed, pct, tapeCash, cashText, deskGuardsText, jobResultText, sweepResultText, deniedText, etaText, seriesOptions, fidelityUnavailable, guardText, levelGuards, levelVenue, parseAxis, parseWhen, price, progressText, seriesLabel, venueText } from '../../../../renderer/src/features/backtest/bt-format.ts';

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

describe('Backtest screen: a run’s assumptions and a job’s end', () => {
  const run = {
    summary: { id: 3, createdAt: 0, strategy: 'sma-cross', params: {}, fidelity: 'l3', dataName: 'xrp', finalValue: 1, totalReturn: 0, sharpe: null, maxDrawdown: 0, engineVersion: '0.1.0', engineBuild: 'abcdef123456' },
    metrics: [{ name: 'total return', value: '0%', fidelity: 'l3', fills: 'venue fills at the recorded flow' }],
    costs: 'fees 0.1%',
    assumptions: { cash: '20', currency: 'ETH', commission: '0.001', sizing: 'fixed:3000', haircutBps: 0, spreadBps: null, impactK: null, seed: 3, deskGuards: true, instrument: 'XRP/ETH', urgency: 'immediate', barMs: 60_000, latencyMs: 4, fromMs: null, toMs: null },
  };

  it('when a run is shown then its assumptions name desk guards, cash with its currency, seed and build beside fidelity, fills and costs', () => {
    const rows = Object.fromEntries(assumptionRows(run));
    expect(rows).toMatchObject({ fidelity: 'l3', 'fill assumption': 'venue fills at the recorded flow', 'cost model': 'fees 0.1%', 'desk guards': 'on (PMS escalation, circuit breakers)', cash: '20.00 ETH', commission: '0.1% of traded value', 'bar length': '1 min', latency: '4 ms', seed: '3', build: '0.1.0 build abcdef123456' });
    expect(Object.fromEntries(assumptionRows({ ...run, assumptions: { ...run.assumptions, deskGuards: false } }))['desk guards']).toBe('off');
    expect(deskGuardsText(null)).toBe('n/a (below L3)');
    expect(cashText({ cash: '100000', currency: null })).toBe("100,000.00 (the data's currency)");
  });

  it('when a job ends then one line says how: finished or cancelled with the time, failed with its code and message; nothing while it runs', () => {
    expect(jobResultText({ status: 'done', elapsedMs: 2400, error: null })).toBe('finished in 2.4 s');
    expect(jobResultText({ status: 'cancelled', elapsedMs: 65_000, error: null })).toBe('cancelled after 1 min 05 s');
    expect(jobResultText({ status: 'failed', error: 'BAD_FILE: line 3: NaN' })).toBe('failed: BAD_FILE: line 3: NaN');
    expect(jobResultText({ status: 'running', error: null })).toBeNull();
    expect(sweepResultText({ status: 'done', done: 4, total: 4, error: null }, { points: 4, rows: [1, 2, 3, 4], seconds: 1.5 })).toBe('finished: 4 points in 1.5 s');
    expect(sweepResultText({ status: 'cancelled', done: 2, total: 4, error: null }, { points: 4, rows: [1, 2], seconds: 1 })).toBe('cancelled: 2 of 4 points in 1.0 s');
  });
});

describe('Backtest screen: the Cash default follows the data', () => {
  it('when a tape is picked then its default cash is a small amount of its quote, never the bar default', () => {
    expect(tapeCash('ETH')).toBe('3');
    expect(tapeCash('BTC')).toBe('0.05');
    expect(tapeCash('USDT')).toBe('500');
    expect(tapeCash(undefined)).toBe('500');
    expect(BAR_CASH).toBe('100000');
  });
});

describe('numbers that round to zero', () => {
  it('read without a minus sign: a heatmap cell of −0.03% at one decimal is "0.0", and a real loss keeps its sign', () => {
    expect(fixed(-0.0003, 1)).toBe('0.0');
    expect(fixed(-0, 2)).toBe('0.00');
    expect(fixed(-0.06, 1)).toBe('-0.1');
    expect(pct(-0.0000268)).toBe('0.00%');
    expect(fix(-0.004)).toBe('0.00');
    expect(fix(-0.006)).toBe('-0.01');
  });
});
