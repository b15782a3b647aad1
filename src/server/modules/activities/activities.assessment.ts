import { sql } from 'kysely';
import { ACTIVITY_KIND_LABELS, ACTIVITY_KINDS } from '../../../shared/activities.schemas.js';
import { toMap, yearEnd, yearStart, type DataSource, type SourceQuery } from '../../contracts/assessment-source.js';
import type { Db } from '../../db/connection.js';

/**
 * Series from the activities module: one count per activity kind (同步课堂 sessions, 集体备课 …) and
 * participating teacher-times, for activities held during the school year (not merely scheduled).
 * A school's count is the activities it took part in (organiser or participant).
 */
const requires = [
  { table: 'activities', columns: ['community_id', 'kind', 'starts_at', 'teacher_count'] },
  { table: 'activity_schools', columns: ['activity_id', 'school_id'] },
];
const held = (y: number) =>
  sql`a.starts_at >= ${yearStart(y)}::date and a.starts_at < least(${yearEnd(y)}::date, now())`;

function activityCount(kind: string | null, measure: 'count' | 'teachers') {
  const what = measure === 'count' ? sql`count(*)` : sql`coalesce(sum(a.teacher_count), 0)`;
  const kindCond = kind ? sql`and a.kind = ${kind}` : sql``;
  return async (db: Db, q: SourceQuery) => {
    if (!q.ids.length) return new Map<number, number | null>();
    const rows =
      q.scope === 'community'
        ? await sql<{ id: number; v: number }>`select a.community_id as id, ${what}::float8 as v from activities a
          where a.community_id = any(${q.ids}::int[]) and ${held(q.year)} ${kindCond} group by a.community_id`.execute(
            db,
          )
        : await sql<{
            id: number;
            v: number;
          }>`select x.school_id as id, ${what}::float8 as v from activities a join activity_schools x on x.activity_id = a.id
          where x.school_id = any(${q.ids}::int[]) and ${held(q.year)} ${kindCond} group by x.school_id`.execute(db);
    return toMap(rows.rows, q.ids, 0);
  };
}

function recordsOf(kind: string) {
  return async (db: Db, q: { year: number; communityId: number; limit: number }) => {
    const rows = await sql<{
      id: number;
      title: string;
      day: string;
    }>`select a.id, a.title, to_char(a.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day
      from activities a where a.community_id = ${q.communityId} and a.kind = ${kind} and ${held(q.year)} order by a.starts_at desc limit ${q.limit}`.execute(
      db,
    );
    return rows.rows.map((r) => ({ label: r.title, date: r.day, href: `/activities/${r.id}` }));
  };
}

export const activitiesSources: DataSource[] = [
  ...ACTIVITY_KINDS.map((kind): DataSource => ({
    key: `activities_${kind}`,
    label: { zh: `${ACTIVITY_KIND_LABELS[kind].zh}次数`, en: `${ACTIVITY_KIND_LABELS[kind].en} sessions` },
    unit: 'session',
    unitLabel: { zh: '次', en: 'sessions' },
    module: 'activities',
    requires,
    schoolScope: true,
    compute: activityCount(kind, 'count'),
    records: recordsOf(kind),
  })),
  {
    key: 'activities_all',
    label: { zh: '各类活动总次数', en: 'All activities' },
    unit: 'session',
    unitLabel: { zh: '次', en: 'sessions' },
    module: 'activities',
    requires,
    schoolScope: true,
    compute: activityCount(null, 'count'),
  },
  {
    key: 'activity_teacher_times',
    label: { zh: '活动参与教师人次', en: 'Teacher participations' },
    unit: 'person',
    unitLabel: { zh: '人次', en: 'teacher-times' },
    module: 'activities',
    requires,
    schoolScope: true,
    compute: activityCount(null, 'teachers'),
  },
];
