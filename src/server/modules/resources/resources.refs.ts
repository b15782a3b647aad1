import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Whether resource `id` can stand as evidence for community `communityId` (the assessment's
 * evidence picked from the archive): `own` when the community can see it — public, shared with the
 * community's region (or its partner region), shared with the community, or a member school's own
 * resource — `other` when it exists but is not visible to the community, `missing` otherwise.
 */
export async function resourceForCommunity(
  db: Db,
  id: number,
  communityId: number,
): Promise<'own' | 'other' | 'missing'> {
  const { rows } = await sql<{ visible: boolean }>`select (
      r.visibility = 'public'
      or (r.visibility = 'region' and r.region_code in (select c.region_code from communities c where c.id = ${communityId}
        union select c.partner_region_code from communities c where c.id = ${communityId} and c.partner_region_code is not null))
      or (r.visibility = 'community' and r.community_id = ${communityId})
      or (r.visibility = 'school' and r.school_id in (select m.school_id from community_memberships m where m.community_id = ${communityId}))
    ) as visible from resources r where r.id = ${id}`.execute(db);
  if (!rows[0]) return 'missing';
  return rows[0].visible ? 'own' : 'other';
}
