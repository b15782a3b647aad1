import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHOOL_LEVELS } from '../../../shared/enums.js';
import { STUDENT_GRADES, studentGradeSchema, studentsByGradeSchema } from '../../../shared/grades.js';
import { schoolYearStatsInput } from '../../../shared/registry.schemas.js';
import { sectionsOf } from '../assessment/balance.rules.js';
import { generateDemoCounty } from '../../demo/demo.generator.js';
import { gradesOfRow, schoolYearStatsImport } from './school-year-stats.import.js';
import { buildSchool, buildSchoolYearStats } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { statsExportColumns } from './registry.export.js';
import { registryMigrations } from './registry.migrations.js';

/** Records every key a consumer reads from a students-by-grade object. */
function spy(base: Record<string, number> = {}) {
  const read = new Set<string>();
  const obj = new Proxy(base, {
    get(t, k) {
      if (typeof k !== 'string') return undefined;
      read.add(k);
      return t[k];
    },
  });
  return { obj, read };
}
const producible = (k: string) => studentGradeSchema.safeParse(k).success;

describe('one contract for pupils by grade (issue 16)', () => {
  it('the API accepts exactly the keys 1…12 and refuses the old g1 form', () => {
    expect(studentsByGradeSchema.safeParse(Object.fromEntries(STUDENT_GRADES.map((g) => [g, 10]))).success).toBe(true);
    for (const bad of ['g1', '0', '13', ' 1', '01'])
      expect(studentsByGradeSchema.safeParse({ [bad]: 1 }).success, bad).toBe(false);
    const base = { schoolId: 1, schoolYear: 2025, studentsTotal: 1, classesTotal: 1, teachersTotal: 1 };
    expect(schoolYearStatsInput.safeParse({ ...base, studentsByGrade: { g1: 1 } }).success).toBe(false);
  });

  it('the balance rules read no key the schema cannot produce, for any school level', () => {
    for (const level of SCHOOL_LEVELS) {
      const { obj, read } = spy();
      sectionsOf(level, 900, obj);
      expect(
        [...read].filter((k) => !producible(k)),
        level,
      ).toEqual([]);
    }
  });

  it('the import fills exactly the contract keys, from one column per grade', () => {
    const gradeCols = schoolYearStatsImport.columns.filter((c) => /^grade/.test(c.key)).map((c) => c.key);
    expect(gradeCols).toEqual(STUDENT_GRADES.map((g) => `grade${g}`));
    const row = Object.fromEntries(STUDENT_GRADES.map((g, i) => [`grade${g}`, i + 1]));
    const out = gradesOfRow(row);
    expect(Object.keys(out)).toEqual([...STUDENT_GRADES]);
    expect(studentsByGradeSchema.safeParse(out).success).toBe(true);
  });

  it('the export reads only contract keys', () => {
    const { obj, read } = spy({ 1: 5, 7: 3 });
    const rec = { studentsByGrade: obj, classesBySizeBand: {} } as never;
    for (const c of statsExportColumns('zh')) {
      try {
        c.value(rec);
      } catch {
        /* other fields absent */
      }
    }
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((k) => !producible(k))).toEqual([]);
  });

  it('the demo generator writes only contract keys', () => {
    const county = generateDemoCounty();
    const keys = new Set(county.stats.flatMap((s) => Object.keys(s.students_by_grade)));
    expect([...keys].filter((k) => !producible(k))).toEqual([]);
    expect(keys.has('7')).toBe(true);
  });
});

describe('migration 20261203_0700_num_grade_keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  it('renames g1… keys, keeps the plain key where both exist, drops unreadable keys', async () => {
    const db = t.ctx.db;
    const insert = async (byGrade: Record<string, number>) => {
      const s = await buildSchool(db);
      await buildSchoolYearStats(db, s.id, {
        students_total: 10,
        classes_total: 1,
        teachers_total: 1,
        students_by_grade: JSON.stringify(byGrade),
      });
      return s.id;
    };
    const a = await insert({ g1: 4, g7: 3, g12: 3 });
    const b = await insert({ 1: 5, g1: 9, g2: 5, note: 1 });
    const c = await insert({ 3: 10 });
    await registryMigrations['20261203_0700_num_grade_keys']!.up(db as never);
    const rows = await sql<{
      school_id: number;
      students_by_grade: Record<string, number>;
    }>`select school_id, students_by_grade from school_year_stats where school_id in (${a}, ${b}, ${c})`.execute(db);
    const by = new Map(rows.rows.map((r) => [r.school_id, r.students_by_grade]));
    expect(by.get(a)).toEqual({ 1: 4, 7: 3, 12: 3 });
    expect(by.get(b)).toEqual({ 1: 5, 2: 5 });
    expect(by.get(c)).toEqual({ 3: 10 });
  });
});
