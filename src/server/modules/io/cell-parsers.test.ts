import { describe, expect, it } from 'vitest';
import { code, date, dateParts, yearMonth, yearOf, yesNo } from './cell-parsers.js';

const value = (r: ReturnType<typeof code>) => (r.ok ? r.value : `ERR ${r.zh}`);

describe('codes are text', () => {
  it('keeps text cells exactly, leading zeros and letters included', () => {
    expect(value(code('330481198004240022'))).toBe('330481198004240022');
    expect(value(code('33048119800424002X'))).toBe('33048119800424002X');
    expect(value(code('0012'))).toBe('0012');
  });
  it('reads a number cell that holds the code exactly', () => {
    expect(value(code(3304810001))).toBe('3304810001');
    expect(value(code(123456789012345))).toBe('123456789012345');
  });
  it('refuses a number cell with more than 15 significant digits, saying how to fix it', () => {
    const r = code(Number('330481198004240022')); // what Excel stores: 330481198004240000
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.zh).toContain('330481198004240000');
      expect(r.zh).toContain('将该列设置为"文本"格式后重新录入，或使用模板');
      expect(r.en).toContain('Text');
    }
  });
  it('refuses scientific notation and fractions', () => {
    expect(code('3.30481E+17').ok).toBe(false);
    expect(code('3.30481e17').ok).toBe(false);
    expect(code(12.5).ok).toBe(false);
    expect(code(new Date(Date.UTC(2020, 0, 1))).ok).toBe(false);
  });
});

describe('dates in every form bureaus type', () => {
  const sept1 = { year: 2025, month: 9, day: 1 };
  it.each([
    [new Date(Date.UTC(2025, 8, 1)), sept1],
    [45901, sept1], // Excel serial of 2025-09-01
    ['45901', sept1],
    ['2025-09-01', sept1],
    ['2025.9.1', sept1],
    ['2025/9/1', sept1],
    ['2025年9月1日', sept1],
    ['20250901', sept1],
    [20250901, sept1],
    ['2025-09', { year: 2025, month: 9, day: null }],
    ['2025.9', { year: 2025, month: 9, day: null }],
    ['2025年9月', { year: 2025, month: 9, day: null }],
    ['202509', { year: 2025, month: 9, day: null }],
    [202509, { year: 2025, month: 9, day: null }],
    [2025, { year: 2025, month: null, day: null }],
    ['2025年', { year: 2025, month: null, day: null }],
  ])('%s', (cell, parts) => {
    expect(dateParts(cell)).toEqual(parts);
  });
  it('refuses what is not a date', () => {
    for (const c of ['2025-13-01', '2025-02-30', '九月', '25.9.1', 'abc', 5])
      expect(dateParts(c), String(c)).toBeNull();
  });
  it('a year field takes the year of a date, and a date cell is not a serial-number year', () => {
    expect(value(yearOf(new Date(Date.UTC(1980, 3, 24))))).toBe(1980);
    expect(value(yearOf(29335))).toBe(1980); // the serial of 1980-04-24, as a date cell read without styles
    expect(value(yearOf('1980.4'))).toBe(1980);
    expect(value(yearOf('198004'))).toBe(1980);
    expect(value(yearOf(1980))).toBe(1980);
    expect(yearOf('八十年代').ok).toBe(false);
  });
  it('a date field wants the day, a year-month field takes the month', () => {
    expect(value(date('2025/9/1'))).toBe('2025-09-01');
    expect(date('2025-09').ok).toBe(false);
    expect(value(yearMonth('2025年9月1日'))).toBe('2025-09');
    expect(value(yearMonth(45901))).toBe('2025-09');
  });
});

describe('yes and no', () => {
  it('reads 是/否/√/×, and a blank as no answer', () => {
    expect(value(yesNo('是'))).toBe(true);
    expect(value(yesNo('√'))).toBe(true);
    expect(value(yesNo('否'))).toBe(false);
    expect(value(yesNo('×'))).toBe(false);
    expect(value(yesNo(null))).toBe(null);
  });
});
