import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { regionPattern } from '../../db/region-pattern.js';
import type { Actor } from '../../http/actor.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { ResolvedScope } from '../../contracts/dashboard-panel.js';

/**
 * Row visibility in SQL, the list-side twin of registry.policy.ts. Each function returns a
 * condition on a school id (or community id) column so any module can filter its own rows by the
 * schools or communities the actor may see. Other modules import these, never the repo.
 */

/**
 * The tables these conditions read: a list filtered by them names these (and its own tables) as
 * the changes its kept total depends on (db/totals.ts `changesOf`).
 */
export const SCOPE_TABLES = ['schools', 'communities', 'community_memberships'] as const;

/** Schools whose basic registry data the actor may read. */
export function visibleSchoolCondition(actor: Actor, schoolIdColumn: Expression<number> | string): Expression<SqlBool> {
  const col = typeof schoolIdColumn === 'string' ? sql.ref(schoolIdColumn) : schoolIdColumn;
  const { kind, id } = actor.scope;
  if (kind === 'region') {
    const prefix = regionPattern(regionPrefix(id));
    // own region's schools, plus partner schools of communities this region runs (cross-region pairs)
    return sql<SqlBool>`(${col} in (select s.id from schools s where s.region_code like ${prefix})
      or ${col} in ${pairedSchoolsOf(prefix)})`;
  }
  if (kind === 'community') {
    return sql<SqlBool>`${col} in (select m.school_id from community_memberships m where m.community_id = ${Number(id)})`;
  }
  // a school sees itself and the schools it shares a community with
  return sql<SqlBool>`(${col} = ${Number(id)} or ${col} in (
      select m2.school_id from community_memberships m1
      join community_memberships m2 on m2.community_id = m1.community_id
      where m1.school_id = ${Number(id)}))`;
}

/**
 * visibleSchoolCondition for a query that has the school's row at hand (`alias`): a region's own
 * schools are tested on the row's region code, not looked up in a set of every school of the
 * region built for each query (5,000 ids at province scale, the page's main cost).
 */
export function visibleSchoolRowCondition(actor: Actor, alias: string): Expression<SqlBool> {
  if (actor.scope.kind !== 'region') return visibleSchoolCondition(actor, `${alias}.id`);
  const prefix = regionPattern(regionPrefix(actor.scope.id));
  const regionCode = sql.ref(`${alias}.region_code`);
  const id = sql.ref(`${alias}.id`);
  return sql<SqlBool>`(${regionCode} like ${prefix} or ${id} in ${pairedSchoolsOf(prefix)})`;
}

/** Member schools of the communities run in, or partnered with, the regions matching `prefix%`. */
function pairedSchoolsOf(prefix: RawBuilder<string>) {
  return sql`(select m.school_id from community_memberships m join communities c on c.id = m.community_id
    where c.region_code like ${prefix} or c.partner_region_code like ${prefix})`;
}

/** Schools whose private data (teachers, annual statistics, future: students) the actor may read. */
export function privateSchoolCondition(actor: Actor, schoolIdColumn: Expression<number> | string): Expression<SqlBool> {
  const col = typeof schoolIdColumn === 'string' ? sql.ref(schoolIdColumn) : schoolIdColumn;
  const { kind, id } = actor.scope;
  if (kind === 'region') {
    return sql<SqlBool>`${col} in (select s.id from schools s where s.region_code like ${regionPattern(regionPrefix(id))})`;
  }
  if (kind === 'community') {
    return sql<SqlBool>`${col} in (select m.school_id from community_memberships m
      where m.community_id = ${Number(id)} and (m.end_date is null or m.end_date >= current_date))`;
  }
  return sql<SqlBool>`${col} = ${Number(id)}`;
}

/**
 * Schools whose teachers the actor may pick by name (observers, mentors, host teachers): those of
 * the actor's visible schools for a region or community, and for a school the school itself and the
 * current members of its current communities — cross-school mentoring, never arbitrary schools.
 */
export function pickableTeacherSchoolCondition(
  actor: Actor,
  schoolIdColumn: Expression<number> | string,
): Expression<SqlBool> {
  if (actor.scope.kind !== 'school') return visibleSchoolCondition(actor, schoolIdColumn);
  const col = typeof schoolIdColumn === 'string' ? sql.ref(schoolIdColumn) : schoolIdColumn;
  const id = Number(actor.scope.id);
  return sql<SqlBool>`(${col} = ${id} or ${col} in (
      select m2.school_id from community_memberships m1
      join community_memberships m2 on m2.community_id = m1.community_id
      where m1.school_id = ${id} and (m1.end_date is null or m1.end_date >= current_date)
        and (m2.end_date is null or m2.end_date >= current_date)))`;
}

/** Communities the actor may read. */
export function visibleCommunityCondition(
  actor: Actor,
  communityIdColumn: Expression<number> | string,
): Expression<SqlBool> {
  const col = typeof communityIdColumn === 'string' ? sql.ref(communityIdColumn) : communityIdColumn;
  const { kind, id } = actor.scope;
  if (kind === 'region') {
    // the communities run in the region, partnered with it, or with a member school there: the
    // counties each community touches are kept in community_regions (registry migrations)
    const prefix = regionPrefix(id);
    return prefix.length === 6
      ? sql<SqlBool>`${col} in (select cr.community_id from community_regions cr where cr.region_code = ${prefix})`
      : sql<SqlBool>`${col} in (select cr.community_id from community_regions cr where cr.region_code like ${regionPattern(prefix)})`;
  }
  if (kind === 'community') return sql<SqlBool>`${col} = ${Number(id)}`;
  return sql<SqlBool>`${col} in (select m.community_id from community_memberships m where m.school_id = ${Number(id)})`;
}

/**
 * The narrowing filters of a school list (`region`, `communityId`, `level`), as a condition on a
 * school id column: schools in a region and below, current members of a community, schools of the
 * given levels. A narrowing, not a permission: callers add visibleSchoolCondition as well.
 */
export function schoolFilterCondition(
  schoolIdColumn: Expression<number> | string,
  f: { region?: string | undefined; communityId?: number | undefined; level?: readonly string[] | undefined },
): Expression<SqlBool> {
  const col = typeof schoolIdColumn === 'string' ? sql.ref(schoolIdColumn) : schoolIdColumn;
  const conds: Expression<SqlBool>[] = [];
  if (f.region)
    conds.push(
      sql<SqlBool>`${col} in (select rs.id from schools rs where rs.region_code like ${regionPattern(regionPrefix(f.region))})`,
    );
  if (f.communityId) {
    conds.push(sql<SqlBool>`${col} in (select m.school_id from community_memberships m
      where m.community_id = ${f.communityId} and (m.end_date is null or m.end_date >= current_date))`);
  }
  if (f.level?.length)
    conds.push(sql<SqlBool>`${col} in (select ls.id from schools ls where ls.level in (${sql.join([...f.level])}))`);
  return conds.length ? sql<SqlBool>`(${sql.join(conds, sql` and `)})` : sql<SqlBool>`true`;
}

/**
 * Schools a scope covers, in the words of the registry's list filters so a figure and its drill-down
 * list count the same rows: region → `region=` (code prefix), community → `communityId=` (current
 * members), school → the school itself.
 */
export function scopeSchoolCondition(scope: ResolvedScope, col: string): Expression<SqlBool> {
  if (scope.view === 'region') return schoolFilterCondition(col, { region: scope.regionCode! });
  if (scope.view === 'community') return schoolFilterCondition(col, { communityId: scope.communityId! });
  return sql<SqlBool>`${sql.ref(col)} = ${scope.schoolId!}`;
}

/** The list-filter form of a scope, for drill-down links. */
export function scopeLinkQuery(scope: ResolvedScope): Record<string, string> {
  if (scope.view === 'region') return { region: scope.regionCode! };
  if (scope.view === 'community') return { communityId: String(scope.communityId) };
  return { schoolId: String(scope.schoolId) };
}
