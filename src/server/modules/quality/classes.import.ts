import { sql } from 'kysely';
import { gradeFromWords } from '../../../shared/grades.js';
import { classInput, type ClassInput } from '../../../shared/quality.schemas.js';
import { code, integer, schoolYear, text, validateWith, type ImportColumn, type ImportKindDef } from '../io/index.js';
import { qualityPolicy } from './quality.policy.js';

/** Schools whose classes the actor may manage, by code; every code, to tell "unknown" from "not yours". */
interface ClassSchools {
  byCode: Map<string, { id: number; name: string }>;
  known: Set<string>;
}

/** A grade as bureaus write it: 6, 六年级, 初一 (= 7), 高一 (= 10). */
const grade: ImportColumn['parse'] = (c) => {
  if (typeof c === 'string') {
    const g = gradeFromWords(c);
    if (g !== null) return integer(g);
  }
  const n = integer(c);
  return n.ok
    ? n
    : {
        ok: false,
        zh: `“${String(c)}”不是年级（如 6、六年级、初一）`,
        en: `"${String(c)}" is not a grade (e.g. 6, 六年级, 初一)`,
      };
};

/** 班级 for exam scores: school code, school year, grade and class name; a class already there is kept. */
export const classesImport: ImportKindDef<ClassInput, ClassSchools> = {
  kind: 'classes',
  entity: 'class',
  sheetName: { zh: '班级', en: 'Classes' },
  columns: [
    {
      key: 'schoolCode',
      zh: '学校代码',
      en: 'School code',
      required: true,
      parse: code,
      aliases: ['学校标识码'],
      example: '3304810001',
    },
    {
      key: 'schoolName',
      zh: '学校名称',
      en: 'School name',
      parse: text,
      aliases: ['学校'],
      example: '海宁市实验小学',
      note: '仅供核对，须与学校代码一致 Checked against the code',
    },
    { key: 'schoolYear', zh: '学年', en: 'School year', required: true, parse: schoolYear, example: '2025-2026' },
    { key: 'grade', zh: '年级', en: 'Grade', required: true, parse: grade, example: '六年级' },
    { key: 'name', zh: '班级名称', en: 'Class name', required: true, parse: text, aliases: ['班级'], example: '1班' },
  ],
  async prepare(db, actor) {
    const all = await db.selectFrom('schools').select(['id', 'code', 'name', 'region_code']).execute();
    const byCode = new Map<string, { id: number; name: string }>();
    for (const s of all) if (qualityPolicy.manageClasses(actor, s)) byCode.set(s.code, { id: s.id, name: s.name });
    return { byCode, known: new Set(all.map((s) => s.code)) };
  },
  toInput(v, schools) {
    const school = typeof v.schoolCode === 'string' ? schools.byCode.get(v.schoolCode) : undefined;
    if (typeof v.schoolCode === 'string' && !school) {
      return {
        issues: [
          schools.known.has(v.schoolCode)
            ? {
                key: 'schoolCode',
                zh: `学校“${v.schoolCode}”不在您的管理范围内`,
                en: `School ${v.schoolCode} is outside your scope`,
              }
            : { key: 'schoolCode', zh: `学校代码“${v.schoolCode}”不存在`, en: `Unknown school code ${v.schoolCode}` },
        ],
      };
    }
    if (school && typeof v.schoolName === 'string' && v.schoolName.trim() && v.schoolName.trim() !== school.name) {
      return {
        issues: [
          {
            key: 'schoolName',
            zh: `学校名称“${v.schoolName}”与代码 ${String(v.schoolCode)} 的学校“${school.name}”不符`,
            en: `School name "${v.schoolName}" does not match school ${String(v.schoolCode)} ("${school.name}")`,
          },
        ],
      };
    }
    return validateWith(
      classInput,
      {
        schoolId: school?.id,
        schoolYear: v.schoolYear ?? undefined,
        grade: v.grade ?? undefined,
        name: typeof v.name === 'string' ? v.name : undefined,
      },
      { schoolId: 'schoolCode' },
    );
  },
  uniqueKey: (c) => `${c.schoolId}/${c.schoolYear}/${c.grade}/${c.name}`,
  async write(db, batch) {
    if (batch.length === 0) return { created: 0, updated: 0 };
    const rows = await db
      .insertInto('quality_classes')
      .values(
        batch.map(({ input }) => ({
          school_id: input.schoolId,
          school_year: input.schoolYear,
          grade: input.grade,
          name: input.name,
        })),
      )
      .onConflict((oc) => oc.columns(['school_id', 'school_year', 'grade', 'name']).doNothing())
      .returning(sql<number>`1`.as('one'))
      .execute();
    // a class already there has nothing else to update: it counts as unchanged ("updated")
    return { created: rows.length, updated: batch.length - rows.length };
  },
};
