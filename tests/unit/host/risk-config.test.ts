import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RiskConfigError, loadRiskConfig } from '../../../src/host/risk-config.ts';
import { DEFAULT_FLAG_THRESHOLDS } from '../../../src/pms/flags.ts';
import { DEFAULT_BREAKERS } from '../../../src/risk/circuit-breakers.ts';
import { DEFAULT_TIERS } from '../../../src/risk/tiers.ts';

function dirWith(text?: string): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-riskcfg-'));
  if (text !== undefined) writeFileSync(join(d, 'risk-config.json'), text);
  return d;
}

describe('risk-config.json', () => {
  it('when there is no file then the defaults apply', () => {
    expect(loadRiskConfig(dirWith())).toEqual({ risk: {}, pms: {}, path: null });
  });

  it('when a file sets some fields then they are merged over the defaults', () => {
    const c = loadRiskConfig(
      dirWith(
        JSON.stringify({
          softPolicy: { api: 'allow' },
          tiers: { medium: { deferred: ['spread', 'price_band'] } },
          breakers: { dailyDrawdown: { haltPct: 3 }, instrumentMove: { windowMinutes: 10 } },
          pms: { intervalMs: 5000, escalate: false, thresholds: { concentration: { warning: 0.5 } } },
        }),
      ),
    );
    expect(c.risk.gate!.softPolicy).toEqual({ manual: 'confirm', api: 'allow', signal: 'deny' });
    expect(c.risk.gate!.tiers.byUrgency.medium.deferred).toEqual(['spread', 'price_band']);
    expect(c.risk.gate!.tiers.byUrgency.immediate).toEqual(DEFAULT_TIERS.byUrgency.immediate);
    expect(c.risk.breakers!.dailyDrawdown.haltPct).toBe(3);
    expect(c.risk.breakers!.instrumentMove).toMatchObject({ windowMs: 600_000, movePct: DEFAULT_BREAKERS.instrumentMove.movePct });
    expect(c.pms).toMatchObject({ intervalMs: 5000, escalate: false });
    expect(c.pms.config!.thresholds!.concentration).toEqual({ warning: 0.5 });
    expect(c.pms.config!.thresholds!.leverage).toEqual(DEFAULT_FLAG_THRESHOLDS.leverage);
  });

  it('when the file is malformed then loading fails with the path of every problem', () => {
    expect(() => loadRiskConfig(dirWith('{ nope'))).toThrow(RiskConfigError);
    const err = (() => {
      try {
        loadRiskConfig(dirWith(JSON.stringify({ softPolicy: { api: 'maybe' }, breakers: { orderRate: { maxPerMinute: -1 } }, extra: 1 })));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RiskConfigError);
    expect(err!.message).toMatch(/softPolicy\.api/);
    expect(err!.message).toMatch(/breakers\.orderRate\.maxPerMinute/);
    expect(err!.message).toMatch(/extra/);
  });

  it('when tiers name an unknown check then the merged configuration is refused', () => {
    expect(() => loadRiskConfig(dirWith(JSON.stringify({ tiers: { low: { deferred: ['astrology'] } } })))).toThrow(/deferred/);
  });
});
