import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import type { Database } from '../../db/database.js';
import { GIVEN_FEMALE, GIVEN_MALE, SURNAMES } from '../../demo/demo.names.js';
import { Random } from '../../demo/demo.random.js';
import { ensureScorePartition } from './score-partitions.js';

/**
 * Demo exams for the seeded county: the grade-6 end-of-year exams from June 2021 (before the
 * communities began in September 2021) to the 2025–2026 year, and the autumn 2026 mid-term, in
 * Chinese, mathematics and English. Rural and teaching-point schools start behind the urban ones;
 * member schools close part of the gap year by year after joining, teaching points (never members)
 * do not — so the gap trend and the difference-in-differences card have something true to show.
 * The 2026 June mathematics paper carries item scores with knowledge points.
 */
export const QUALITY_DEMO_EXAMS = [
  { name: '2020学年第二学期六年级期末质量检测', date: '2021-06-25', year: 2020, term: 2, cohort: 2020 },
  { name: '2021学年第二学期六年级期末质量检测', date: '2022-06-24', year: 2021, term: 2, cohort: 2021 },
  { name: '2022学年第二学期六年级期末质量检测', date: '2023-06-21', year: 2022, term: 2, cohort: 2022 },
  { name: '2023学年第二学期六年级期末质量检测', date: '2024-06-21', year: 2023, term: 2, cohort: 2023 },
  { name: '2024学年第二学期六年级期末质量检测', date: '2025-06-20', year: 2024, term: 2, cohort: 2024 },
  { name: '2025学年第一学期六年级期末质量检测', date: '2026-01-16', year: 2025, term: 1, cohort: 2025 },
  { name: '2025学年第二学期六年级期末质量检测', date: '2026-06-26', year: 2025, term: 2, cohort: 2025, items: true },
  { name: '2026学年第一学期六年级期中质量检测', date: '2026-11-10', year: 2026, term: 1, cohort: 2026 },
] as const;
const SUBJECTS = ['chinese', 'math', 'english'] as const;
const MATH_ITEMS: { no: string; full: number; kp: string[] }[] = [
  ...Array.from({ length: 10 }, (_, i) => ({
    no: String(i + 1),
    full: 2,
    kp: [['分数运算', '小数运算', '比和比例', '百分数'][i % 4]!],
  })),
  ...Array.from({ length: 6 }, (_, i) => ({
    no: String(i + 11),
    full: 5,
    kp: [['圆的面积', '统计图表', '方程', '比和比例', '立体图形', '百分数'][i]!],
  })),
  { no: '17', full: 10, kp: ['方程', '应用题'] },
  { no: '18', full: 10, kp: ['立体图形', '应用题'] },
  { no: '19', full: 10, kp: ['百分数', '应用题'] },
  { no: '20', full: 20, kp: ['综合应用', '应用题'] },
];

type Db = Kysely<Database>;
const LINES = { full: 100, pass: 60, excellent: 85, low: 40 };

async function insertRows(db: Db, table: string, columns: { name: string; type: string; values: unknown[] }[]) {
  const n = columns[0]?.values.length ?? 0;
  for (let i = 0; i < n; i += 20000) {
    const arrays: RawBuilder<unknown>[] = columns.map(
      (c) => sql`${c.values.slice(i, i + 20000)}::${sql.raw(c.type)}[]`,
    );
    const names = sql.raw(columns.map((c) => c.name).join(', '));
    await sql`insert into ${sql.table(table)} (${names}) select ${names} from unnest(${sql.join(arrays)}) as t(${names})`.execute(
      db,
    );
  }
}

interface DemoSchool {
  id: number;
  code: string;
  location_class: string;
  quality_tier: string | null;
  is_teaching_point: boolean;
  students: number | null;
  region_code: string;
  joined: string | null;
}

/** Scores rounded to half points within [0, full]. */
const half = (v: number, full: number) => Math.min(full, Math.max(0, Math.round(v * 2) / 2));

export async function seedQualityDemo(dbh: DbHandle, opts: { seed?: number } = {}): Promise<Record<string, number>> {
  const db = dbh.db;
  const rng = new Random(opts.seed ?? 20260901);
  const schools = (
    await sql<DemoSchool>`select s.id, s.code, s.location_class, s.quality_tier, s.is_teaching_point, s.students, s.region_code,
      (select min(m.start_date)::text from community_memberships m where m.school_id = s.id and m.role = 'member') as joined
    from schools s where s.level in ('primary', 'nine_year') and s.is_active order by s.id`.execute(db)
  ).rows;
  if (!schools.length) return { exams: 0 };
  const county = (
    await sql<{
      region_code: string;
      n: number;
    }>`select region_code, count(*)::int as n from schools group by region_code order by n desc limit 1`.execute(db)
  ).rows[0]!.region_code;
  const creator =
    (await sql<{ id: number }>`select id from users where role = 'bureau_admin' order by id limit 1`.execute(db))
      .rows[0]?.id ?? null;

  return db.transaction().execute(async (tx) => {
    const counts = { exams: 0, classes: 0, students: 0, scores: 0, itemScores: 0, identities: 0 };
    const cohortStudents = new Map<string, { key: string; schoolId: number; classId: number; ability: number }[]>();
    for (const exam of QUALITY_DEMO_EXAMS) {
      const e = await tx
        .insertInto('quality_exams')
        .values({
          name: exam.name,
          exam_date: exam.date,
          school_year: exam.year,
          term: exam.term,
          grade: 6,
          region_code: county,
          owner_school_id: null,
          created_by: creator,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      counts.exams += 1;
      const subjectIds: Record<string, number> = {};
      for (const s of SUBJECTS) {
        const row = await tx
          .insertInto('quality_exam_subjects')
          .values({
            exam_id: e.id,
            subject: s,
            full_mark: LINES.full,
            pass_line: LINES.pass,
            excellent_line: LINES.excellent,
            low_line: LINES.low,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        subjectIds[s] = row.id;
      }
      const itemIds: number[] = [];
      if ('items' in exam && exam.items) {
        const rows = await tx
          .insertInto('quality_exam_items')
          .values(
            MATH_ITEMS.map((it, i) => ({
              exam_subject_id: subjectIds.math!,
              item_no: it.no,
              position: i + 1,
              full_mark: it.full,
              knowledge_points: it.kp,
            })),
          )
          .returning('id')
          .execute();
        itemIds.push(...rows.map((r) => r.id));
      }
      await tx
        .insertInto('quality_exam_schools')
        .values(schools.map((s) => ({ exam_id: e.id, school_id: s.id })))
        .execute();

      // a cohort of grade-6 students per school and school year, in classes of at most 45
      const cohortKey = String(exam.cohort);
      let students = cohortStudents.get(cohortKey);
      if (!students) {
        students = [];
        const r = rng.fork(exam.cohort);
        for (const s of schools) {
          const n = Math.max(6, Math.min(360, Math.round(((s.students ?? 300) / 6) * r.float(0.9, 1.1))));
          const classes = Math.max(1, Math.ceil(n / 45));
          const created = await tx
            .insertInto('quality_classes')
            .values(
              Array.from({ length: classes }, (_, i) => ({
                school_id: s.id,
                school_year: exam.year,
                grade: 6,
                name: `${i + 1}班`,
              })),
            )
            .returning('id')
            .execute();
          counts.classes += created.length;
          for (let i = 0; i < n; i++)
            students.push({
              key: `${s.code}-${exam.cohort}-${String(i + 1).padStart(3, '0')}`,
              schoolId: s.id,
              classId: created[i % classes]!.id,
              ability: r.normal(0, 1, -3, 3),
            });
        }
        const ids = await insertStudents(tx, students, exam.cohort >= 2025 ? r : null);
        counts.students += students.length;
        counts.identities += ids;
        cohortStudents.set(cohortKey, students);
      }
      const studentIds = new Map(
        (
          await sql<{
            id: number;
            student_key: string;
          }>`select id, student_key from quality_students where student_key like ${`%-${exam.cohort}-%`}`.execute(tx)
        ).rows.map((r) => [r.student_key, r.id]),
      );
      const bySchool = new Map(schools.map((s) => [s.id, s]));
      const r = rng.fork(counts.exams * 1000);
      const sc = {
        exam_id: [] as number[],
        exam_subject_id: [] as number[],
        student_id: [] as number[],
        school_id: [] as number[],
        class_id: [] as number[],
        score: [] as number[],
      };
      const it = { exam_item_id: [] as number[], student_id: [] as number[], score: [] as number[] };
      for (const st of students) {
        const school = bySchool.get(st.schoolId)!;
        const base = schoolLevel(school, exam.date);
        for (const subject of SUBJECTS) {
          const subjectShift =
            subject === 'english' && school.location_class !== 'urban' ? -4 : subject === 'math' ? -2 : 0;
          let score = half(base + subjectShift + 11 * st.ability + r.normal(0, 5), LINES.full);
          if (subject === 'math' && itemIds.length) {
            // item scores follow the ability; the subject score is their sum
            let total = 0;
            MATH_ITEMS.forEach((item, k) => {
              const hard = item.kp.includes('应用题') || item.kp.includes('圆的面积') ? 0.12 : 0;
              const p = Math.min(1, Math.max(0, (base - 25) / 75 - hard + 0.12 * st.ability + r.normal(0, 0.12)));
              const v = Math.min(item.full, Math.max(0, Math.round(p * item.full * 2) / 2));
              total += v;
              it.exam_item_id.push(itemIds[k]!);
              it.student_id.push(studentIds.get(st.key)!);
              it.score.push(v);
            });
            score = total;
          }
          sc.exam_id.push(e.id);
          sc.exam_subject_id.push(subjectIds[subject]!);
          sc.student_id.push(studentIds.get(st.key)!);
          sc.school_id.push(st.schoolId);
          sc.class_id.push(st.classId);
          sc.score.push(score);
        }
      }
      await ensureScorePartition(tx, e.id);
      await insertRows(tx, 'quality_scores', [
        { name: 'exam_id', type: 'int4', values: sc.exam_id },
        { name: 'exam_subject_id', type: 'int4', values: sc.exam_subject_id },
        { name: 'student_id', type: 'int4', values: sc.student_id },
        { name: 'school_id', type: 'int4', values: sc.school_id },
        { name: 'class_id', type: 'int4', values: sc.class_id },
        { name: 'score', type: 'numeric', values: sc.score },
      ]);
      counts.scores += sc.score.length;
      if (it.score.length) {
        await insertRows(tx, 'quality_item_scores', [
          { name: 'exam_item_id', type: 'int4', values: it.exam_item_id },
          { name: 'student_id', type: 'int4', values: it.student_id },
          { name: 'score', type: 'numeric', values: it.score },
        ]);
        counts.itemScores += it.score.length;
      }
    }
    return counts;
  });
}

/**
 * Expected mean of a school in an exam: urban strong schools near 82, rural and teaching points
 * about 12 points lower; a member school recovers 1.3 points a year after joining (up to 6).
 */
export function schoolLevel(
  s: { location_class: string; quality_tier: string | null; is_teaching_point: boolean; joined: string | null },
  examDate: string,
): number {
  let level = s.location_class === 'urban' ? 80 : s.location_class === 'town' ? 74 : 69;
  if (s.quality_tier === 'strong') level += 3;
  if (s.quality_tier === 'weak') level -= 3;
  if (s.is_teaching_point) level -= 3;
  if (s.joined && examDate > s.joined) {
    const years = (Date.parse(examDate) - Date.parse(s.joined)) / (365.25 * 86400000);
    level += Math.min(6, 1.3 * years);
  }
  return level;
}

async function insertStudents(
  db: Db,
  students: { key: string; schoolId: number }[],
  names: Random | null,
): Promise<number> {
  await insertRows(db, 'quality_students', [
    { name: 'student_key', type: 'text', values: students.map((s) => s.key) },
    { name: 'school_id', type: 'int4', values: students.map((s) => s.schoolId) },
  ]);
  if (!names) return 0;
  // names (and some ID numbers) for the current cohorts only, kept in the separate identity table
  const rows = (
    await sql<{
      id: number;
      student_key: string;
    }>`select id, student_key from quality_students where student_key = any(${students.map((s) => s.key)}::text[])`.execute(
      db,
    )
  ).rows;
  const name = () =>
    `${names.pick(SURNAMES)}${names.chance(0.5) ? names.pick(GIVEN_FEMALE) : names.pick(GIVEN_MALE)}${names.chance(0.6) ? names.pick([...GIVEN_FEMALE, ...GIVEN_MALE]) : ''}`;
  const id = () =>
    names.chance(0.3)
      ? `330481${2014 + names.int(0, 1)}${String(names.int(1, 12)).padStart(2, '0')}${String(names.int(1, 28)).padStart(2, '0')}${String(names.int(0, 9999)).padStart(4, '0')}`
      : null;
  await insertRows(db, 'quality_student_identities', [
    { name: 'student_id', type: 'int4', values: rows.map((r) => r.id) },
    { name: 'name', type: 'text', values: rows.map(() => name()) },
    { name: 'id_number', type: 'text', values: rows.map(() => id()) },
  ]);
  return rows.length;
}
