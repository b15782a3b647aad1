import { describe, expect, it } from 'vitest';
import { toNumber } from './exact.js';

describe('exact rationals to numbers', () => {
  it('keeps small values exact', () => {
    expect(toNumber({ n: 1n, d: 3n })).toBe(1 / 3);
    expect(toNumber({ n: -7n, d: 2n })).toBe(-3.5);
  });

  it('gives a number, not NaN, when numerator and denominator are past the double range', () => {
    // a province's exact sums: both terms far beyond 1e308, their ratio an ordinary number
    const big = 10n ** 400n;
    expect(toNumber({ n: 3n * big + 1n, d: 2n * big })).toBeCloseTo(1.5, 12);
    expect(toNumber({ n: -big, d: 4n * big })).toBeCloseTo(-0.25, 12);
    expect(toNumber({ n: big * big, d: 3n })).toBe(Infinity);
  });
});
