import { sql, type Kysely, type SqlBool } from 'kysely';
import { regionPattern } from '../../db/region-pattern.js';
import { containsOrEquals, gramsContain, isPattern, nameContains } from '../../db/grams.js';
import { pageLiteral } from '../../db/paging.js';
import type { Database } from '../../db/database.js';
import type { SchoolYearStatsRow } from './registry.tables.js';
import type { Actor } from '../../http/actor.js';
import { regionPrefix } from '../../../shared/regions.js';
import type {
  CommunityListQuery,
  SchoolListQuery,
  TeacherListQuery,
  TeacherOptionsQuery,
} from '../../../shared/registry.schemas.js';
import {
  pickableTeacherSchoolCondition,
  privateSchoolCondition,
  schoolFilterCondition,
  visibleCommunityCondition,
  visibleSchoolRowCondition,
} from './registry.scope.js';

/** SQL only. Every function takes the executor to use, so services can run them inside a transaction. */
type Tx = Kysely<Database>;

// ---------- regions ----------
export function regionsQuery(
  db: Tx,
  q: { parent?: string | undefined; level?: number | undefined; search?: string | undefined },
) {
  let query = db.selectFrom('regions as r');
  if (q.parent) query = query.where('r.parent_code', '=', q.parent);
  if (q.level !== undefined) query = query.where('r.level', '=', q.level);
  if (q.search)
    query = query.where((eb) => eb.or([eb('r.name', 'like', `%${q.search}%`), eb('r.code', 'like', `${q.search}%`)]));
  return query;
}

export async function findRegion(db: Tx, code: string) {
  return db.selectFrom('regions').selectAll().where('code', '=', code).executeTakeFirst();
}

// ---------- schools ----------
export function schoolsQuery(db: Tx, actor: Actor, q: Partial<SchoolListQuery>) {
  let query = db.selectFrom('schools as s').where(visibleSchoolRowCondition(actor, 's'));
  if (q.search) {
    const s = q.search;
    query = query.where((eb) =>
      eb.or([
        nameContains('s.name', s, 'ilike'),
        eb('s.code', 'like', `${s}%`),
        nameContains('s.short_name', s, 'ilike'),
      ]),
    );
  }
  if (q.region) query = query.where('s.region_code', 'like', `${regionPrefix(q.region)}%`);
  if (q.level?.length) query = query.where('s.level', 'in', q.level);
  if (q.locationClass?.length) query = query.where('s.location_class', 'in', q.locationClass);
  if (q.qualityTier?.length) query = query.where('s.quality_tier', 'in', q.qualityTier);
  if (q.isTeachingPoint !== undefined) query = query.where('s.is_teaching_point', '=', q.isTeachingPoint);
  if (q.communityId) query = query.where(schoolFilterCondition('s.id', { communityId: q.communityId }));
  if (q.inCommunity !== undefined) {
    const current = sql<boolean>`exists (select 1 from community_memberships m where m.school_id = s.id and (m.end_date is null or m.end_date >= current_date))`;
    query = query.where(q.inCommunity ? current : sql<boolean>`not ${current}`);
  }
  return query;
}

export const schoolColumns = [
  's.id',
  's.code',
  's.name',
  's.short_name',
  's.region_code',
  's.township_code',
  's.level',
  's.location_class',
  's.is_teaching_point',
  's.parent_school_id',
  's.quality_tier',
  's.latitude',
  's.longitude',
  's.address',
  's.principal_name',
  's.phone',
  's.founded_year',
  's.students',
  's.classes',
  's.has_recording_classroom',
  's.has_sync_classroom',
  's.is_active',
  's.created_at',
  's.updated_at',
] as const;

/** Adds names and counts the list and detail views show, in one query (no per-row lookups). */
export function withSchoolExtras<QB extends ReturnType<typeof schoolsQuery>>(query: QB) {
  return query.select([...schoolColumns]).select([
    sql<string | null>`(select r.name from regions r where r.code = s.region_code)`.as('region_name'),
    sql<string | null>`(select r.name from regions r where r.code = s.township_code)`.as('township_name'),
    sql<string | null>`(select p.code from schools p where p.id = s.parent_school_id)`.as('parent_school_code'),
    // the maintained count (school_teacher_counts), not a count of the school's teachers per row
    sql<number>`coalesce((select k.active from school_teacher_counts k where k.school_id = s.id), 0)`.as(
      'teacher_count',
    ),
    sql<
      { id: number; name: string; role: string }[]
    >`coalesce((select json_agg(json_build_object('id', c.id, 'name', c.name, 'role', m.role) order by c.id)
        from community_memberships m join communities c on c.id = m.community_id
        where m.school_id = s.id and (m.end_date is null or m.end_date >= current_date)), '[]'::json)`.as(
      'communities',
    ),
  ]);
}

export async function findSchool(db: Tx, id: number) {
  return db.selectFrom('schools').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSchoolByCode(db: Tx, code: string) {
  return db
    .selectFrom('schools')
    .select(['id', 'code', 'name', 'region_code'])
    .where('code', '=', code)
    .executeTakeFirst();
}

// ---------- teachers ----------
/**
 * A region's teachers by the county kept on each teacher (privateSchoolCondition's rows: schools
 * whose county is in the region): a county by equality, which teachers_county_* serve in list order.
 */
function countyCondition(regionCode: string) {
  const prefix = regionPrefix(regionCode);
  return prefix.length === 6
    ? sql<SqlBool>`t.county_code = ${prefix}`
    : sql<SqlBool>`t.county_code like ${regionPattern(prefix)}`;
}

export function teachersQuery(db: Tx, actor: Actor, q: Partial<TeacherListQuery>) {
  // no join here: counting 300,000 teachers must not pay for a join it does not need
  let query = db
    .selectFrom('teachers as t')
    .where(
      actor.scope.kind === 'region' ? countyCondition(actor.scope.id) : privateSchoolCondition(actor, 't.school_id'),
    );
  if (q.search) {
    const s = q.search;
    if ([...s].length < 2) {
      // one character is mostly a surname, held by a tenth of all teachers: reading in list order and
      // stopping at a page (and the count at its cap) beats fetching every match through an index
      query = query.where((eb) =>
        eb.or([eb('t.name', 'like', `%${s}%`), eb('t.teacher_code', '=', s), eb('t.phone', '=', s)]),
      );
    } else {
      // name, code or phone, each through its own index (a BitmapOr; see containsOrEquals)
      query = query.where(
        containsOrEquals('t.name', s, 'like', [sql<SqlBool>`t.teacher_code = ${s}`, sql<SqlBool>`t.phone = ${s}`]),
      );
    }
  }
  if (q.schoolId) query = query.where('t.school_id', '=', q.schoolId);
  if (q.region)
    query = query.where('t.school_id', 'in', (eb) =>
      eb
        .selectFrom('schools as rs')
        .select('rs.id')
        .where('rs.region_code', 'like', `${regionPrefix(q.region!)}%`),
    );
  if (q.communityId) query = query.where(schoolFilterCondition('t.school_id', { communityId: q.communityId }));
  if (q.gender) query = query.where('t.gender', '=', q.gender);
  if (q.subject) query = query.where(sql<boolean>`t.subjects @> array[${q.subject}]::text[]`);
  if (q.honour) query = query.where(sql<boolean>`t.honours @> array[${q.honour}]::text[]`);
  if (q.title) query = query.where('t.title', '=', q.title);
  if (q.status) query = query.where('t.status', '=', q.status);
  if (q.nonSpecialist !== undefined) {
    const cond = sql<boolean>`(t.major_subject is not null and cardinality(t.subjects) > 0 and not (t.major_subject = any(t.subjects)))`;
    query = query.where(q.nonSpecialist ? cond : sql<boolean>`not ${cond}`);
  }
  return query;
}

/**
 * Teachers offered by a picker: name and school only, from the schools the actor may pick from
 * (registry.scope.ts), searched by name or code — never by phone, which is private.
 */
export function teacherOptionsQuery(db: Tx, actor: Actor, q: TeacherOptionsQuery) {
  let query = db
    .selectFrom('teachers as t')
    .where(pickableTeacherSchoolCondition(actor, 't.school_id'))
    .where('t.status', '=', 'active');
  if (q.search) {
    const s = q.search;
    query = query.where((eb) => eb.or([nameContains('t.name', s, 'like'), eb('t.teacher_code', '=', s)]));
  }
  if (q.schoolId) query = query.where('t.school_id', '=', q.schoolId);
  if (q.communityId) query = query.where(schoolFilterCondition('t.school_id', { communityId: q.communityId }));
  return query
    .select(['t.id', 't.name', 't.school_id', teacherSchoolName])
    .orderBy('t.name')
    .orderBy('t.id')
    .limit(pageLiteral(q.pageSize));
}

/** The school's name for each listed teacher (a page at a time, so a scalar subquery is cheap). */
export const teacherSchoolName = sql<string>`(select s.name from schools s where s.id = t.school_id)`.as('school_name');
/** …and its code, which exports carry so they re-import. */
export const teacherSchoolCode = sql<string>`(select s.code from schools s where s.id = t.school_id)`.as('school_code');

export const teacherColumns = [
  't.id',
  't.teacher_code',
  't.school_id',
  't.name',
  't.gender',
  't.birth_year',
  't.phone',
  't.subjects',
  't.major_subject',
  't.title',
  't.honours',
  't.posts',
  't.qualification',
  't.hire_year',
  't.status',
  't.created_at',
  't.updated_at',
] as const;

export async function findTeacher(db: Tx, id: number) {
  return db.selectFrom('teachers').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---------- communities ----------
export function communitiesQuery(db: Tx, actor: Actor, q: Partial<CommunityListQuery>) {
  let query = db.selectFrom('communities as c').where(visibleCommunityCondition(actor, 'c.id'));
  if (q.search) {
    const s = q.search;
    // the code's grams serve its prefix test too (a prefix is a substring)
    const codePrefix = isPattern(s)
      ? sql<SqlBool>`c.code ilike ${`${s}%`}`
      : sql<SqlBool>`(c.code ilike ${`${s}%`} and ${gramsContain(sql.ref('c.code'), s)})`;
    query = query.where(sql<SqlBool>`(${nameContains('c.name', s, 'ilike')} or ${codePrefix})`);
  }
  if (q.region) {
    const p = `${regionPrefix(q.region)}%`;
    query = query.where((eb) => eb.or([eb('c.region_code', 'like', p), eb('c.partner_region_code', 'like', p)]));
  }
  if (q.type?.length) query = query.where('c.type', 'in', q.type);
  if (q.model?.length) query = query.where('c.model', 'in', q.model);
  if (q.isCrossRegion !== undefined) query = query.where('c.is_cross_region', '=', q.isCrossRegion);
  if (q.schoolId)
    query = query.where('c.id', 'in', (eb) =>
      eb.selectFrom('community_memberships as m').select('m.community_id').where('m.school_id', '=', q.schoolId!),
    );
  if (q.active !== undefined) {
    const active = sql<boolean>`(c.dissolved_on is null or c.dissolved_on > current_date)`;
    query = query.where(q.active ? active : sql<boolean>`not ${active}`);
  }
  return query;
}

export function withCommunityExtras<QB extends ReturnType<typeof communitiesQuery>>(query: QB) {
  return query.selectAll('c').select([
    sql<string | null>`(select r.name from regions r where r.code = c.region_code)`.as('region_name'),
    sql<string | null>`(select r.name from regions r where r.code = c.partner_region_code)`.as('partner_region_name'),
    sql<
      { id: number; name: string }[]
    >`coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name) order by s.id)
      from community_memberships m join schools s on s.id = m.school_id
      where m.community_id = c.id and m.role = 'core' and (m.end_date is null or m.end_date >= current_date)), '[]'::json)`.as(
      'core_schools',
    ),
    sql<number>`(select count(*) from community_memberships m where m.community_id = c.id and (m.end_date is null or m.end_date >= current_date))`.as(
      'member_count',
    ),
  ]);
}

export async function findCommunity(db: Tx, id: number) {
  return db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function membershipsOf(db: Tx, communityId: number) {
  return db
    .selectFrom('community_memberships as m')
    .innerJoin('schools as s', 's.id', 'm.school_id')
    .select([
      'm.id',
      'm.community_id',
      'm.school_id',
      'm.role',
      'm.start_date',
      'm.end_date',
      'm.note',
      's.name as school_name',
      's.code as school_code',
      's.level as school_level',
      's.location_class',
      's.region_code',
    ])
    .select(sql<boolean>`(m.end_date is null or m.end_date >= current_date)`.as('is_current'))
    .where('m.community_id', '=', communityId)
    .orderBy('m.start_date', 'desc')
    .orderBy('m.id')
    .execute();
}

/** Memberships of this school in this community whose period overlaps [start, ∞). */
export async function overlappingMembership(db: Tx, communityId: number, schoolId: number, start: string) {
  return db
    .selectFrom('community_memberships')
    .select(['id', 'start_date'])
    .where('community_id', '=', communityId)
    .where('school_id', '=', schoolId)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', start)]))
    .executeTakeFirst();
}

export async function leadershipOf(db: Tx, communityId: number) {
  return db
    .selectFrom('leadership_members as l')
    .leftJoin('schools as s', 's.id', 'l.school_id')
    .selectAll('l')
    .select('s.name as school_name')
    .where('l.community_id', '=', communityId)
    .orderBy(sql`case l.role when 'leader' then 0 when 'deputy' then 1 else 2 end`)
    .orderBy('l.id')
    .execute();
}

// ---------- annual statistics ----------
export function statsQuery(
  db: Tx,
  actor: Actor,
  q: { schoolId?: number | undefined; schoolYear?: number | undefined; region?: string | undefined },
) {
  let query = db
    .selectFrom('school_year_stats as y')
    .innerJoin('schools as s', 's.id', 'y.school_id')
    .where(visibleSchoolRowCondition(actor, 's'));
  if (q.schoolId) query = query.where('y.school_id', '=', q.schoolId);
  if (q.schoolYear) query = query.where('y.school_year', '=', q.schoolYear);
  if (q.region) query = query.where('s.region_code', 'like', `${regionPrefix(q.region)}%`);
  return query;
}

/**
 * One page of the statistics list (newest school year first, then school code), read year by year:
 * the years come from school_year_stats_year_idx, and each year's first rows in code order. Sorting
 * every school's every year for each page grew with the province; this reads a page's worth a year.
 */
export async function statsPage(
  db: Tx,
  actor: Actor,
  q: { schoolId?: number | undefined; schoolYear?: number | undefined; region?: string | undefined },
  page: { limit: number; offset: number },
) {
  const ofYear = statsQuery(db, actor, q)
    .selectAll('y')
    .select(['s.name as school_name', 's.code as school_code'])
    .where(sql<boolean>`y.school_year = yr.y`)
    .orderBy('s.code')
    .limit(pageLiteral(page.limit + page.offset));
  const r = await sql<SchoolYearStatsRow & { school_name: string; school_code: string }>`
    with recursive yr(y) as (
      select max(school_year) from school_year_stats
      union all
      select (select max(m.school_year) from school_year_stats m where m.school_year < yr.y) from yr where yr.y is not null
    )
    select p.* from yr cross join lateral (${ofYear}) as p
    where yr.y is not null
    order by p.school_year desc, p.school_code limit ${pageLiteral(page.limit)} offset ${pageLiteral(page.offset)}`.execute(
    db,
  );
  return r.rows;
}
