import { describe, expect, it } from 'vitest';
import { differenceInDifferences, invert, olsClustered, readDid, tCdf, tQuantile, type DidUnit } from './did.engine.js';

describe('OLS with clustered standard errors', () => {
  it('recovers a simple regression line (worked by hand: slope 1.1, intercept 1.1)', () => {
    const fit = olsClustered(
      [
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 3],
      ],
      [1, 3, 2, 5],
      [1, 2, 3, 4],
    )!;
    expect(fit.beta[0]).toBeCloseTo(1.1, 10);
    expect(fit.beta[1]).toBeCloseTo(1.1, 10);
    // residuals −0.1, 0.8, −1.3, 0.6 sum to zero
    expect(fit.residuals.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
    expect(fit.clusters).toBe(4);
  });

  it('refuses a singular design', () => {
    expect(
      olsClustered(
        [
          [1, 2],
          [1, 2],
          [1, 2],
        ],
        [1, 2, 3],
        [1, 2, 3],
      ),
    ).toBeNull();
    expect(
      invert([
        [1, 2],
        [2, 4],
      ]),
    ).toBeNull();
  });

  it('inverts a matrix', () => {
    const inv = invert([
      [4, 7],
      [2, 6],
    ])!;
    expect(inv[0]![0]).toBeCloseTo(0.6, 10);
    expect(inv[0]![1]).toBeCloseTo(-0.7, 10);
    expect(inv[1]![0]).toBeCloseTo(-0.2, 10);
    expect(inv[1]![1]).toBeCloseTo(0.4, 10);
  });
});

describe("Student's t", () => {
  it.each([
    [0.975, 3, 3.182446],
    [0.975, 30, 2.042272],
    [0.95, 10, 1.812461],
    [0.5, 7, 0],
  ])('quantile(%f, df %i) = %f', (p, df, expected) => {
    expect(tQuantile(p, df)).toBeCloseTo(expected, 5);
  });
  it('cdf is symmetric', () => {
    expect(tCdf(1.5, 6) + tCdf(-1.5, 6)).toBeCloseTo(1, 12);
  });
});

describe('difference in differences — worked example', () => {
  /*
   * Gap (points behind the core schools) of four schools:
   *   joined A 10 → 6, B 12 → 7 (mean 11 → 6.5, change −4.5)
   *   unchanged C 8 → 7, D 6 → 6 (mean 7 → 6.5, change −0.5)
   * DiD = −4.5 − (−0.5) = −4.0.
   * b3 is Σ wᵢ yᵢ with w = ±½, so its CR0 variance is Σ_g (Σ wᵢ eᵢ)²: residuals around the cell means
   * give ±0.25 per school → 4 × 0.0625 = 0.25. CR1 factor G/(G−1)·(N−1)/(N−K) = 4/3 · 7/4 = 7/3,
   * variance 0.58333, SE 0.763763; t(0.975, 3) = 3.182446 → CI −4 ± 2.430590.
   */
  const units: DidUnit[] = [
    { school: 1, treated: true, before: 10, after: 6, nBefore: 40, nAfter: 42 },
    { school: 2, treated: true, before: 12, after: 7, nBefore: 35, nAfter: 36 },
    { school: 3, treated: false, before: 8, after: 7, nBefore: 50, nAfter: 48 },
    { school: 4, treated: false, before: 6, after: 6, nBefore: 30, nAfter: 31 },
  ];

  it('matches the hand computation', () => {
    const r = differenceInDifferences(units);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result.estimate).toBeCloseTo(-4, 10);
    expect(r.result.se).toBeCloseTo(0.763763, 5);
    expect(r.result.ciLow).toBeCloseTo(-6.43059, 4);
    expect(r.result.ciHigh).toBeCloseTo(-1.56941, 4);
    expect(r.result.df).toBe(3);
    expect(r.result.groupMeans).toEqual({ treatedBefore: 11, treatedAfter: 6.5, controlBefore: 7, controlAfter: 6.5 });
    expect(r.result.treatedStudents).toBe(153);
    expect(r.result.controlStudents).toBe(159);
    expect(r.result.pValue).toBeGreaterThan(0);
    expect(r.result.pValue).toBeLessThan(0.05);
  });

  it('reads it in plain Chinese', () => {
    const r = differenceInDifferences(units);
    if (!r.ok) throw new Error('refused');
    const text = readDid(r.result, { zh: '核心校', en: 'the core schools' });
    expect(text.zh).toContain('多缩小了 4.00 分');
    expect(text.zh).toContain('95% 置信区间 -6.43 至 -1.57 分');
    expect(text.zh).toContain('不大可能只是偶然');
    expect(text.en).toContain('narrowed by a further 4.00 points');
  });

  it.each([
    ['no_treated', units.map((u) => ({ ...u, treated: false }))],
    ['no_control', units.map((u) => ({ ...u, treated: true }))],
    ['too_few_schools', units.slice(1)],
  ])('refuses with a reason: %s', (code, data) => {
    const r = differenceInDifferences(data);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.code).toBe(code);
      expect(r.refusal.reason.length).toBeGreaterThan(5);
    }
  });
});
