import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { MASTER_HONOURS, type LocationClass, type SchoolLevel } from '../../../shared/enums.js';
import { regionPrefix } from '../../../shared/regions.js';
import {
  privateSchoolCondition,
  scopeSchoolCondition,
  visibleCommunityCondition,
  visibleSchoolCondition,
} from './registry.scope.js';
import type { ResolvedScope } from '../../contracts/dashboard-panel.js';

/**
 * Read-only registry statistics the registry module does not offer yet (it has lists, not
 * aggregates). Each function counts exactly the rows of a registry list with the same filters, using
 * the registry's own scope conditions, so a figure always equals its drill-down list's total:
 *   schools      → GET /api/v1/schools?region|communityId&level&locationClass[&inCommunity]
 *   communities  → GET /api/v1/communities?region&active=true   (community view: the community)
 *   teachers     → GET /api/v1/dashboard/teachers (same conditions as /api/v1/teachers?status=active,
 *                  plus level/location class of the school, which the teachers list cannot filter)
 * Registry figures are as of today (memberships and teachers have no school-year snapshot).
 */
export const COMPULSORY_LEVELS: readonly SchoolLevel[] = ['primary', 'junior', 'nine_year'];
export const MASTER_SHARE_LINE = 15;

export interface SchoolFilter {
  level: readonly SchoolLevel[];
  locationClass: readonly LocationClass[];
}

function schoolFilterSql(f: SchoolFilter, alias: string): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (f.level.length) out.push(sql<SqlBool>`${sql.ref(`${alias}.level`)} in (${sql.join(f.level)})`);
  if (f.locationClass.length)
    out.push(sql<SqlBool>`${sql.ref(`${alias}.location_class`)} in (${sql.join(f.locationClass)})`);
  return out;
}
const and = (conds: Expression<SqlBool>[]) => (conds.length ? sql.join(conds, sql` and `) : sql`true`);
const CURRENT = sql`(m.end_date is null or m.end_date >= current_date)`;
const masterArray = sql`array[${sql.join(MASTER_HONOURS as string[])}]::text[]`;

export interface SchoolCounts {
  total: number;
  compulsory: number;
  compulsoryCovered: number;
  byLocation: { key: string; n: number }[];
  byTier: { key: string | null; n: number }[];
}

/** Schools of a scope by location class and tier, and the compulsory ones in a community today. */
export async function registrySchoolCounts(
  db: Db,
  actor: Actor,
  scope: ResolvedScope,
  f: SchoolFilter,
): Promise<SchoolCounts> {
  const compulsory = f.level.length ? f.level.filter((l) => COMPULSORY_LEVELS.includes(l)) : [...COMPULSORY_LEVELS];
  const isCompulsory = compulsory.length ? sql<SqlBool>`s.level in (${sql.join(compulsory)})` : sql<SqlBool>`false`;
  const rows = await sql<{
    location_class: string;
    quality_tier: string | null;
    n: number;
    compulsory: number;
    covered: number;
  }>`
    select s.location_class, s.quality_tier, count(*)::int as n,
      (count(*) filter (where ${isCompulsory}))::int as compulsory,
      (count(*) filter (where ${isCompulsory} and exists (select 1 from community_memberships m where m.school_id = s.id and ${CURRENT})))::int as covered
    from schools s
    where ${visibleSchoolCondition(actor, 's.id')} and ${scopeSchoolCondition(scope, 's.id')} and ${and(schoolFilterSql(f, 's'))}
    group by 1, 2`.execute(db);
  const sum = (pick: (r: (typeof rows.rows)[number]) => number) => rows.rows.reduce((a, r) => a + pick(r), 0);
  const group = <K extends string | null>(key: (r: (typeof rows.rows)[number]) => K) => {
    const m = new Map<K, number>();
    for (const r of rows.rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.n);
    return [...m].map(([k, n]) => ({ key: k, n }));
  };
  return {
    total: sum((r) => r.n),
    compulsory: sum((r) => r.compulsory),
    compulsoryCovered: sum((r) => r.covered),
    byLocation: group((r) => r.location_class),
    byTier: group((r) => r.quality_tier),
  };
}

export interface CommunityCounts {
  total: number;
  byType: { key: string; n: number }[];
  byModel: { key: string; n: number }[];
}

/** Active communities of a region (run by it or partnered with it), by type and by model. */
export async function registryCommunityCounts(db: Db, actor: Actor, regionCode: string): Promise<CommunityCounts> {
  const p = `${regionPrefix(regionCode)}%`;
  const rows = await sql<{ type: string; model: string; n: number }>`
    select c.type, c.model, count(*)::int as n from communities c
    where ${visibleCommunityCondition(actor, 'c.id')} and (c.region_code like ${p} or c.partner_region_code like ${p})
      and (c.dissolved_on is null or c.dissolved_on > current_date)
    group by 1, 2`.execute(db);
  const group = (key: 'type' | 'model') => {
    const m = new Map<string, number>();
    for (const r of rows.rows) m.set(r[key], (m.get(r[key]) ?? 0) + r.n);
    return [...m].map(([k, n]) => ({ key: k, n }));
  };
  return { total: rows.rows.reduce((a, r) => a + r.n, 0), byType: group('type'), byModel: group('model') };
}

/**
 * Active teachers the actor may see in a scope (optionally only master teachers, 名师: the honours
 * of MASTER_HONOURS). The one condition behind both the figures and the drill-down list.
 */
export function teacherConditions(
  actor: Actor,
  scope: ResolvedScope,
  f: SchoolFilter,
  master?: boolean,
): Expression<SqlBool> {
  const conds: Expression<SqlBool>[] = [
    sql<SqlBool>`t.status = 'active'`,
    privateSchoolCondition(actor, 't.school_id'),
    scopeSchoolCondition(scope, 't.school_id'),
  ];
  const schoolConds = schoolFilterSql(f, 'fs');
  if (schoolConds.length)
    conds.push(sql<SqlBool>`t.school_id in (select fs.id from schools fs where ${and(schoolConds)})`);
  if (master) conds.push(sql<SqlBool>`t.honours && ${masterArray}`);
  return and(conds) as Expression<SqlBool>;
}

export async function registryTeacherCounts(
  db: Db,
  actor: Actor,
  scope: ResolvedScope,
  f: SchoolFilter,
): Promise<{ total: number; master: number }> {
  const r = await sql<{ total: number; master: number }>`
    select count(*)::int as total, (count(*) filter (where t.honours && ${masterArray}))::int as master
    from teachers t where ${teacherConditions(actor, scope, f)}`.execute(db);
  return r.rows[0] ?? { total: 0, master: 0 };
}

export interface MasterShareRow {
  id: number;
  name: string;
  total: number;
  master: number;
}

/**
 * Master-teacher share per community of a region (or per member school of a community): the
 * structure indicator Shengzhou keeps at ≥ 15%. Teachers counted as in registryTeacherCounts.
 */
export async function masterShareByCommunity(
  db: Db,
  actor: Actor,
  regionCode: string,
  f: SchoolFilter,
): Promise<MasterShareRow[]> {
  const p = `${regionPrefix(regionCode)}%`;
  const rows = await sql<MasterShareRow>`
    with tc as (
      select t.school_id, count(*)::int as total, (count(*) filter (where t.honours && ${masterArray}))::int as master
      from teachers t
      where t.status = 'active' and ${privateSchoolCondition(actor, 't.school_id')}
      group by t.school_id
    )
    select c.id, c.name, coalesce(sum(tc.total), 0)::int as total, coalesce(sum(tc.master), 0)::int as master
    from communities c
    join community_memberships m on m.community_id = c.id and ${CURRENT}
    join schools s on s.id = m.school_id
    left join tc on tc.school_id = m.school_id
    where ${visibleCommunityCondition(actor, 'c.id')} and (c.region_code like ${p} or c.partner_region_code like ${p})
      and (c.dissolved_on is null or c.dissolved_on > current_date) and ${and(schoolFilterSql(f, 's'))}
    group by c.id, c.name
    order by c.id`.execute(db);
  return rows.rows;
}

export async function masterShareBySchool(
  db: Db,
  actor: Actor,
  scope: ResolvedScope,
  f: SchoolFilter,
): Promise<MasterShareRow[]> {
  const rows = await sql<MasterShareRow>`
    select s.id, s.name, count(t.id)::int as total, (count(t.id) filter (where t.honours && ${masterArray}))::int as master
    from schools s
    left join teachers t on t.school_id = s.id and t.status = 'active' and ${privateSchoolCondition(actor, 't.school_id')}
    where ${visibleSchoolCondition(actor, 's.id')} and ${scopeSchoolCondition(scope, 's.id')} and ${and(schoolFilterSql(f, 's'))}
    group by s.id, s.name
    order by s.id`.execute(db);
  return rows.rows;
}

/** One page of the teachers behind a teacher figure (drill-down), with the school's name. */
export async function drillTeachers(
  db: Db,
  actor: Actor,
  scope: ResolvedScope,
  f: SchoolFilter,
  master: boolean | undefined,
  page: number,
  pageSize: number,
) {
  const where = teacherConditions(actor, scope, f, master);
  const [items, total] = await Promise.all([
    sql<{
      id: number;
      name: string;
      teacher_code: string;
      school_id: number;
      school_name: string;
      honours: string[];
      title: string;
    }>`
      select t.id, t.name, t.teacher_code, t.school_id, s.name as school_name, t.honours, t.title
      from teachers t join schools s on s.id = t.school_id
      where ${where} order by t.school_id, t.teacher_code limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(
      db,
    ),
    sql<{ n: number }>`select count(*)::int as n from teachers t where ${where}`.execute(db),
  ]);
  return {
    items: items.rows.map((r) => ({
      id: r.id,
      name: r.name,
      teacherCode: r.teacher_code,
      schoolId: r.school_id,
      schoolName: r.school_name,
      honours: r.honours,
      title: r.title,
    })),
    total: total.rows[0]?.n ?? 0,
  };
}

/** Schools with coordinates and the current membership lines, for the map (no online tiles). */
export async function mapData(db: Db, actor: Actor, scope: ResolvedScope, f: SchoolFilter) {
  const where = sql<SqlBool>`${visibleSchoolCondition(actor, 's.id')} and ${scopeSchoolCondition(scope, 's.id')} and ${and(schoolFilterSql(f, 's'))}`;
  const [schools, missing, links] = await Promise.all([
    sql<{
      id: number;
      name: string;
      lng: number;
      lat: number;
      location_class: string;
      community_id: number | null;
      core: boolean;
    }>`
      select s.id, s.name, s.longitude as lng, s.latitude as lat, s.location_class,
        (select m.community_id from community_memberships m where m.school_id = s.id and ${CURRENT} order by m.role, m.community_id limit 1) as community_id,
        exists (select 1 from community_memberships m where m.school_id = s.id and m.role = 'core' and ${CURRENT}) as core
      from schools s where ${where} and s.latitude is not null and s.longitude is not null
      order by s.id`.execute(db),
    sql<{
      n: number;
    }>`select count(*)::int as n from schools s where ${where} and (s.latitude is null or s.longitude is null)`.execute(
      db,
    ),
    sql<{ community_id: number; name: string; from_lng: number; from_lat: number; to_lng: number; to_lat: number }>`
      select m.community_id, c.name, cs.longitude as from_lng, cs.latitude as from_lat, s.longitude as to_lng, s.latitude as to_lat
      from community_memberships m
      join communities c on c.id = m.community_id
      join community_memberships cm on cm.community_id = m.community_id and cm.role = 'core' and (cm.end_date is null or cm.end_date >= current_date)
      join schools cs on cs.id = cm.school_id
      join schools s on s.id = m.school_id
      where m.role = 'member' and ${CURRENT} and ${where}
        and s.latitude is not null and s.longitude is not null and cs.latitude is not null and cs.longitude is not null
      order by m.community_id, m.school_id`.execute(db),
  ]);
  const communities = new Map<number, string>();
  for (const l of links.rows) communities.set(l.community_id, l.name);
  return {
    schools: schools.rows.map((s) => ({
      id: s.id,
      name: s.name,
      lng: s.lng,
      lat: s.lat,
      locationClass: s.location_class,
      communityId: s.community_id,
      core: s.core,
    })),
    links: links.rows.map((l) => ({
      communityId: l.community_id,
      from: [l.from_lng, l.from_lat] as [number, number],
      to: [l.to_lng, l.to_lat] as [number, number],
    })),
    communities: [...communities].map(([id, name]) => ({ id, name })),
    withoutCoordinates: missing.rows[0]?.n ?? 0,
  };
}

export interface CommunityRow {
  id: number;
  name: string;
  type: string;
  model: string;
  schools: number;
  teachers: number;
  master: number;
}

/** The active communities of a region view (or the one community of a community view) with their size. */
export async function communityRows(db: Db, actor: Actor, scope: ResolvedScope): Promise<CommunityRow[]> {
  if (scope.view === 'school') return [];
  const which =
    scope.view === 'region'
      ? sql<SqlBool>`(c.region_code like ${`${regionPrefix(scope.regionCode!)}%`} or c.partner_region_code like ${`${regionPrefix(scope.regionCode!)}%`}) and (c.dissolved_on is null or c.dissolved_on > current_date)`
      : sql<SqlBool>`c.id = ${scope.communityId!}`;
  const rows = await sql<CommunityRow>`
    with tc as (
      select t.school_id, count(*)::int as total, (count(*) filter (where t.honours && ${masterArray}))::int as master
      from teachers t where t.status = 'active' and ${privateSchoolCondition(actor, 't.school_id')}
      group by t.school_id
    )
    select c.id, c.name, c.type, c.model,
      count(m.school_id)::int as schools, coalesce(sum(tc.total), 0)::int as teachers, coalesce(sum(tc.master), 0)::int as master
    from communities c
    left join community_memberships m on m.community_id = c.id and ${CURRENT}
    left join tc on tc.school_id = m.school_id
    where ${visibleCommunityCondition(actor, 'c.id')} and ${which}
    group by c.id, c.name, c.type, c.model
    order by c.id`.execute(db);
  return rows.rows;
}

/** The communities a scope covers (alerts of other modules are narrowed to these). */
/** The communities a dashboard scope covers, of those the actor may see, as a condition on a community id column. */
export function scopeCommunityCondition(actor: Actor, scope: ResolvedScope, col: string): Expression<SqlBool> {
  if (scope.view === 'community') return sql<SqlBool>`${sql.ref(col)} = ${scope.communityId!}`;
  const which =
    scope.view === 'region'
      ? sql<SqlBool>`(c.region_code like ${`${regionPrefix(scope.regionCode!)}%`} or c.partner_region_code like ${`${regionPrefix(scope.regionCode!)}%`})`
      : sql<SqlBool>`c.id in (select m.community_id from community_memberships m where m.school_id = ${scope.schoolId!})`;
  return sql<SqlBool>`${sql.ref(col)} in (select c.id from communities c where ${visibleCommunityCondition(actor, 'c.id')} and ${which})`;
}

export async function scopeCommunityIds(db: Db, actor: Actor, scope: ResolvedScope): Promise<Set<number>> {
  if (scope.view === 'community') return new Set([scope.communityId!]);
  const rows = await sql<{ id: number }>`select v.id from communities v where ${scopeCommunityCondition(
    actor,
    scope,
    'v.id',
  )}`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}
