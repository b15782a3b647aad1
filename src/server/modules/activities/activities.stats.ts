import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { z } from 'zod';
import { keptJson } from '../../db/kept.js';
import { regionPattern } from '../../db/region-pattern.js';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import {
  activityStatRowSchema,
  type ActivityKind,
  type ActivityStatRow,
  type StatDimension,
} from '../../../shared/activities.schemas.js';
import { regionPrefix } from '../../../shared/regions.js';
import { SCOPE_TABLES, visibleCommunityCondition } from '../registry/index.js';

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

/** Where the figures are read: the summaries when the filter allows (the default), or the activities. */
export type StatsSource = 'summary' | 'activities';

const firstOfMonth = (d: string) => /^\d{4}-\d{2}-01$/.test(d);
function lastOfMonth(d: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return false;
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return Number(m[3]) === last;
}

/**
 * Whether the summaries (activity_summary, activity_school_summary: per community, organising school,
 * kind, semester and Shanghai month) answer this filter exactly: every filter maps onto their keys
 * except a period that does not start on the first of a month or end on the last day of one.
 */
export function summaryAnswers(f: ActivityStatsFilter): boolean {
  return (f.from === undefined || firstOfMonth(f.from)) && (f.to === undefined || lastOfMonth(f.to));
}

/**
 * The filter as conditions. On the activities `a` (and participant rows `x` when by school); on the
 * summaries the same keys are columns of `a` (a summary row) and a period is whole months.
 */
function conditions(f: ActivityStatsFilter, summary: boolean, bySchool: boolean): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [];
  if (f.actor) c.push(visibleCommunityCondition(f.actor, 'a.community_id'));
  if (f.communityIds)
    c.push(f.communityIds.length ? sql<SqlBool>`a.community_id in (${sql.join(f.communityIds)})` : sql<SqlBool>`false`);
  if (f.kinds?.length) c.push(sql<SqlBool>`a.kind in (${sql.join(f.kinds)})`);
  if (f.semester) c.push(sql<SqlBool>`a.semester = ${f.semester}`);
  if (summary) {
    if (f.from) c.push(sql<SqlBool>`a.month >= ${f.from}::date`);
    if (f.to) c.push(sql<SqlBool>`a.month <= ${f.to}::date`);
  } else {
    if (f.from) c.push(sql<SqlBool>`a.starts_at >= (${f.from}::date::timestamp at time zone 'Asia/Shanghai')`);
    if (f.to) c.push(sql<SqlBool>`a.starts_at < ((${f.to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`);
  }
  if (f.region) c.push(sql<SqlBool>`os.region_code like ${regionPattern(regionPrefix(f.region))}`);
  if (f.schoolId !== undefined)
    c.push(sql<SqlBool>`${sql.raw(summary && bySchool ? 'a' : 'x')}.school_id = ${f.schoolId}`);
  return c;
}

export async function activityStats(
  db: Kysely<Database>,
  groupBy: readonly StatDimension[],
  f: ActivityStatsFilter = {},
  source: StatsSource = 'summary',
): Promise<ActivityStatRow[]> {
  return tidy((await statsStatement(groupBy, f, source).execute(db)).rows);
}

/** The tables activity statistics read (their writes change the figures). */
const STATS_READ = [...SCOPE_TABLES, 'activities', 'activity_schools'] as const;

/**
 * activityStats as the JSON text GET /api/v1/activity-stats sends, kept until an activity, a
 * participant or the registry changes (db/kept.ts): a province's figures by community are 1,850 rows
 * summed from a quarter of a million summary rows, the same for everyone who opens the page.
 */
export async function activityStatsJson(
  db: Kysely<Database>,
  groupBy: readonly StatDimension[],
  f: ActivityStatsFilter = {},
): Promise<string> {
  const statement = statsStatement(groupBy, f, 'summary');
  return keptJson(db, statement.compile(db), STATS_READ, async () =>
    z.array(activityStatRowSchema).parse(tidy((await statement.execute(db)).rows)),
  );
}

const tidy = (rows: (ActivityStatRow & { one?: number })[]): ActivityStatRow[] => rows.map(({ one: _one, ...r }) => r);

/** The statement of activityStats: over the summaries when they answer the filter, else the activities. */
function statsStatement(groupBy: readonly StatDimension[], f: ActivityStatsFilter, source: StatsSource) {
  const dims = [...new Set(groupBy)];
  const summary = source === 'summary' && summaryAnswers(f);
  const bySchool = dims.includes('school') || f.schoolId !== undefined;
  const where = conditions(f, summary, bySchool);

  if (summary) return summaryStats(dims, where, bySchool, f.region !== undefined);

  const cols: { select: ReturnType<typeof sql.raw>; group: string[] }[] = [];
  const add = (select: string, group: string[]) => cols.push({ select: sql.raw(select), group });
  if (dims.includes('kind')) add('a.kind as kind', ['a.kind']);
  if (dims.includes('community'))
    add('a.community_id as "communityId", c.name as "communityName"', ['a.community_id', 'c.name']);
  if (dims.includes('school')) add('x.school_id as "schoolId", xs.name as "schoolName"', ['x.school_id', 'xs.name']);
  if (dims.includes('month')) {
    const month = `to_char(a.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
    add(`${month} as month`, [month]);
  }
  if (dims.includes('region'))
    add('os.region_code as "regionCode", r.name as "regionName"', ['os.region_code', 'r.name']);
  const groups = cols.flatMap((c) => c.group);
  const select = sql.join([...cols.map((c) => c.select), sql.raw('1 as one')]);
  const whereSql = where.length ? sql.join(where, sql` and `) : sql`true`;
  const grouping = groups.length
    ? sql`group by ${sql.raw(groups.join(', '))} order by ${sql.raw(groups.join(', '))}`
    : sql``;

  const query = sql<ActivityStatRow>`
    select ${select},
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
    where ${whereSql}
    ${grouping}`;
  return query as RawBuilder<ActivityStatRow & { one?: number }>;
}

/**
 * The figures from a summary table. The rows are summed on the summary's own keys first and the
 * names joined to the few groups afterwards: grouping by a name as well made PostgreSQL sort every
 * summary row (a province's tens of thousands, spilling to disk) where a hash of ids suffices —
 * statistics by community 48 → 18 ms at 1,000 schools. Names follow their ids, so the order is the same.
 */
function summaryStats(
  dims: StatDimension[],
  where: Expression<SqlBool>[],
  bySchool: boolean,
  regionFilter: boolean,
): RawBuilder<ActivityStatRow & { one?: number }> {
  const keys: string[] = [];
  const outer: string[] = [];
  const order: string[] = [];
  if (dims.includes('kind')) {
    keys.push('a.kind');
    outer.push('s.kind');
    order.push('s.kind');
  }
  if (dims.includes('community')) {
    keys.push('a.community_id');
    outer.push('s.community_id as "communityId"', 'c.name as "communityName"');
    order.push('s.community_id');
  }
  if (dims.includes('school')) {
    keys.push('a.school_id');
    outer.push('s.school_id as "schoolId"', 'xs.name as "schoolName"');
    order.push('s.school_id');
  }
  if (dims.includes('month')) {
    keys.push(`to_char(a.month, 'YYYY-MM') as month`);
    outer.push('s.month');
    order.push('s.month');
  }
  if (dims.includes('region')) {
    keys.push('os.region_code');
    outer.push('s.region_code as "regionCode"', 'r.name as "regionName"');
    order.push('s.region_code');
  }
  const groupKeys = keys.map((k) => k.replace(/ as \w+$/, ''));
  const whereSql = where.length ? sql.join(where, sql` and `) : sql`true`;
  const query = sql<ActivityStatRow>`
    select ${sql.raw([...outer, ''].join(', '))}
      s.activities, s.sessions, s."teacherTimes", s."studentTimes", s."participantTimes"
    from (
      select ${sql.raw([...keys, ''].join(', '))}
        coalesce(sum(a.activities), 0)::int as activities,
        sum(a.sessions)::int as sessions,
        sum(a.teacher_times)::int as "teacherTimes",
        sum(a.student_times)::int as "studentTimes",
        sum(a.teacher_times + a.student_times)::int as "participantTimes"
      from ${sql.table(bySchool ? 'activity_school_summary' : 'activity_summary')} a
      ${dims.includes('region') || regionFilter ? sql`join schools os on os.id = a.organizer_school_id` : sql``}
      where ${whereSql}
      ${groupKeys.length ? sql`group by ${sql.raw(groupKeys.join(', '))}` : sql``}
    ) s
    ${dims.includes('community') ? sql`join communities c on c.id = s.community_id` : sql``}
    ${dims.includes('region') ? sql`left join regions r on r.code = s.region_code` : sql``}
    ${dims.includes('school') ? sql`join schools xs on xs.id = s.school_id` : sql``}
    ${order.length ? sql`order by ${sql.raw(order.join(', '))}` : sql``}`;
  return query;
}

/**
 * Distinct schools taking part (organiser or participant) in the activities the filter selects.
 * Activities record how many teachers and pupils took part, not who: their sums are 人次, and this
 * is the distinct count the dashboard shows beside them. A per-school summary row exists only for at
 * least one activity, so the summary counts the same schools.
 */
export async function activitySchoolsReached(
  db: Kysely<Database>,
  f: ActivityStatsFilter = {},
  source: StatsSource = 'summary',
): Promise<number> {
  const summary = source === 'summary' && summaryAnswers(f);
  const where = conditions(f, summary, true);
  const whereSql = where.length ? sql.join(where, sql` and `) : sql`true`;
  const r = summary
    ? await sql<{ n: number }>`
    select count(distinct a.school_id)::int as n
    from activity_school_summary a
    ${f.region ? sql`join schools os on os.id = a.organizer_school_id` : sql``}
    where ${whereSql}`.execute(db)
    : await sql<{ n: number }>`
    select count(distinct x.school_id)::int as n
    from activities a
    join schools os on os.id = a.organizer_school_id
    join activity_schools x on x.activity_id = a.id
    where ${whereSql}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/**
 * Sync-class recording links, which recordings.ts publishes to the library through the resources
 * module's index (the demo seed's catch-up; the app publishes each as it is filled in). `since`
 * pages by update time.
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
