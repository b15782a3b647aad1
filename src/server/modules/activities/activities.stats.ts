import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import type { ActivityKind, ActivityStatRow, StatDimension } from '../../../shared/activities.schemas.js';
import { regionPrefix } from '../../../shared/regions.js';
import { visibleCommunityCondition } from '../registry/index.js';

/**
 * Read functions other modules (dashboard, assessment) call for activity figures. All aggregation
 * happens in SQL. Definitions:
 * - activities: records; sessions: for a sync class one per receiving class (a class taking part in
 *   a lesson, as bureaus count 同步课堂 sessions), one for every other record;
 * - teacherTimes / studentTimes: the counted participants summed (人次); participantTimes: both.
 * Grouping by school counts a record once for every participating school (organiser included);
 * grouping by region uses the organising school's county; months are Asia/Shanghai.
 */
export interface ActivityStatsFilter {
  /** restrict to what this actor may read; omit for trusted callers (e.g. the assessment engine) */
  actor?: Actor;
  communityIds?: number[];
  schoolId?: number;
  kinds?: ActivityKind[];
  semester?: string;
  /** Shanghai dates, inclusive */
  from?: string;
  to?: string;
  /** county (or any region) code prefix of the organising school */
  region?: string;
}

const SESSIONS = sql<number>`case when a.kind = 'sync_class' then greatest(jsonb_array_length(coalesce(a.details->'receiving', '[]'::jsonb)), 1) else 1 end`;

export async function activityStats(
  db: Kysely<Database>,
  groupBy: readonly StatDimension[],
  f: ActivityStatsFilter = {},
): Promise<ActivityStatRow[]> {
  const dims = [...new Set(groupBy)];
  const conditions: Expression<SqlBool>[] = [];
  if (f.actor) conditions.push(visibleCommunityCondition(f.actor, 'a.community_id'));
  if (f.communityIds)
    conditions.push(
      f.communityIds.length ? sql<SqlBool>`a.community_id in (${sql.join(f.communityIds)})` : sql<SqlBool>`false`,
    );
  if (f.kinds?.length) conditions.push(sql<SqlBool>`a.kind in (${sql.join(f.kinds)})`);
  if (f.semester) conditions.push(sql<SqlBool>`a.semester = ${f.semester}`);
  if (f.from) conditions.push(sql<SqlBool>`a.starts_at >= (${f.from}::date::timestamp at time zone 'Asia/Shanghai')`);
  if (f.to) conditions.push(sql<SqlBool>`a.starts_at < ((${f.to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`);
  if (f.region) conditions.push(sql<SqlBool>`os.region_code like ${`${regionPrefix(f.region)}%`}`);
  const bySchool = dims.includes('school') || f.schoolId !== undefined;
  if (f.schoolId !== undefined) conditions.push(sql<SqlBool>`x.school_id = ${f.schoolId}`);

  const cols: { select: ReturnType<typeof sql.raw>; group: string[] }[] = [];
  const add = (select: string, group: string[]) => cols.push({ select: sql.raw(select), group });
  if (dims.includes('kind')) add('a.kind as kind', ['a.kind']);
  if (dims.includes('community'))
    add('a.community_id as "communityId", c.name as "communityName"', ['a.community_id', 'c.name']);
  if (dims.includes('school')) add('x.school_id as "schoolId", xs.name as "schoolName"', ['x.school_id', 'xs.name']);
  if (dims.includes('month'))
    add(`to_char(a.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month`, [
      `to_char(a.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM')`,
    ]);
  if (dims.includes('region'))
    add('os.region_code as "regionCode", r.name as "regionName"', ['os.region_code', 'r.name']);
  const groups = cols.flatMap((c) => c.group);

  const query = sql<ActivityStatRow>`
    select ${sql.join([...cols.map((c) => c.select), sql.raw('1 as one')])},
      count(*)::int as activities,
      sum(${SESSIONS})::int as sessions,
      sum(a.teacher_count)::int as "teacherTimes",
      sum(a.student_count)::int as "studentTimes",
      sum(a.teacher_count + a.student_count)::int as "participantTimes"
    from activities a
    join communities c on c.id = a.community_id
    join schools os on os.id = a.organizer_school_id
    left join regions r on r.code = os.region_code
    ${bySchool ? sql`join activity_schools x on x.activity_id = a.id join schools xs on xs.id = x.school_id` : sql``}
    where ${conditions.length ? sql.join(conditions, sql` and `) : sql`true`}
    ${groups.length ? sql`group by ${sql.raw(groups.join(', '))} order by ${sql.raw(groups.join(', '))}` : sql``}`;
  const rows = (await query.execute(db)).rows as (ActivityStatRow & { one?: number })[];
  return rows.map(({ one: _one, ...r }) => r);
}

/**
 * Distinct schools taking part (organiser or participant) in the activities the filter selects.
 * Activities record how many teachers and pupils took part, not who: their sums are 人次, and this
 * is the distinct count the dashboard shows beside them.
 */
export async function activitySchoolsReached(db: Kysely<Database>, f: ActivityStatsFilter = {}): Promise<number> {
  const conditions: Expression<SqlBool>[] = [];
  if (f.actor) conditions.push(visibleCommunityCondition(f.actor, 'a.community_id'));
  if (f.communityIds)
    conditions.push(
      f.communityIds.length ? sql<SqlBool>`a.community_id in (${sql.join(f.communityIds)})` : sql<SqlBool>`false`,
    );
  if (f.kinds?.length) conditions.push(sql<SqlBool>`a.kind in (${sql.join(f.kinds)})`);
  if (f.semester) conditions.push(sql<SqlBool>`a.semester = ${f.semester}`);
  if (f.from) conditions.push(sql<SqlBool>`a.starts_at >= (${f.from}::date::timestamp at time zone 'Asia/Shanghai')`);
  if (f.to) conditions.push(sql<SqlBool>`a.starts_at < ((${f.to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`);
  if (f.region) conditions.push(sql<SqlBool>`os.region_code like ${`${regionPrefix(f.region)}%`}`);
  if (f.schoolId !== undefined) conditions.push(sql<SqlBool>`x.school_id = ${f.schoolId}`);
  const r = await sql<{ n: number }>`
    select count(distinct x.school_id)::int as n
    from activities a
    join schools os on os.id = a.organizer_school_id
    join activity_schools x on x.activity_id = a.id
    where ${conditions.length ? sql.join(conditions, sql` and `) : sql`true`}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/**
 * Sync-class recordings, for the resources module to list as community resources (it reads them
 * here instead of this module writing into its tables). `since` pages by update time.
 */
export async function syncRecordings(
  db: Kysely<Database>,
  opts: { communityId?: number; since?: string; limit?: number } = {},
) {
  let q = db
    .selectFrom('activities as a')
    .select([
      'a.id as activityId',
      'a.community_id as communityId',
      'a.organizer_school_id as schoolId',
      'a.title',
      'a.starts_at as startsAt',
      'a.updated_at as updatedAt',
      sql<string>`a.details->>'recordingUrl'`.as('recordingUrl'),
      sql<string>`a.details->>'subject'`.as('subject'),
      sql<number>`(a.details->>'grade')::int`.as('grade'),
      sql<number>`(a.details->>'hostTeacherId')::int`.as('hostTeacherId'),
    ])
    .where('a.kind', '=', 'sync_class')
    .where(sql<boolean>`coalesce(a.details->>'recordingUrl', '') <> ''`);
  if (opts.communityId) q = q.where('a.community_id', '=', opts.communityId);
  if (opts.since) q = q.where('a.updated_at', '>', opts.since);
  return q
    .orderBy('a.updated_at')
    .orderBy('a.id')
    .limit(opts.limit ?? 1000)
    .execute();
}
