import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { nameContains } from '../../db/grams.js';
import { pageLiteral } from '../../db/paging.js';
import { keptTotal } from '../../db/totals.js';
import type { Actor } from '../../http/actor.js';
import type { ActivityListQuery } from '../../../shared/activities.schemas.js';
import { SCOPE_TABLES, visibleCommunityCondition } from '../registry/index.js';
import type { CommunityAccess } from './activities.policy.js';
import type { SyncSlot } from './calendar.conflicts.js';

/** SQL only. Every function takes the executor (the db or a transaction). */
type Ex = Kysely<Database>;

/** The community with the actor's visibility and today's member schools; null when it does not exist. */
export async function communityAccess(
  db: Ex,
  actor: Actor,
  communityId: number,
  onDate?: string,
): Promise<CommunityAccess | null> {
  return (await communityAccessMany(db, actor, [communityId], onDate)).get(communityId) ?? null;
}

/** Whether community `c` is visible to the actor. */
const communityVisible = (actor: Actor) => sql<boolean>`coalesce(${visibleCommunityCondition(actor, 'c.id')}, false)`;

/** The member schools of community `c` on a date (today when none), in id order. */
const memberSchoolIds = (onDate?: string) =>
  sql<number[]>`coalesce((select array_agg(m.school_id order by m.school_id) from community_memberships m
    where m.community_id = c.id and m.start_date <= coalesce(${onDate ?? null}::date, current_date)
    and (m.end_date is null or m.end_date >= coalesce(${onDate ?? null}::date, current_date))), '{}')`;

/** communityAccess for several communities in one query. */
export async function communityAccessMany(
  db: Ex,
  actor: Actor,
  communityIds: number[],
  onDate?: string,
): Promise<Map<number, CommunityAccess>> {
  if (!communityIds.length) return new Map();
  const rows = await db
    .selectFrom('communities as c')
    .select(['c.id', 'c.name', communityVisible(actor).as('visible'), memberSchoolIds(onDate).as('member_ids')])
    .where('c.id', 'in', communityIds)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      { id: row.id, name: row.name, visible: row.visible, memberSchoolIds: row.member_ids.map(Number) },
    ]),
  );
}

/** Activities the actor may read, filtered; select what you need on top. */
export function activitiesQuery(db: Ex, actor: Actor, q: Partial<ActivityListQuery>) {
  let query = db.selectFrom('activities as a').where(visibleCommunityCondition(actor, 'a.community_id'));
  if (q.communityId) query = query.where('a.community_id', '=', q.communityId);
  return withActivityFilters(query, actor, q);
}

/** The list's narrowing filters besides scope and community, on `activities as a`. */
function withActivityFilters(query: ActivityRows, actor: Actor, q: Partial<ActivityListQuery>): ActivityRows {
  let f = query;
  if (q.schoolId)
    f = f.where(
      sql<boolean>`exists (select 1 from activity_schools x where x.activity_id = a.id and x.school_id = ${q.schoolId})`,
    );
  if (q.kind?.length) f = f.where('a.kind', 'in', q.kind);
  if (q.semester) f = f.where('a.semester', '=', q.semester);
  if (q.month) f = f.where(sql<string>`to_char(a.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM')`, '=', q.month);
  if (q.from) f = f.where(sql<boolean>`a.starts_at >= (${q.from}::date::timestamp at time zone 'Asia/Shanghai')`);
  if (q.to) f = f.where(sql<boolean>`a.starts_at < ((${q.to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`);
  if (q.search) f = f.where(nameContains('a.title', q.search, 'ilike'));
  if (q.mine === 'true') f = f.where('a.created_by', '=', actor.userId);
  if (q.ids?.length) f = f.where('a.id', 'in', q.ids);
  return f;
}
type ActivityRows = ReturnType<typeof selectActivities>;
const selectActivities = (db: Ex) => db.selectFrom('activities as a');

/**
 * Whether a page is read community by community (pageIdsByCommunity) rather than through the whole
 * table in date order: when the caller sees a handful of communities (a school, a community, a
 * county bureau, or a chosen community). A province sees most communities, and its newest rows are
 * found fastest in the date index; a title search goes through the title index instead.
 */
export function readsByCommunity(actor: Actor, q: Partial<ActivityListQuery>): boolean {
  if (q.search || q.ids?.length) return false;
  if (q.communityId || actor.scope.kind !== 'region') return true;
  // a county's code ends in anything but 00; a city's (4 digits + 00) and a province's do not
  return /^\d{6}$/.test(actor.scope.id) && !actor.scope.id.endsWith('00');
}

/**
 * Ids of one list page for a caller who sees few communities: each visible community's newest rows
 * through activities_community_idx (at most offset + pageSize of each), merged and cut to the page.
 * The rows read are (communities × page end) instead of every activity of those communities, which
 * a school with 5,000 activities in its communities otherwise reads and sorts on every page view.
 */
export function pageIdsByCommunity(
  db: Ex,
  actor: Actor,
  q: Partial<ActivityListQuery>,
  page: { limit: number; offset: number },
) {
  const visible = visibleCommunityCondition(actor, 'vc.id');
  const communities = q.communityId
    ? sql`array(select vc.id from communities vc where vc.id = ${q.communityId} and ${visible})`
    : sql`array(select vc.id from communities vc where ${visible})`;
  const newest = withActivityFilters(selectActivities(db), actor, q)
    .select(['a.id', 'a.starts_at'])
    .where(sql<boolean>`a.community_id = v.cid`)
    .orderBy('a.starts_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(pageLiteral(page.limit + page.offset));
  return sql<{ id: number }>`select p.id from unnest(${communities}) as v(cid)
    cross join lateral (${newest}) as p
    order by p.starts_at desc, p.id desc limit ${pageLiteral(page.limit)} offset ${pageLiteral(page.offset)}`;
}

type ActivityBase = ReturnType<typeof activitiesQuery>;

/**
 * The exact number of activities a list filter matches, read from the maintained summaries
 * (activity_summary per community, activity_school_summary per participating school) instead of
 * counting activities; null when a filter is one no summary holds (a search, a date range, mine, ids),
 * and the caller counts rows. Month buckets are Beijing months, as the list's month filter is.
 */
export async function summaryTotal(db: Ex, actor: Actor, q: Partial<ActivityListQuery>): Promise<number | null> {
  if (q.search || q.from || q.to || q.mine === 'true' || q.ids?.length) return null;
  const bySchool = q.schoolId !== undefined;
  let query = (
    bySchool
      ? db.selectFrom('activity_school_summary as s').where('s.school_id', '=', q.schoolId!)
      : db.selectFrom('activity_summary as s')
  ).where(visibleCommunityCondition(actor, 's.community_id'));
  if (q.communityId) query = query.where('s.community_id', '=', q.communityId);
  if (q.kind?.length) query = query.where('s.kind', 'in', q.kind);
  if (q.semester) query = query.where('s.semester', '=', q.semester);
  if (q.month) query = query.where('s.month', '=', sql<string>`${`${q.month}-01`}::date`);
  const sum = query.select(sql<number>`coalesce(sum(s.activities), 0)::int`.as('n'));
  // a province's sum reads tens of thousands of summary rows: kept until an activity changes
  const kept = await keptTotal(db, sum, 'summary', [...SCOPE_TABLES, 'activities', 'activity_schools'], async () => {
    const row = await sum.executeTakeFirst();
    return { total: Number(row?.n ?? 0), exact: true };
  });
  return kept.total;
}

/** The columns of the API's activity, with names and counts in one round trip. */
export function withActivityExtras(q: ActivityBase) {
  return q
    .innerJoin('communities as c', 'c.id', 'a.community_id')
    .innerJoin('schools as os', 'os.id', 'a.organizer_school_id')
    .leftJoin('users as u', 'u.id', 'a.created_by')
    .select([
      'a.id',
      'a.community_id',
      'a.organizer_school_id',
      'a.kind',
      'a.title',
      'a.description',
      'a.starts_at',
      'a.ends_at',
      'a.semester',
      'a.teacher_count',
      'a.student_count',
      'a.details',
      'a.created_by',
      'a.created_at',
      'a.updated_at',
      'c.name as community_name',
      'os.name as organizer_name',
      'u.display_name as created_by_name',
      sql<
        { id: number; name: string }[]
      >`(select coalesce(json_agg(json_build_object('id', s.id, 'name', s.name) order by x.role desc, s.id), '[]')
        from activity_schools x join schools s on s.id = x.school_id where x.activity_id = a.id)`.as('schools'),
      sql<number>`(select count(distinct g.group_id) from activity_attachments g where g.activity_id = a.id)`.as(
        'attachment_count',
      ),
    ]);
}

/**
 * The member schools today of each listed activity's community (what communityAccessMany answers),
 * read with the page's rows instead of in a round trip of its own. Only for rows of activitiesQuery:
 * those are the activities of communities the caller sees, so their communities are visible by
 * construction — testing visibility again per row built a hash of every community_regions row of
 * a province on each page (0.3–0.5 ms of a 1 ms statement).
 */
export function withCommunityMembers(q: ReturnType<typeof withActivityExtras>) {
  return q.select(memberSchoolIds().as('community_member_ids'));
}

/** A listed activity's community access, as communityAccess would give it (visible: see withCommunityMembers). */
export function accessOfListed(r: {
  community_id: number;
  community_name: string;
  community_member_ids: number[];
}): CommunityAccess {
  return {
    id: r.community_id,
    name: r.community_name,
    visible: true,
    memberSchoolIds: r.community_member_ids.map(Number),
  };
}

export type ActivityWithExtras = Awaited<ReturnType<ReturnType<typeof withActivityExtras>['executeTakeFirstOrThrow']>>;

export async function findActivity(db: Ex, id: number) {
  const row = await db.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const schools = await db.selectFrom('activity_schools').select('school_id').where('activity_id', '=', id).execute();
  return { ...row, school_ids: schools.map((s) => s.school_id) };
}

export async function teachersByIds(db: Ex, ids: number[]) {
  if (!ids.length) return [];
  return db.selectFrom('teachers').select(['id', 'school_id', 'name']).where('id', 'in', ids).execute();
}

/** Sync classes overlapping [from, to) that involve any of the schools (as host or receiver). */
export async function syncSlots(
  db: Ex,
  from: string,
  to: string,
  schoolIds: number[],
): Promise<(SyncSlot & { communityId: number })[]> {
  if (!schoolIds.length) return [];
  const rows = await db
    .selectFrom('activities as a')
    .select(['a.id', 'a.title', 'a.starts_at', 'a.ends_at', 'a.details', 'a.organizer_school_id', 'a.community_id'])
    .where('a.kind', '=', 'sync_class')
    .where('a.starts_at', '<', to)
    .where('a.ends_at', '>', from)
    .where(
      sql<boolean>`exists (select 1 from activity_schools x where x.activity_id = a.id and x.school_id in (${sql.join(schoolIds)}))`,
    )
    .execute();
  return rows.map((r) => toSlot(r));
}

export function toSlot(r: {
  id: number;
  title: string;
  starts_at: string;
  ends_at: string;
  details: Record<string, unknown>;
  organizer_school_id: number;
  community_id: number;
}) {
  const d = r.details as {
    hostTeacherId: number;
    hostClass: string;
    receiving: { schoolId: number; className: string }[];
  };
  return {
    id: r.id,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    communityId: r.community_id,
    hostTeacherId: d.hostTeacherId,
    hostSchoolId: r.organizer_school_id,
    hostClass: d.hostClass,
    receiving: (d.receiving ?? []).map((x) => ({ schoolId: x.schoolId, className: x.className })),
  };
}

/** What the compliance computation needs of a community's semester. */
export async function activitiesForCompliance(db: Ex, communityId: number, semester: string) {
  const rows = await db
    .selectFrom('activities as a')
    .select([
      'a.id',
      'a.kind',
      'a.starts_at',
      sql<string | null>`a.details->>'grade'`.as('grade'),
      sql<string | null>`a.details->>'subject'`.as('subject'),
      sql<number[]>`(select array_agg(x.school_id) from activity_schools x where x.activity_id = a.id)`.as(
        'school_ids',
      ),
    ])
    .where('a.community_id', '=', communityId)
    .where('a.semester', '=', semester)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as never,
    startsAt: r.starts_at,
    schoolIds: (r.school_ids ?? []).map(Number),
    grade: r.grade === null ? null : Number(r.grade),
    subject: r.subject,
  }));
}

export function attachmentsOf(db: Ex, activityIds: number[]) {
  if (!activityIds.length) return Promise.resolve([]);
  return db
    .selectFrom('activity_attachments as t')
    .leftJoin('users as u', 'u.id', 't.uploaded_by')
    .selectAll('t')
    .select('u.display_name as uploader')
    .where('t.activity_id', 'in', activityIds)
    .orderBy('t.group_id')
    .orderBy('t.version', 'desc')
    .execute();
}
export type AttachmentWithUploader = Awaited<ReturnType<typeof attachmentsOf>>[number];
