import { describe, expect, it } from 'vitest';
import { hours, points } from './labels';

describe('points formatter', () => {
  it('writes every score with one decimal and thousands separators', () => {
    expect(points(1824)).toBe('1,824.0');
    expect(points(1824.004)).toBe('1,824.0');
    expect(points(87.25)).toBe('87.3');
    expect(points(0)).toBe('0.0');
  });

  it('writes a dash for a missing or broken value', () => {
    expect(points(null)).toBe('—');
    expect(points(undefined)).toBe('—');
    expect(points(Number.NaN)).toBe('—');
  });

  it('matches hours, so the two never sit side by side with different decimals', () => {
    expect(points(1824)).toBe(hours(1824));
  });
});
