import { describe, expect, it } from 'vitest';
import {
  checkStandard,
  differenceCoefficient,
  resourceRatios,
  sectionsOf,
  stageCoefficients,
} from './balance.rules.js';

describe('difference coefficient (差异系数), checked by hand', () => {
  it('weights by students: X̄ = 2000/500 = 4, S = sqrt(800/500) = 1.2649, CV = 0.3162', () => {
    const r = differenceCoefficient([
      { students: 100, value: 2 },
      { students: 300, value: 4 },
      { students: 100, value: 6 },
    ])!;
    expect(r.mean).toBe(4);
    // exact CV √1.6 / 4 = 0.316227…, shown rounded up at four decimals
    expect(r.cvShown).toBe('0.3163');
    expect(r.cv).toBeCloseTo(Math.sqrt(1.6) / 4, 3);
  });
  it('is not the unweighted coefficient', () => {
    // unweighted: mean 4, sd sqrt(8/3) = 1.633, cv 0.408 — the weighted figure differs
    const r = differenceCoefficient([
      { students: 100, value: 2 },
      { students: 300, value: 4 },
      { students: 100, value: 6 },
    ])!;
    expect(r.cv).not.toBeCloseTo(Math.sqrt(8 / 3) / 4, 3);
  });
  it('leaves schools under 50 students out, and judges against 0.50 / 0.45', () => {
    const values = (v: number) => ({
      qualified_teachers: v,
      backbone_teachers: v,
      pe_art_teachers: v,
      teaching_area: v,
      sports_area: v,
      equipment_value: v,
      multimedia_rooms: v,
    });
    const schools = [
      { stage: 'primary' as const, students: 100, values: values(2) },
      { stage: 'primary' as const, students: 300, values: values(4) },
      { stage: 'primary' as const, students: 100, values: values(6) },
      { stage: 'primary' as const, students: 40, values: values(40) }, // a teaching point: excluded
      { stage: 'junior' as const, students: 500, values: values(1) },
    ];
    const primary = stageCoefficients('primary', schools);
    expect(primary[0]).toMatchObject({ schools: 3, mean: 4, limit: 0.5, passes: true });
    expect(primary[0]!.cv).toBe(0.3163);
    const junior = stageCoefficients('junior', schools);
    expect(junior[0]).toMatchObject({ schools: 1, cv: 0, limit: 0.45, passes: true });
  });
  it('has no coefficient without schools', () => {
    expect(differenceCoefficient([])).toBeNull();
  });
});

describe('school resource indicators', () => {
  it('computes the seven ratios per 100 students or per student', () => {
    const r = resourceRatios({
      students: 500,
      teachersAboveQualification: 25,
      backboneTeachers: 6,
      peArtTeachers: 5,
      teachingAuxArea: 2500,
      sportsGroundArea: 4000,
      equipmentValue: 1_100_000,
      multimediaClassrooms: 12,
    });
    expect(r).toEqual({
      qualified_teachers: 5,
      backbone_teachers: 1.2,
      pe_art_teachers: 1,
      teaching_area: 5,
      sports_area: 8,
      equipment_value: 2200,
      multimedia_rooms: 2.4,
    });
  });
  const ok = {
    qualified_teachers: 4.2,
    backbone_teachers: 1,
    pe_art_teachers: 0.9,
    teaching_area: 4.5,
    sports_area: 7.5,
    equipment_value: 2000,
    multimedia_rooms: 2.3,
  };
  it.each([
    ['all seven met', ok, 7, true],
    ['one at 87% of its threshold', { ...ok, multimedia_rooms: 2.0 }, 6, true],
    ['one at 83% of its threshold', { ...ok, multimedia_rooms: 1.9 }, 6, false],
    ['two missed', { ...ok, multimedia_rooms: 2.2, sports_area: 7.4 }, 5, false],
    ['one missing value', { ...ok, equipment_value: null }, 6, false],
  ])('primary school, %s', (_name, values, met, meets) => {
    const c = checkStandard(values, 'primary');
    expect(c.met).toBe(met);
    expect(c.meetsStandard).toBe(meets);
  });
  it('uses the junior thresholds for junior schools', () => {
    expect(checkStandard(ok, 'junior').met).toBe(2); // only backbone (1) and PE/art (0.9) reach the junior bar
  });
  it('splits a nine-year school into its primary and junior sections by the grade enrolment the statistics API stores', () => {
    // keys '1'…'9' as stored by the API and the import (issue 16: the rules read 'g1'… and fell back to 6 : 3)
    expect(
      sectionsOf('nine_year', 900, { 1: 120, 2: 120, 3: 110, 4: 110, 5: 100, 6: 100, 7: 80, 8: 80, 9: 80 }),
    ).toEqual([
      { stage: 'primary', students: 660, source: 'grades' },
      { stage: 'junior', students: 240, source: 'grades' },
    ]);
    expect(sectionsOf('nine_year', 90, {})).toEqual([
      { stage: 'primary', students: 60, source: 'estimated' },
      { stage: 'junior', students: 30, source: 'estimated' },
    ]);
    expect(sectionsOf('kindergarten', 90, {})).toEqual([]);
  });
  it('counts the primary and junior sections of a twelve-year school and the junior section of a complete secondary school, not the senior grades', () => {
    const g = { 1: 50, 2: 50, 3: 50, 4: 50, 5: 50, 6: 50, 7: 60, 8: 60, 9: 60, 10: 70, 11: 70, 12: 70 };
    expect(sectionsOf('twelve_year', 720, g)).toEqual([
      { stage: 'primary', students: 300, source: 'grades' },
      { stage: 'junior', students: 180, source: 'grades' },
    ]);
    expect(sectionsOf('complete_secondary', 390, { 7: 60, 8: 60, 9: 60, 10: 70, 11: 70, 12: 70 })).toEqual([
      { stage: 'junior', students: 180, source: 'grades' },
    ]);
    // without grades a twelve-year school cannot be split
    expect(sectionsOf('twelve_year', 720, {})).toEqual([]);
  });
});
