import { describe, expect, it } from 'vitest';
import {
  analyseFormula,
  evaluate,
  parse,
  parseUnit,
  tokenize,
  unitText,
  FormulaError,
} from '../../../shared/assessment.formula.js';

const series = {
  sync_classes: { unit: parseUnit('session') },
  member_schools: { unit: parseUnit('school') },
  exchange_hours: { unit: parseUnit('hour') },
  teachers: { unit: parseUnit('person') },
  master_teachers: { unit: parseUnit('person') },
};
const run = (src: string, values: Record<string, number | null>) => evaluate(parse(src), values);

describe('formula tokenizer and parser', () => {
  it('reads numbers, names, operators (also × ÷ and full-width brackets)', () => {
    expect(tokenize('1.5 + x×2 ÷ （y）').map((t) => ('v' in t ? t.v : t.t))).toEqual([
      1.5,
      '+',
      'x',
      '*',
      2,
      '/',
      'lp',
      'y',
      'rp',
    ]);
  });
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['-2 * -3', 6],
    ['10 - 4 - 3', 3],
    ['2 * 3 > 5', 1],
    ['min(3, 1, 2) + max(1, 4)', 5],
    ['if(0, 1, 2)', 2],
    ['safe_div(1, 0)', 0],
    ['safe_div(1, 0, 7)', 7],
    ['safe_div(9, 3)', 3],
    ['round(2.345, 2)', 2.35],
    ['abs(-4)', 4],
  ])('%s = %d', (src, want) => {
    expect(run(src, {})).toBeCloseTo(want, 10);
  });
  it('uses series values and yields null when a series has no value', () => {
    expect(run('sync_classes / max(member_schools, 1)', { sync_classes: 30, member_schools: 3 })).toBe(10);
    expect(run('sync_classes + 1', { sync_classes: null })).toBeNull();
  });
  it.each([
    ['1 +', 'syntax'],
    ['(1 + 2', 'syntax'],
    ['1 $ 2', 'syntax'],
    ['foo(1)', 'unknown_function'],
    ['min(1)', 'arity'],
    ['', 'syntax'],
    ['1 2', 'syntax'],
  ])('rejects %j with %s', (src, code) => {
    try {
      parse(src);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FormulaError);
      expect((err as FormulaError).issue.code).toBe(code);
    }
  });
});

describe('formula checks', () => {
  const codes = (src: string) => analyseFormula(src, series).issues.map((i) => i.code);
  it.each([
    ['sync_classes / member_schools', ['unguarded_division']],
    ['safe_div(sync_classes, member_schools)', []],
    ['if(member_schools > 0, sync_classes / member_schools, 0)', []],
    ['if(member_schools != 0, sync_classes / member_schools, 0)', []],
    ['if(member_schools > 0, 0, sync_classes / member_schools)', ['unguarded_division']],
    ['sync_classes / max(member_schools, 1)', []],
    ['sync_classes / 2', []],
    ['sync_classes / 0', ['unguarded_division']],
    ['unknown_thing + 1', ['unknown_series']],
    ['sync_classes + exchange_hours', ['unit_mismatch']],
    ['max(teachers, exchange_hours)', ['unit_mismatch']],
    ['master_teachers + teachers', []],
    ['safe_div(master_teachers, teachers) * 100', []],
  ])('%s → %j', (src, want) => {
    expect(codes(src)).toEqual(want);
  });
  it('derives the unit of the result', () => {
    expect(unitText(analyseFormula('safe_div(sync_classes, member_schools)', series).unit)).toBe('session/school');
    expect(unitText(analyseFormula('safe_div(master_teachers, teachers) * 100', series).unit)).toBe('1');
    expect(analyseFormula('safe_div(exchange_hours, teachers)', series).series.sort()).toEqual([
      'exchange_hours',
      'teachers',
    ]);
  });
});
