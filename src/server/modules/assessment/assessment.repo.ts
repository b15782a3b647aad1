import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { EvaluationStatus } from '../../../shared/assessment.schemas.js';
import type { EvaluationRef } from './assessment.policy.js';

/** SQL of the assessment module. Functions take the executor (db or a transaction). */

/** Evaluations the actor may read (the SQL twin of assessment.policy.ts). */
export function visibleEvaluationCondition(actor: Actor): Expression<SqlBool> {
  const { kind, id } = actor.scope;
  if (kind === 'region') {
    const inRegion = sql<SqlBool>`s.region_code like ${`${regionPrefix(id)}%`}`;
    if (actor.role === 'assessor') {
      return sql<SqlBool>`(${inRegion} and exists (select 1 from assessment_assignments a
        where a.scheme_id = e.scheme_id and a.community_id = e.community_id and a.assessor_user_id = ${actor.userId}))`;
    }
    if (actor.role === 'bureau_admin' || actor.role === 'viewer') return inRegion;
    return sql<SqlBool>`false`;
  }
  if (kind === 'community') return sql<SqlBool>`e.community_id = ${Number(id)}`;
  return sql<SqlBool>`e.community_id in (select m.community_id from community_memberships m where m.school_id = ${Number(id)})`;
}

export function schemesQuery(db: Db) {
  return db
    .selectFrom('assessment_schemes as s')
    .leftJoin('regions as r', 'r.code', 's.region_code')
    .select([
      's.id',
      's.region_code',
      's.year',
      's.name',
      's.description',
      's.version',
      's.definition',
      's.created_at',
      's.updated_at',
      'r.name as region_name',
      sql<number>`(select count(*) from assessment_evaluations e where e.scheme_id = s.id)::int`.as('evaluation_count'),
      sql<number>`(select count(*) from assessment_evaluations e where e.scheme_id = s.id and e.revision > 0)::int`.as(
        'published_count',
      ),
    ]);
}

export function evaluationsQuery(db: Db, actor: Actor) {
  return db
    .selectFrom('assessment_evaluations as e')
    .innerJoin('assessment_schemes as s', 's.id', 'e.scheme_id')
    .innerJoin('communities as c', 'c.id', 'e.community_id')
    .where(visibleEvaluationCondition(actor));
}

export function withEvaluationColumns<Q extends ReturnType<typeof evaluationsQuery>>(q: Q) {
  return q.select([
    'e.id',
    'e.scheme_id',
    'e.community_id',
    'e.status',
    'e.revision',
    'e.total',
    'e.updated_at',
    's.name as scheme_name',
    's.region_code',
    's.year',
    's.version as scheme_version',
    'c.name as community_name',
    sql<
      { userId: number; name: string }[]
    >`coalesce((select json_agg(json_build_object('userId', u.id, 'name', u.display_name) order by u.id)
      from assessment_assignments a join users u on u.id = a.assessor_user_id where a.scheme_id = e.scheme_id and a.community_id = e.community_id), '[]'::json)`.as(
      'assessors',
    ),
    sql<number>`(select count(*) from assessment_appeals ap where ap.evaluation_id = e.id and ap.status in ('open', 'accepted'))::int`.as(
      'open_appeals',
    ),
  ]);
}
export type EvaluationListRow = Awaited<
  ReturnType<ReturnType<typeof withEvaluationColumns>['executeTakeFirstOrThrow']>
>;

/** The evaluation with what the policy needs, regardless of the actor's visibility. */
export async function evaluationRef(
  db: Db,
  id: number,
): Promise<(EvaluationRef & { id: number; schemeId: number; year: number }) | undefined> {
  const row = await db
    .selectFrom('assessment_evaluations as e')
    .innerJoin('assessment_schemes as s', 's.id', 'e.scheme_id')
    .select(['e.id', 'e.scheme_id', 'e.community_id', 'e.status', 's.region_code', 's.year'])
    .where('e.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const assessors = await db
    .selectFrom('assessment_assignments')
    .select('assessor_user_id')
    .where('scheme_id', '=', row.scheme_id)
    .where('community_id', '=', row.community_id)
    .execute();
  return {
    id: row.id,
    schemeId: row.scheme_id,
    year: row.year,
    communityId: row.community_id,
    regionCode: row.region_code,
    status: row.status as EvaluationStatus,
    assessorIds: assessors.map((a) => a.assessor_user_id),
  };
}

/** Communities run by the region (or with a member school in it) that exist during the school year. */
export async function communitiesOfRegion(db: Db, regionCode: string, year: number) {
  const prefix = `${regionPrefix(regionCode)}%`;
  return db
    .selectFrom('communities')
    .select(['id', 'name'])
    .where('region_code', 'like', prefix)
    .where('founded_on', '<', `${year + 1}-09-01`)
    .where((eb) => eb.or([eb('dissolved_on', 'is', null), eb('dissolved_on', '>=', `${year}-09-01`)]))
    .orderBy('id')
    .execute();
}

export async function latestResults(db: Db, evaluationIds: number[]) {
  if (!evaluationIds.length) return [];
  return db
    .selectFrom('assessment_results as r')
    .selectAll()
    .where('r.evaluation_id', 'in', evaluationIds)
    .where(({ eb, selectFrom }) =>
      eb(
        'r.revision',
        '=',
        selectFrom('assessment_results as r2')
          .select(sql<number>`max(r2.revision)`.as('m'))
          .whereRef('r2.evaluation_id', '=', 'r.evaluation_id'),
      ),
    )
    .execute();
}
