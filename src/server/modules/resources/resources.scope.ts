import { sql, type Expression, type SqlBool } from 'kysely';
import { regionPattern } from '../../db/region-pattern.js';
import type { Actor } from '../../http/actor.js';
import { regionPrefix } from '../../../shared/regions.js';
import { privateSchoolCondition, visibleCommunityCondition } from '../registry/index.js';

/**
 * The visibility rule in SQL over a resources row aliased `r`: lists, search, detail and file
 * downloads all use it, so a resource no list shows cannot be fetched by id either.
 */
export function resourceVisibleSql(actor: Actor): Expression<SqlBool> {
  const { kind, id } = actor.scope;
  let regionRule: Expression<SqlBool>;
  let communityRule: Expression<SqlBool>;
  if (kind === 'region') {
    regionRule = sql<SqlBool>`r.region_code like ${regionPattern(regionPrefix(id))}`;
    communityRule = visibleCommunityCondition(actor, 'r.community_id');
  } else if (kind === 'community') {
    regionRule = sql<SqlBool>`r.region_code in (select c.region_code from communities c where c.id = ${Number(id)}
      union select c.partner_region_code from communities c where c.id = ${Number(id)} and c.partner_region_code is not null)`;
    communityRule = sql<SqlBool>`r.community_id = ${Number(id)}`;
  } else {
    regionRule = sql<SqlBool>`r.region_code = (select s.region_code from schools s where s.id = ${Number(id)})`;
    // a school that has left a community no longer sees what the community shares
    communityRule = sql<SqlBool>`r.community_id in (select m.community_id from community_memberships m
      where m.school_id = ${Number(id)} and (m.end_date is null or m.end_date >= current_date))`;
  }
  return sql<SqlBool>`(r.owner_user_id = ${actor.userId}
    or r.visibility = 'public'
    or (r.visibility = 'region' and ${regionRule})
    or (r.visibility = 'community' and ${communityRule})
    or (r.visibility = 'school' and ${privateSchoolCondition(actor, 'r.school_id')}))`;
}
