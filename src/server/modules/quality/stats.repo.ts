import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/database.js';
import type { StatGroup, StatRow } from '../../../shared/quality.schemas.js';
import { examOfSubject } from './score-partitions.js';

/**
 * The statistics SQL, readable in one place. Everything is aggregated in the database over
 * quality_scores; the numbers are rounded here (4 decimals) so PGlite and PostgreSQL agree to the
 * digit. Rates at exactly a line count as reaching it (score >= pass_line); "low" means below the
 * low-score line. SD is the population standard deviation (标准差 as score reports use it).
 */
type Db = Kysely<Database>;

export interface StatFilter {
  examSubjectId: number;
  /** visibility condition on q.school_id */
  scope: Expression<SqlBool>;
  classId?: number | undefined;
  schoolId?: number | undefined;
  schoolIds?: number[] | undefined;
}

const aggregates = sql`count(*)::int as n,
  avg(q.score)::float8 as mean,
  stddev_pop(q.score)::float8 as sd,
  avg(case when q.score >= sub.pass_line then 1.0 else 0.0 end)::float8 as pass_rate,
  avg(case when q.score >= sub.excellent_line then 1.0 else 0.0 end)::float8 as excellent_rate,
  avg(case when q.score < sub.low_line then 1.0 else 0.0 end)::float8 as low_rate,
  min(q.score)::float8 as min, max(q.score)::float8 as max,
  percentile_cont(array[0.1, 0.25, 0.5, 0.75, 0.9]::float8[]) within group (order by q.score::float8) as qs`;

interface RawStat {
  key: string;
  label: string;
  school_id: number | null;
  n: number;
  mean: number | null;
  sd: number | null;
  pass_rate: number | null;
  excellent_rate: number | null;
  low_rate: number | null;
  min: number | null;
  max: number | null;
  qs: number[] | string | null;
}

const r4 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(Number(v)) ? null : Math.round(Number(v) * 1e4) / 1e4;

function parseArray(v: number[] | string | null): (number | null)[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v.map(Number);
  return v
    .replace(/[{}]/g, '')
    .split(',')
    .map((x) => (x === 'NULL' ? null : Number(x)));
}

export function toStatRow(r: RawStat): StatRow {
  const q = parseArray(r.qs);
  return {
    key: String(r.key),
    label: r.label,
    schoolId: r.school_id,
    n: r.n,
    mean: r4(r.mean),
    sd: r4(r.sd),
    passRate: r4(r.pass_rate),
    excellentRate: r4(r.excellent_rate),
    lowRate: r4(r.low_rate),
    min: r4(r.min),
    max: r4(r.max),
    p10: r4(q[0]),
    p25: r4(q[1]),
    median: r4(q[2]),
    p75: r4(q[3]),
    p90: r4(q[4]),
  };
}

function where(f: StatFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [
    sql`q.exam_subject_id = ${f.examSubjectId}`,
    examOfSubject('q', f.examSubjectId),
    sql`${f.scope}`,
  ];
  if (f.classId) parts.push(sql`q.class_id = ${f.classId}`);
  if (f.schoolId) parts.push(sql`q.school_id = ${f.schoolId}`);
  if (f.schoolIds) parts.push(f.schoolIds.length ? sql`q.school_id in (${sql.join(f.schoolIds)})` : sql`false`);
  return sql.join(parts, sql` and `);
}

/** Memberships in force on the exam's date (memberships change over the years). */
const activeOn = (date: RawBuilder<unknown>) =>
  sql`m.start_date <= ${date} and (m.end_date is null or m.end_date >= ${date})`;

export async function groupStats(db: Db, by: StatGroup, f: StatFilter): Promise<StatRow[]> {
  const w = where(f);
  const from = sql`from quality_scores q join quality_exam_subjects sub on sub.id = q.exam_subject_id join schools s on s.id = q.school_id`;
  let query: RawBuilder<RawStat>;
  switch (by) {
    case 'all':
      query = sql<RawStat>`select 'all' as key, '全体' as label, null::int as school_id, ${aggregates} ${from} where ${w}`;
      break;
    case 'school':
      query = sql<RawStat>`select s.id::text as key, s.name as label, s.id as school_id, ${aggregates} ${from} where ${w} group by s.id, s.name, s.code order by s.code`;
      break;
    case 'class':
      query = sql<RawStat>`select c.id::text as key, s.name || ' ' || c.name as label, s.id as school_id, ${aggregates} ${from}
        join quality_classes c on c.id = q.class_id where ${w} group by c.id, c.name, s.id, s.name, s.code order by s.code, c.name`;
      break;
    case 'community':
      query = sql<RawStat>`select cm.id::text as key, cm.name as label, null::int as school_id, ${aggregates} ${from}
        join quality_exams e on e.id = q.exam_id
        join community_memberships m on m.school_id = q.school_id and ${activeOn(sql`e.exam_date`)}
        join communities cm on cm.id = m.community_id
        where ${w} group by cm.id, cm.name, cm.code order by cm.code`;
      break;
    case 'location':
      query = sql<RawStat>`select s.location_class as key, s.location_class as label, null::int as school_id, ${aggregates} ${from}
        where ${w} group by s.location_class order by case s.location_class when 'urban' then 1 when 'town' then 2 else 3 end`;
      break;
    case 'region':
      query = sql<RawStat>`select s.region_code as key, coalesce(r.name, s.region_code) as label, null::int as school_id, ${aggregates} ${from}
        left join regions r on r.code = s.region_code where ${w} group by s.region_code, r.name order by s.region_code`;
      break;
  }
  const rows = (await query.execute(db)).rows;
  return rows.filter((r) => r.n > 0).map(toStatRow);
}

/** Counts per tenth of the full mark (band 9 includes the full mark). */
export async function bandCounts(db: Db, f: StatFilter): Promise<{ band: number; n: number }[]> {
  const r = await sql<{
    band: number;
    n: number;
  }>`select least(9, floor(q.score * 10 / sub.full_mark))::int as band, count(*)::int as n
    from quality_scores q join quality_exam_subjects sub on sub.id = q.exam_subject_id where ${where(f)} group by 1 order by 1`.execute(
    db,
  );
  return r.rows;
}

export interface CategoryFigure {
  grp: string;
  n: number;
  mean: number | null;
  pass_rate: number | null;
  excellent_rate: number | null;
  low_rate: number | null;
}

const figures = sql`count(*)::int as n, avg(q.score)::float8 as mean,
  avg(case when q.score >= sub.pass_line then 1.0 else 0.0 end)::float8 as pass_rate,
  avg(case when q.score >= sub.excellent_line then 1.0 else 0.0 end)::float8 as excellent_rate,
  avg(case when q.score < sub.low_line then 1.0 else 0.0 end)::float8 as low_rate`;

/** Students pooled by location class and by their school's role (core/member) on the exam date. */
export async function gapFigures(db: Db, examSubjectId: number, scope: Expression<SqlBool>) {
  const base = sql`from quality_scores q join quality_exam_subjects sub on sub.id = q.exam_subject_id join schools s on s.id = q.school_id join quality_exams e on e.id = q.exam_id`;
  const location =
    await sql<CategoryFigure>`select s.location_class as grp, ${figures} ${base} where q.exam_subject_id = ${examSubjectId} and ${examOfSubject('q', examSubjectId)} and ${scope} group by 1`.execute(
      db,
    );
  // a school that is core of any community on that date counts as core
  const role =
    await sql<CategoryFigure>`select case when exists (select 1 from community_memberships m where m.school_id = q.school_id and m.role = 'core' and ${activeOn(sql`e.exam_date`)}) then 'core'
      when exists (select 1 from community_memberships m where m.school_id = q.school_id and m.role = 'member' and ${activeOn(sql`e.exam_date`)}) then 'member' else 'none' end as grp, ${figures}
    ${base} where q.exam_subject_id = ${examSubjectId} and ${examOfSubject('q', examSubjectId)} and ${scope} group by 1`.execute(
      db,
    );
  const community = await sql<
    CategoryFigure & { community_id: number; name: string }
  >`select cm.id as community_id, cm.name, m.role as grp, ${figures}
    ${base} join community_memberships m on m.school_id = q.school_id and ${activeOn(sql`e.exam_date`)} join communities cm on cm.id = m.community_id
    where q.exam_subject_id = ${examSubjectId} and ${examOfSubject('q', examSubjectId)} and ${scope} group by cm.id, cm.name, cm.code, m.role order by cm.code`.execute(
    db,
  );
  return { location: location.rows, role: role.rows, community: community.rows };
}

/** Per school: mean and count in one exam subject, and its status on the exam date. */
export async function schoolMeans(db: Db, examSubjectId: number, scope: Expression<SqlBool>) {
  const r = await sql<{
    school_id: number;
    location_class: string;
    n: number;
    mean: number;
    is_core: boolean;
    is_member: boolean;
  }>`
    select q.school_id, s.location_class, count(*)::int as n, avg(q.score)::float8 as mean,
      exists (select 1 from community_memberships m where m.school_id = q.school_id and m.role = 'core' and ${activeOn(sql`e.exam_date`)}) as is_core,
      exists (select 1 from community_memberships m where m.school_id = q.school_id and m.role = 'member' and ${activeOn(sql`e.exam_date`)}) as is_member
    from quality_scores q join schools s on s.id = q.school_id join quality_exams e on e.id = q.exam_id
    where q.exam_subject_id = ${examSubjectId} and ${examOfSubject('q', examSubjectId)} and ${scope}
    group by q.school_id, s.location_class, e.exam_date`.execute(db);
  return r.rows;
}
