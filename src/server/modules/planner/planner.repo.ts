import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import type { PlanListQuery } from '../../../shared/planner.schemas.js';
import { regionPrefix } from '../../../shared/regions.js';

/** SQL only. Registry tables are read, never written, here (writes go through the registry's services). */
type Db = Kysely<Database>;

export interface PlannerSchoolRow {
  id: number;
  name: string;
  region_code: string;
  level: string;
  location_class: string;
  quality_tier: string | null;
  latitude: number;
  longitude: number;
  classes: number;
  has_teaching_points: boolean;
}

/** Active compulsory schools with coordinates in the given regions (prefix match), teaching points excluded. */
export async function plannerSchools(db: Db, regionCodes: string[]): Promise<PlannerSchoolRow[]> {
  const prefixes = regionCodes.map((c) => `${regionPrefix(c)}%`);
  const rows = await sql<PlannerSchoolRow>`
    select s.id, s.name, s.region_code, s.level, s.location_class, s.quality_tier, s.latitude, s.longitude,
           coalesce(s.classes, 0) as classes,
           exists (select 1 from schools t where t.parent_school_id = s.id and t.is_active) as has_teaching_points
    from schools s
    where s.is_active and not s.is_teaching_point and s.level <> 'kindergarten'
      and s.latitude is not null and s.longitude is not null
      and s.region_code like any (${prefixes}::text[])
    order by s.id`.execute(db);
  return rows.rows;
}

/** Every school (teaching points included) for exchange matching, with the counts the rules need. */
export async function exchangeSchools(db: Db, regionCode: string): Promise<PlannerSchoolRow[]> {
  const rows = await sql<PlannerSchoolRow>`
    select s.id, s.name, s.region_code, s.level, s.location_class, s.quality_tier, s.latitude, s.longitude,
           coalesce(s.classes, 0) as classes, false as has_teaching_points
    from schools s
    where s.is_active and s.level <> 'kindergarten' and s.latitude is not null and s.longitude is not null
      and s.region_code like ${`${regionPrefix(regionCode)}%`}
    order by s.id`.execute(db);
  return rows.rows;
}

export interface StaffRow {
  id: number;
  school_id: number;
  name: string;
  subjects: string[];
  major_subject: string | null;
  posts: string[];
  honours: string[];
}
export async function activeTeachers(db: Db, schoolIds: number[]): Promise<StaffRow[]> {
  if (!schoolIds.length) return [];
  return db
    .selectFrom('teachers')
    .select(['id', 'school_id', 'name', 'subjects', 'major_subject', 'posts', 'honours'])
    .where('school_id', 'in', schoolIds)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

/** Counties paired with this one by existing cross-region communities (山海协作). */
export async function partnerRegions(db: Db, regionCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('communities')
    .select(['region_code', 'partner_region_code'])
    .where('is_cross_region', '=', true)
    .where((eb) => eb.or([eb('region_code', '=', regionCode), eb('partner_region_code', '=', regionCode)]))
    .execute();
  const out = new Set<string>();
  for (const r of rows) {
    if (r.region_code !== regionCode) out.add(r.region_code);
    if (r.partner_region_code && r.partner_region_code !== regionCode) out.add(r.partner_region_code);
  }
  return [...out];
}

export interface CurrentMembership {
  membership_id: number;
  school_id: number;
  community_id: number;
  start_date: string;
  core_ids: number[];
}
/** Each school's current 'member' memberships with the core schools of those communities. */
export async function currentMemberships(db: Db, schoolIds: number[], on: string): Promise<CurrentMembership[]> {
  if (!schoolIds.length) return [];
  const rows = await sql<CurrentMembership>`
    select m.id as membership_id, m.school_id, m.community_id, m.start_date,
           coalesce(array_agg(c.school_id order by c.school_id) filter (where c.school_id is not null), '{}') as core_ids
    from community_memberships m
    join communities k on k.id = m.community_id and (k.dissolved_on is null or k.dissolved_on > ${on}::date)
    left join community_memberships c on c.community_id = m.community_id and c.role = 'core'
      and c.start_date <= ${on}::date and (c.end_date is null or c.end_date >= ${on}::date)
    where m.role = 'member' and m.school_id = any(${schoolIds}::int[])
      and m.start_date <= ${on}::date and (m.end_date is null or m.end_date >= ${on}::date)
    group by m.id, m.school_id, m.community_id, m.start_date
    order by m.school_id, m.id`.execute(db);
  return rows.rows;
}

/** Active communities each school leads as core, lowest id first. */
export async function ledCommunities(
  db: Db,
  schoolIds: number[],
  on: string,
): Promise<{ school_id: number; community_id: number; member_ids: number[] }[]> {
  if (!schoolIds.length) return [];
  const rows = await sql<{ school_id: number; community_id: number; member_ids: number[] }>`
    select c.school_id, c.community_id,
           coalesce(array_agg(m.school_id) filter (where m.school_id is not null), '{}') as member_ids
    from community_memberships c
    join communities k on k.id = c.community_id and (k.dissolved_on is null or k.dissolved_on > ${on}::date)
    left join community_memberships m on m.community_id = c.community_id and m.role = 'member'
      and m.start_date <= ${on}::date and (m.end_date is null or m.end_date >= ${on}::date)
    where c.role = 'core' and c.school_id = any(${schoolIds}::int[])
      and c.start_date <= ${on}::date and (c.end_date is null or c.end_date >= ${on}::date)
    group by c.school_id, c.community_id
    order by c.school_id, c.community_id`.execute(db);
  return rows.rows;
}

// ---------- plans ----------

export function plansQuery(db: Db, actor: Actor, q: Partial<PlanListQuery>) {
  let query = db.selectFrom('planner_plans as p').leftJoin('regions as r', 'r.code', 'p.region_code');
  // plans are region business: only region-scoped users see them, within their region
  query =
    actor.scope.kind === 'region'
      ? query.where('p.region_code', 'like', `${regionPrefix(actor.scope.id)}%`)
      : query.where(sql<boolean>`false`);
  if (q.kind) query = query.where('p.kind', '=', q.kind);
  if (q.status) query = query.where('p.status', '=', q.status);
  if (q.region) query = query.where('p.region_code', 'like', `${regionPrefix(q.region)}%`);
  return query;
}

export async function findPlan(db: Db, id: number) {
  return db
    .selectFrom('planner_plans as p')
    .leftJoin('regions as r', 'r.code', 'p.region_code')
    .selectAll('p')
    .select('r.name as region_name')
    .where('p.id', '=', id)
    .executeTakeFirst();
}
export type PlanWithRegion = NonNullable<Awaited<ReturnType<typeof findPlan>>>;

export async function plannedExchanges(db: Db, planId: number) {
  return db
    .selectFrom('planner_exchange_assignments as e')
    .innerJoin('schools as f', 'f.id', 'e.from_school_id')
    .innerJoin('schools as t', 't.id', 'e.to_school_id')
    .leftJoin('teachers as tc', 'tc.id', 'e.teacher_id')
    .select([
      'e.id',
      'e.plan_id',
      'e.from_school_id',
      'f.name as from_name',
      'e.to_school_id',
      't.name as to_name',
      'e.subject',
      'e.kind',
      'e.weekly_slots',
      'e.teacher_id',
      'tc.name as teacher_name',
      'e.start_date',
      'e.status',
      'e.exchange_assignment_id',
    ])
    .where('e.plan_id', '=', planId)
    .orderBy('t.name')
    .orderBy('e.subject')
    .execute();
}
