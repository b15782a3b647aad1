import { describe, expect, it } from 'vitest';
import { gradeName } from './grades.js';

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
