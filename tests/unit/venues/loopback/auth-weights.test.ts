import { describe, expect, it } from 'vitest';
import { sign, verifySigned } from '../../../../src/venues/loopback/auth.ts';
import { WeightCounter } from '../../../../src/venues/loopback/weights.ts';

const secrets = new Map([['key-1', 'secret-1']]);
const signed = (q: string, secret = 'secret-1') => `${q}&signature=${sign(q, secret)}`;

describe('loopback signatures (Binance rules)', () => {
  const now = 1_700_000_000_000;
  it('when the signature, key and timestamp are right then the request is the account\'s', () => {
    expect(verifySigned({ apiKey: 'key-1', payload: signed(`symbol=BTCUSDT&timestamp=${now}&recvWindow=5000`), serverTime: now + 10 }, secrets)).toEqual({ ok: true, apiKey: 'key-1' });
  });
  it('when the key is missing, unknown, or the signature wrong then -2014, -2015, -1022', () => {
    const q = `timestamp=${now}`;
    expect(verifySigned({ apiKey: undefined, payload: signed(q), serverTime: now }, secrets)).toMatchObject({ code: -2014 });
    expect(verifySigned({ apiKey: 'key-2', payload: signed(q), serverTime: now }, secrets)).toMatchObject({ code: -2015 });
    expect(verifySigned({ apiKey: 'key-1', payload: signed(q, 'other'), serverTime: now }, secrets)).toMatchObject({ code: -1022 });
    expect(verifySigned({ apiKey: 'key-1', payload: signed(q).replace('timestamp=', 'timestamp=1'), serverTime: now }, secrets)).toMatchObject({ code: -1022 });
  });
  it('when the timestamp is over 1 s ahead or older than recvWindow then -1021', () => {
    expect(verifySigned({ apiKey: 'key-1', payload: signed(`timestamp=${now + 1_500}`), serverTime: now }, secrets)).toMatchObject({ code: -1021 });
    expect(verifySigned({ apiKey: 'key-1', payload: signed(`timestamp=${now - 6_000}&recvWindow=5000`), serverTime: now }, secrets)).toMatchObject({ code: -1021 });
  });
});

describe('loopback request weights', () => {
  it('when an IP goes over its window then 429 with the seconds left; when it ignores that then 418 for the ban', () => {
    const w = new WeightCounter({ limit: 10, windowMs: 60_000, banSeconds: 120 });
    const t0 = 60_000 * 100;
    expect(w.charge('a', 6, '/x', t0)).toMatchObject({ ok: true, used: 6 });
    expect(w.charge('b', 6, '/x', t0)).toMatchObject({ ok: true, used: 6 });
    expect(w.charge('a', 6, '/x', t0 + 15_000)).toMatchObject({ ok: false, status: 429, retryAfterSec: 45 });
    expect(w.charge('a', 1, '/x', t0 + 16_000)).toMatchObject({ ok: false, status: 418, retryAfterSec: 120 });
    expect(w.charge('a', 1, '/x', t0 + 61_000)).toMatchObject({ ok: false, status: 418 });
    expect(w.charge('a', 1, '/x', t0 + 16_000 + 120_000)).toMatchObject({ ok: true, used: 1 });
    expect(w.charge('b', 4, '/x', t0 + 30_000)).toMatchObject({ ok: true, used: 10 });
  });
  it('when asked then the largest weight in any sliding window is reported', () => {
    const w = new WeightCounter({ limit: 100, windowMs: 1_000, banSeconds: 1 });
    w.charge('a', 5, '/x', 0);
    w.charge('a', 5, '/x', 900);
    w.charge('a', 5, '/x', 1_800);
    expect(w.maxInAnyWindow(1_000)).toBe(10);
    expect(w.maxInAnyWindow(2_000)).toBe(15);
  });
});
