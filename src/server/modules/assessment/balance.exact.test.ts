import { describe, expect, it } from 'vitest';
import { BALANCE_INDICATORS, type BalanceIndicator } from '../../../shared/assessment.schemas.js';
import {
  BALANCE_THRESHOLDS,
  checkStandard,
  differenceCoefficient,
  resourceRatiosExact,
  showValue,
  stageCoefficients,
  type SchoolResources,
  type Stage,
} from './balance.rules.js';

/** Which input field feeds each indicator, and whether it is a count (integer) per 100 pupils. */
const FIELD: Record<BalanceIndicator, { key: keyof SchoolResources; per100: boolean }> = {
  qualified_teachers: { key: 'teachersAboveQualification', per100: true },
  backbone_teachers: { key: 'backboneTeachers', per100: true },
  pe_art_teachers: { key: 'peArtTeachers', per100: true },
  teaching_area: { key: 'teachingAuxArea', per100: false },
  sports_area: { key: 'sportsGroundArea', per100: false },
  equipment_value: { key: 'equipmentValue', per100: false },
  multimedia_rooms: { key: 'multimediaClassrooms', per100: true },
};

/** A school meeting every standard of the stage generously, with one indicator set to `amount`. */
function school(stage: Stage, n: number, ind: BalanceIndicator, amount: number): SchoolResources {
  const r: SchoolResources = {
    students: n,
    teachersAboveQualification: n,
    backboneTeachers: n,
    peArtTeachers: n,
    teachingAuxArea: 100 * n,
    sportsGroundArea: 100 * n,
    equipmentValue: 10_000 * n,
    multimediaClassrooms: n,
  };
  void stage;
  return { ...r, [FIELD[ind].key]: amount };
}

/** Decimal arithmetic on strings with 2 places, the way a user types an area. */
const cents = (x: bigint) => Number(`${x / 100n}.${(x % 100n).toString().padStart(2, '0')}`);
const tenths = (t: number) => BigInt(Math.round(t * 10)); // every threshold has at most one decimal

const SIZES = Array.from({ length: 3000 - 50 + 1 }, (_, i) => 50 + i);

describe('every indicator at, just below and just above its standard, schools of 50 to 3,000 pupils', () => {
  for (const stage of ['primary', 'junior'] as const) {
    for (const ind of BALANCE_INDICATORS) {
      it(`${stage} ${ind}`, () => {
        const t = BALANCE_THRESHOLDS[stage][ind];
        const failures: string[] = [];
        const check = (n: number, amount: number, expectMet: boolean) => {
          const values = resourceRatiosExact(school(stage, n, ind, amount));
          const c = checkStandard(values, stage);
          const met = c.verdicts[ind] === 'met';
          const shown = Number(showValue(values[ind]));
          if (met !== expectMet || shown >= t !== met)
            failures.push(`${n} pupils, ${amount}: met=${met} shown=${shown}`);
        };
        for (const n of SIZES) {
          if (FIELD[ind].per100) {
            // counts: t·n/100 people (or rooms); exactly at it when that is whole
            const num = tenths(t) * BigInt(n); // = 1000 × (t·n/100)
            const at = num / 1000n;
            if (num % 1000n === 0n) {
              check(n, Number(at), true);
              check(n, Number(at) - 1, false);
              check(n, Number(at) + 1, true);
            } else {
              check(n, Number(at), false);
              check(n, Number(at) + 1, true);
            }
          } else {
            // areas and values: t·n exactly, one cent (0.01) below and above, typed as decimals
            const at = tenths(t) * BigInt(n) * 10n; // in hundredths
            check(n, cents(at), true);
            check(n, cents(at - 1n), false);
            check(n, cents(at + 1n), true);
          }
        }
        expect(failures.slice(0, 5)).toEqual([]);
      });
    }
  }

  it('9 PE/art teachers for 1,000 pupils is exactly 0.9 per 100: met, and shown as 0.90', () => {
    for (const [teachers, pupils] of [
      [9, 1000],
      [18, 2000],
      [27, 3000],
    ] as const) {
      const v = resourceRatiosExact(school('primary', pupils, 'pe_art_teachers', teachers));
      expect(checkStandard(v, 'primary').verdicts.pe_art_teachers).toBe('met');
      expect(showValue(v.pe_art_teachers)).toBe('0.90');
    }
  });

  it('the 85% rule is exact: the seventh indicator at exactly 85% passes, one cent less fails', () => {
    for (const n of [50, 333, 1000, 2999]) {
      for (const stage of ['primary', 'junior'] as const) {
        const t = BALANCE_THRESHOLDS[stage].sports_area;
        const at85 = (tenths(t) * BigInt(n) * 85n) / 10n; // hundredths of m², 0.85·t·n
        const exactAt = (tenths(t) * BigInt(n) * 85n) % 10n === 0n;
        if (exactAt)
          expect(
            checkStandard(resourceRatiosExact(school(stage, n, 'sports_area', cents(at85))), stage).meetsStandard,
          ).toBe(true);
        expect(
          checkStandard(resourceRatiosExact(school(stage, n, 'sports_area', cents(at85 - (exactAt ? 1n : 0n)))), stage)
            .meetsStandard,
        ).toBe(false);
        expect(
          checkStandard(resourceRatiosExact(school(stage, n, 'sports_area', cents(at85 + 1n))), stage).meetsStandard,
        ).toBe(true);
      }
    }
  });
});

describe('difference coefficient against its limit, exactly', () => {
  it('a coefficient exactly at the limit passes and is shown at the limit', () => {
    // values 1 and 3 with equal weights: mean 2, S = 1, CV = 0.5 exactly
    const r = differenceCoefficient([
      { students: 100, value: 1 },
      { students: 100, value: 3 },
    ])!;
    expect(r.cvShown).toBe('0.5000');
    expect(r.passes(0.5)).toBe(true);
    // a hair above: CV 2.0001/4.0001 = 0.500012… is shown rounded up, and fails
    const above = differenceCoefficient([
      { students: 100, value: 1 },
      { students: 100, value: 3.0001 },
    ])!;
    expect(above.passes(0.5)).toBe(false);
    expect(above.cvShown).toBe('0.5001');
    const junior = stageCoefficients('junior', [
      {
        stage: 'junior',
        students: 100,
        values: Object.fromEntries(BALANCE_INDICATORS.map((k) => [k, 1])) as Record<BalanceIndicator, number>,
      },
      {
        stage: 'junior',
        students: 100,
        values: Object.fromEntries(BALANCE_INDICATORS.map((k) => [k, 2.27])) as Record<BalanceIndicator, number>,
      },
    ]);
    // mean 1.635, S 0.635, CV 0.38837… shown 0.3884 (rounded up), passes 0.45
    expect(junior[0]).toMatchObject({ cvShown: '0.3884', cv: 0.3884, passes: true });
  });
  it('shown coefficient and verdict agree just above the limit', () => {
    // values a and b, equal weights: CV = (b − a)/(a + b); 1.1 and 2.9 give 0.45 exactly (the junior limit)
    const at = differenceCoefficient([
      { students: 70, value: 1.1 },
      { students: 70, value: 2.9 },
    ])!;
    expect(at.passes(0.45)).toBe(true);
    expect(at.cvShown).toBe('0.4500');
    const over = differenceCoefficient([
      { students: 70, value: 1.1 },
      { students: 70, value: 2.9001 },
    ])!;
    expect(over.passes(0.45)).toBe(false);
    expect(over.cv).toBeGreaterThan(0.45);
  });
});
