import { describe, expect, it } from 'vitest';
import { gradeFromWords, gradeName } from './grades.js';

describe('gradeName', () => {
  it.each([
    [6, 'zh', '六年级'],
    ['3', 'zh', '三年级'],
    [9, 'zh', '九年级'],
    [10, 'zh', '高一'],
    [6, 'en', 'Grade 6'],
    [0, 'zh', '0'],
  ] as const)('%s (%s) → %s', (g, lang, want) => {
    expect(gradeName(g, lang)).toBe(want);
  });
});

describe('gradeFromWords', () => {
  it('reads what bureaus write, the inverse of gradeName', () => {
    for (const g of [1, 6, 9, 10, 12]) expect(gradeFromWords(gradeName(g))).toBe(g);
    expect(gradeFromWords('六')).toBe(6);
    expect(gradeFromWords('初一')).toBe(7);
    expect(gradeFromWords(' 6 ')).toBe(6);
    expect(gradeFromWords('七年级')).toBe(7);
    expect(gradeFromWords('大一')).toBeNull();
  });
});
