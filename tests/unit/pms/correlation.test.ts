import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averagePairwiseCorrelation,
  correlationSpike,
  covarianceToCorrelation,
  ewmaCorrelationMatrix,
  ewmaCovarianceMatrix,
  sampleCorrelationMatrix,
  sampleCovarianceMatrix,
} from '../../../src/pms/correlation.ts';
import { ewmaVariance } from '../../../src/pms/volatility.ts';

const column = (rows: number[][], j: number): number[] => rows.map((r) => r[j]!);

describe('sample covariance and correlation', () => {
  it('when y = 2x and z = −x then cov is [[1, 2, −1], [2, 4, −2], [−1, −2, 1]] and correlations are ±1', () => {
    // Arrange: x = 1, 2, 3 (var 1).
    const rows = [
      [1, 2, 3],
      [2, 4, 2],
      [3, 6, 1],
    ];
    // Act
    const cov = sampleCovarianceMatrix(rows);
    const corr = sampleCorrelationMatrix(rows);
    // Assert
    expect(cov).toEqual([
      [1, 2, -1],
      [2, 4, -2],
      [-1, -2, 1],
    ]);
    expect(corr).toEqual([
      [1, 1, -1],
      [1, 1, -1],
      [-1, -1, 1],
    ]);
    expect(averagePairwiseCorrelation(corr)).toBeCloseTo(-1 / 3, 15);
  });

  it('when two columns are unrelated by construction then their correlation is 0', () => {
    const rows = [
      [1, 1],
      [-1, 1],
      [1, -1],
      [-1, -1],
    ];
    expect(sampleCorrelationMatrix(rows)[0]![1]).toBe(0);
  });

  it('when a column is flat then its correlation with the others is 0 and its diagonal 1', () => {
    expect(covarianceToCorrelation([[1, 0], [0, 0]])).toEqual([[1, 0], [0, 1]]);
  });

  it('when the input is ragged, too short or not finite then it throws', () => {
    expect(() => sampleCovarianceMatrix([[1, 2]])).toThrow(/at least 2/);
    expect(() => sampleCovarianceMatrix([[1, 2], [3]])).toThrow(/columns/);
    expect(() => sampleCovarianceMatrix([[1, Number.NaN], [3, 4]])).toThrow(/finite/);
    expect(() => averagePairwiseCorrelation([[1]])).toThrow(RangeError);
  });
});

describe('EWMA covariance', () => {
  it('when seeded on 2 rows then one update is λ·Σ + (1 − λ)·r·rᵀ', () => {
    // seed: x = [1, 3] (var 2), y = [0, 2] (var 2), cov 2. Update with r = (2, −1), λ = 0.5.
    const cov = ewmaCovarianceMatrix(
      [
        [1, 0],
        [3, 2],
        [2, -1],
      ],
      { lambda: 0.5, seedCount: 2 },
    );
    expect(cov).toEqual([
      [0.5 * 2 + 0.5 * 4, 0.5 * 2 + 0.5 * -2],
      [0.5 * 2 + 0.5 * -2, 0.5 * 2 + 0.5 * 1],
    ]);
    expect(ewmaCorrelationMatrix([[1, 0], [3, 2], [2, -1]], { lambda: 0.5, seedCount: 2 })[0]![1]).toBeCloseTo(0, 15);
  });

  it('property: the diagonal equals ewmaVariance of each column', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((k) => fc.array(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: k, maxLength: k }), { minLength: 5, maxLength: 40 })),
        (rows) => {
          const cov = ewmaCovarianceMatrix(rows, { seedCount: 5 });
          cov.forEach((row, j) => expect(row[j]).toBeCloseTo(ewmaVariance(column(rows, j), { seedCount: 5 }), 15));
        },
      ),
    );
  });
});

describe('correlation matrix properties', () => {
  const panel = fc
    .integer({ min: 2, max: 5 })
    .chain((k) => fc.array(fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: k, maxLength: k }), { minLength: 4, maxLength: 40 }));

  it('property: sample and EWMA correlation matrices are symmetric with a unit diagonal and entries in [−1, 1]', () => {
    fc.assert(
      fc.property(panel, (rows) => {
        for (const corr of [sampleCorrelationMatrix(rows), ewmaCorrelationMatrix(rows, { seedCount: 3 })]) {
          corr.forEach((row, a) => {
            expect(row[a]).toBe(1);
            row.forEach((v, b) => {
              expect(v).toBe(corr[b]![a]);
              expect(v).toBeGreaterThanOrEqual(-1);
              expect(v).toBeLessThanOrEqual(1);
            });
          });
        }
      }),
    );
  });
});

describe('correlationSpike', () => {
  // Rows 0..7: x alternates with period 2, y with period 4 → every 4-row window has correlation 0.
  const calm = [
    [1, 1],
    [-1, 1],
    [1, -1],
    [-1, -1],
    [1, 1],
    [-1, 1],
    [1, -1],
    [-1, -1],
  ];
  const locked = [
    [1, 1],
    [-1, -1],
    [2, 2],
    [-2, -2],
  ];

  it('when the last window moves in lockstep after an uncorrelated history then it spikes by +1', () => {
    // Act: window 4 on 12 rows → baseline windows end at rows 4..8 (5 windows, all before the current one).
    const s = correlationSpike([...calm, ...locked], { window: 4 });
    // Assert
    expect(s).toMatchObject({ current: 1, baseline: 0, change: 1, spike: true, threshold: 0.2, baselineCount: 5 });
  });

  it('when the pattern carries on then there is no spike', () => {
    const s = correlationSpike([...calm, ...calm.slice(0, 4)], { window: 4 });
    expect(s.change).toBeCloseTo(0, 15);
    expect(s.spike).toBe(false);
  });

  it('when the threshold is above the change or only the last baseline window counts then that is used', () => {
    expect(correlationSpike([...calm, ...locked], { window: 4, threshold: 1.01 }).spike).toBe(false);
    expect(correlationSpike([...calm, ...locked], { window: 4, baselineWindows: 1 }).baselineCount).toBe(1);
  });

  it('when the history is shorter than two windows or has one column then it throws', () => {
    expect(() => correlationSpike(calm.slice(0, 7), { window: 4 })).toThrow(/at least 8/);
    expect(() => correlationSpike(calm.map((r) => [r[0]!]), { window: 4 })).toThrow(/2 instruments/);
  });
});
