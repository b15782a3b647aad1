import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { memberIn, toMap, type DataSource } from '../../contracts/assessment-source.js';

/**
 * Series from the quality module: the gap in mean score (on a 100-point scale, all subjects of the
 * year's exams pooled) between the community's core school(s) and its member schools, and how much
 * it narrowed since the previous year. Positive narrowing is progress.
 */
const requires = [
  { table: 'quality_scores', columns: ['exam_id', 'exam_subject_id', 'school_id', 'score'] },
  { table: 'quality_exam_subjects', columns: ['id', 'full_mark'] },
  { table: 'quality_exams', columns: ['id', 'school_year'] },
];

async function gaps(db: Db, ids: number[], year: number): Promise<Map<number, number | null>> {
  if (!ids.length) return new Map();
  const rows = await sql<{ id: number; v: number | null }>`
    with school_mean as (
      select sc.school_id, avg(sc.score * 100.0 / nullif(es.full_mark, 0)) as mean
      from quality_scores sc join quality_exam_subjects es on es.id = sc.exam_subject_id join quality_exams e on e.id = sc.exam_id
      where e.school_year = ${year} group by sc.school_id
    )
    select m.community_id as id,
      (avg(sm.mean) filter (where m.role = 'core') - avg(sm.mean) filter (where m.role = 'member'))::float8 as v
    from community_memberships m join school_mean sm on sm.school_id = m.school_id
    where m.community_id = any(${ids}::int[]) and ${memberIn(year)}
    group by m.community_id`.execute(db);
  return toMap(rows.rows, ids, null);
}

export const qualitySources: DataSource[] = [
  {
    key: 'exam_gap',
    label: { zh: '成员校与核心校平均分差（百分制）', en: 'Mean-score gap, core minus member schools (of 100)' },
    unit: 'point',
    unitLabel: { zh: '分', en: 'points' },
    module: 'quality',
    requires,
    schoolScope: false,
    compute: (db, q) => gaps(db, q.ids, q.year),
  },
  {
    key: 'exam_gap_narrowing',
    label: { zh: '城乡平均分差缩小量（较上一学年）', en: 'Narrowing of the mean-score gap since last year' },
    unit: 'point',
    unitLabel: { zh: '分', en: 'points' },
    module: 'quality',
    requires,
    schoolScope: false,
    async compute(db, q) {
      const [now, before] = await Promise.all([gaps(db, q.ids, q.year), gaps(db, q.ids, q.year - 1)]);
      return new Map(
        q.ids.map((id) => {
          const a = now.get(id);
          const b = before.get(id);
          return [id, a === null || a === undefined || b === null || b === undefined ? null : b - a];
        }),
      );
    },
  },
];
