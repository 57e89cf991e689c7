import { describe, expect, it } from 'vitest';
import { AlphaRegistry, defaultAlphaRegistry, parseParamValue } from '../../../src/signals/registry.ts';
import { SignalError } from '../../../src/signals/errors.ts';
import type { SignalErrorCode } from '../../../src/signals/errors.ts';

function codeOf(fn: () => unknown): SignalErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignalError) return e.code;
    throw e;
  }
  return undefined;
}

describe('AlphaRegistry', () => {
  it('when built by default then the four built-in kinds are registered and only the strategic allocation is on', () => {
    const r = defaultAlphaRegistry();
    expect(r.list().map((a) => [a.name, a.kind, a.enabled])).toEqual([
      ['strategic', 'strategic-allocation', true],
      ['tactical', 'tactical-regime', false],
      ['sma-cross', 'sma-cross', false],
      ['model', 'statistical-model', false],
    ]);
    expect(r.enabled().map((a) => a.name)).toEqual(['strategic']);
  });

  it('when enabled, disabled and set then the change shows and a new instance is built for a new parameter', () => {
    const r = defaultAlphaRegistry();
    r.enable('sma-cross');
    const before = r.get('sma-cross');
    const info = r.set('sma-cross', 'slow', '30');
    expect(info.params).toMatchObject({ slow: 30, fast: 1 });
    expect(r.get('sma-cross')).not.toBe(before);
    r.set('sma-cross', 'mode', 'state');
    r.set('sma-cross', 'universe', '["SPY","QQQ"]');
    r.set('sma-cross', 'weight', 0.5);
    expect(r.info('sma-cross').params).toMatchObject({ mode: 'state', universe: ['SPY', 'QQQ'], weight: 0.5 });
    r.set('strategic', 'cadence', '{"everyMs": 3600000}');
    expect(r.info('strategic').cadence).toEqual({ everyMs: 3_600_000 });
    r.disable('strategic');
    expect(r.enabled().map((a) => a.name)).toEqual(['sma-cross']);
  });

  it('when a record entry is set by a dotted path then the whole record is re-validated', () => {
    const r = defaultAlphaRegistry();
    // The default policy (SPY 0.25, BTC 0.05, ETH 0.05, CASH 0.65) with SPY 0.5 would not sum to 1.
    expect(codeOf(() => r.set('strategic', 'targets.SPY', '0.5'))).toBe('BAD_PARAM');
    expect(r.info('strategic').params).toMatchObject({ targets: { SPY: 0.25, 'BTC/USDT': 0.05, 'ETH/USDT': 0.05, CASH: 0.65 } });
    r.set('strategic', 'targets', '{"SPY":0.5,"TLT":0.3,"CASH":0.2}');
    r.set('strategic', 'targets.GLD', '0');
    expect(r.info('strategic').params).toMatchObject({ targets: { SPY: 0.5, TLT: 0.3, CASH: 0.2, GLD: 0 } });
  });

  it('when the request is bad then it fails with a code and the registry is unchanged', () => {
    const r = defaultAlphaRegistry();
    const before = JSON.stringify(r.list());
    expect(codeOf(() => r.enable('nope'))).toBe('UNKNOWN_ALPHA');
    expect(codeOf(() => r.set('sma-cross', 'colour', 'red'))).toBe('UNKNOWN_PARAM');
    expect(codeOf(() => r.set('sma-cross', 'slow', '1'))).toBe('BAD_PARAM');
    expect(codeOf(() => r.set('sma-cross', 'fast', '40'))).toBe('BAD_PARAM');
    expect(codeOf(() => r.set('tactical', 'weight', '-1'))).toBe('BAD_PARAM');
    expect(codeOf(() => r.set('tactical', 'urgency', 'whenever'))).toBe('BAD_PARAM');
    expect(codeOf(() => r.add('strategic', 'sma-cross'))).toBe('DUPLICATE_ALPHA');
    expect(codeOf(() => r.add('x', 'astrology'))).toBe('UNKNOWN_ALPHA');
    expect(codeOf(() => r.add('bad name!', 'sma-cross'))).toBe('BAD_PARAM');
    expect(JSON.stringify(r.list())).toBe(before);
  });

  it('when a BAD_PARAM is raised then its issues name the parameter', () => {
    const r = new AlphaRegistry();
    try {
      r.add('s', 'sma-cross', { slow: 'fifteen' });
      expect.unreachable();
    } catch (e) {
      expect((e as SignalError).code).toBe('BAD_PARAM');
      expect((e as SignalError).issues[0]!.path).toBe('slow');
    }
  });

  it('when the configuration is exported and imported into a fresh registry then names, switches and parameters come back', () => {
    const r = defaultAlphaRegistry();
    r.enable('sma-cross');
    r.set('sma-cross', 'slow', '40');
    r.disable('strategic');
    r.add('fast-cross', 'sma-cross', { fast: 5, slow: 10, mode: 'state' }, true);
    const saved = JSON.parse(JSON.stringify(r.exportConfig())) as ReturnType<typeof r.exportConfig>;
    const fresh = defaultAlphaRegistry();
    fresh.importConfig(saved);
    expect(fresh.list().map((a) => [a.name, a.enabled, a.params])).toEqual(r.list().map((a) => [a.name, a.enabled, a.params]));
  });

  it('when an imported configuration holds a bad entry then the import fails and the registry keeps what it had', () => {
    const r = defaultAlphaRegistry();
    const before = JSON.stringify(r.exportConfig());
    const saved = r.exportConfig().map((c) => ({ ...c, enabled: !c.enabled }));
    saved.push({ name: 'x', kind: 'sma-cross', enabled: true, params: { weight: 1, cadence: 'bar', urgency: 'low', slow: 1 } as never });
    expect(codeOf(() => r.importConfig(saved))).toBe('BAD_PARAM');
    expect(JSON.stringify(r.exportConfig())).toBe(before);
  });

  it('parseParamValue reads JSON when it parses and keeps other text as is', () => {
    expect(parseParamValue('0.25')).toBe(0.25);
    expect(parseParamValue('true')).toBe(true);
    expect(parseParamValue('weekly')).toBe('weekly');
    expect(parseParamValue(3)).toBe(3);
  });
});
