import { describe, expect, it } from 'vitest';
import { formatFigure } from '../../shared/dashboard.format';
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

describe('the dashboard writes points and hours as the rest of the UI', () => {
  it('one decimal and thousands separators on its figures, in both languages', () => {
    expect(formatFigure(1824, 'score')).toBe(`${points(1824)}分`);
    expect(formatFigure(1824, 'score', 'en')).toBe(`${points(1824)} points`);
    expect(formatFigure(87.25, 'score', 'en')).toBe('87.3 points');
    expect(formatFigure(1824.5, 'hours')).toBe(`${hours(1824.5)}小时`);
    expect(formatFigure(12, 'hours', 'en')).toBe('12.0 hours');
    expect(formatFigure(-0.04, 'score')).toBe('0.0分');
    expect(formatFigure(null, 'score')).toBe('—');
  });

  it('the large sums still read as 万 or with thousands separators', () => {
    expect(formatFigure(440000, 'hours')).toBe('44万小时');
    expect(formatFigure(440000, 'hours', 'en')).toBe('440,000 hours');
  });
});
