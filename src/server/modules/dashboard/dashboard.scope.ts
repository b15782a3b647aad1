import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { NotFoundError, OutOfScopeError } from '../../http/errors.js';
import { regionContains } from '../../../shared/regions.js';
import type { DashboardQuery } from '../../../shared/dashboard.schemas.js';
import { visibleCommunityCondition, visibleSchoolCondition } from '../registry/index.js';
import type { ResolvedFilters, ResolvedScope } from '../../contracts/dashboard-panel.js';
import { schoolYearOfDate, todayShanghai } from '../../../shared/beijing-time.js';
import { periodOf } from './dashboard.period.js';

/**
 * Which dashboard a request asks for, checked against the actor's scope: a bureau sees its region
 * (or a county, community or school inside it), a community lead only their community, a principal
 * their school (and the communities it belongs to). Anything else is refused, never silently widened.
 */
export async function resolveScope(
  db: Db,
  actor: Actor,
  q: Pick<DashboardQuery, 'region' | 'communityId' | 'schoolId'>,
): Promise<ResolvedScope> {
  if (q.schoolId) {
    const row = await db
      .selectFrom('schools as s')
      .select(['s.id', 's.name', sql<boolean>`${visibleSchoolCondition(actor, 's.id')}`.as('visible')])
      .where('s.id', '=', q.schoolId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('school', q.schoolId);
    if (!row.visible) throw new OutOfScopeError('school');
    return { view: 'school', regionCode: null, communityId: null, schoolId: row.id, name: row.name };
  }
  if (q.communityId) {
    const row = await db
      .selectFrom('communities as c')
      .select(['c.id', 'c.name', sql<boolean>`${visibleCommunityCondition(actor, 'c.id')}`.as('visible')])
      .where('c.id', '=', q.communityId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('community', q.communityId);
    if (!row.visible) throw new OutOfScopeError('community');
    return { view: 'community', regionCode: null, communityId: row.id, schoolId: null, name: row.name };
  }
  if (q.region) {
    if (actor.scope.kind !== 'region' || !regionContains(actor.scope.id, q.region)) throw new OutOfScopeError('region');
    return regionScope(db, q.region);
  }
  const { kind, id } = actor.scope;
  if (kind === 'region') return regionScope(db, id);
  return resolveScope(db, actor, kind === 'community' ? { communityId: Number(id) } : { schoolId: Number(id) });
}

async function regionScope(db: Db, code: string): Promise<ResolvedScope> {
  const r = await db.selectFrom('regions').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
  if (!r) throw new NotFoundError('region', code);
  return { view: 'region', regionCode: r.code, communityId: null, schoolId: null, name: r.name };
}

export function resolveFilters(
  q: Pick<DashboardQuery, 'schoolYear' | 'semester' | 'level' | 'locationClass'>,
  today = todayShanghai(),
): ResolvedFilters {
  const schoolYear = q.schoolYear ?? (q.semester ? Number(q.semester.slice(0, 4)) : schoolYearOfDate(today));
  const semester = q.semester ?? null;
  return {
    schoolYear,
    semester,
    ...periodOf(schoolYear, semester),
    level: q.level ?? [],
    locationClass: q.locationClass ?? [],
  };
}
