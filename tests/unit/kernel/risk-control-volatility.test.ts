import { describe, expect, it } from 'vitest';
import { volatilityRig } from '../../fixtures/engine/risk-control-rig.ts';

/**
 * The volatility regime L1 scales limits by: the baseline is the mean of the last hour of
 * once-a-second samples (kept from the 300th), summed when a sample is added rather than on every
 * order; each check compares the current short-term volatility with it.
 */

describe('RiskControl volatility baseline', () => {
  it('when fewer than 300 samples exist then the regime is unknown; from the 300th the ratio is current over their mean', () => {
    const r = volatilityRig();
    r.tick(299);
    expect(r.regime().regime).toBe('unknown');
    r.tick(1);
    r.setVol(3);
    expect(r.regime()).toMatchObject({ regime: 'high', ratio: 3 });
  });

  it('when more than an hour of samples exist then the baseline is the mean of the last 3,600 only', () => {
    const r = volatilityRig();
    r.setVol(4);
    r.tick(600);
    r.setVol(1);
    r.tick(3600);
    // The four-valued samples have left the window: the baseline is 1.
    r.setVol(1.2);
    expect(r.regime()).toMatchObject({ regime: 'normal', ratio: 1.2 });
  });

  it('when the shared rule says the volatility is not known yet then the regime is unknown, however many samples L1 has', () => {
    const r = volatilityRig();
    r.setKnown(false);
    r.tick(400);
    r.setVol(3);
    expect(r.regime()).toMatchObject({ regime: 'unknown', ratio: null, factor: 1 });
    r.setKnown(true);
    expect(r.regime()).toMatchObject({ regime: 'high', ratio: 3 });
  });
});
