import { describe, expect, it } from 'vitest';
import { buildTsquery, buildTsvector, tokenize } from './resources.search.js';

const lexemes = (s: string) => tokenize(s).map((t) => t.lexeme);

describe('tokenize', () => {
  it.each([
    ['初中数学复习课件', ['初中', '中数', '数学', '学复', '复习', '习课', '课件', '件']],
    ['数', ['数']],
    ['Unit 3 英语', ['unit', '3', '英语', '语']],
    ['Unit3', ['unit', '3']],
    ['2025年期中', ['2025', '年期', '期中', '中']],
    ['２０２５ ＵＮＩＴ', ['2025', 'unit']],
    ['STEAM/无人机!', ['steam', '无人', '人机', '机']],
    ['  ——。', []],
  ])('%s', (text, expected) => {
    expect(lexemes(text)).toEqual(expected);
  });
});

describe('buildTsvector', () => {
  it('weights fields and numbers positions across them', () => {
    expect(
      buildTsvector([
        { text: '数学', weight: 'A' },
        { text: 'Unit', weight: 'C' },
      ]),
    ).toBe("'数学':1A '学':2A 'unit':4C");
  });
  it('merges repeated lexemes into one entry', () => {
    expect(buildTsvector([{ text: '数学 数学', weight: 'B' }])).toBe("'数学':1B,3B '学':2B,4B");
  });
  it('escapes quotes and backslashes even though tokenisation removes them', () => {
    expect(buildTsvector([{ text: "it's a\\b", weight: 'A' }])).toBe("'it':1A 's':2A 'a':3A 'b':4A");
  });
});

describe('buildTsquery', () => {
  it.each([
    ['数学', "'数学'"],
    ['数', "'数':*"],
    ['数学复习', "('数学' <-> '学复' <-> '复习')"],
    ['Unit 3 英语', "'unit':* & '3' & '英语'"],
    ['2025 期中', "'2025' & '期中'"],
    ["'; drop table x --", "'drop':* & 'table':* & 'x':*"],
    ['！？。', null],
    ['', null],
  ])('%s', (q, expected) => {
    expect(buildTsquery(q)).toBe(expected);
  });
});
