import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Whether exchange assignment `id` can stand as evidence for community `communityId` (the
 * assessment's evidence picked from the archive): `own` when the teacher went from or to one of
 * the community's member schools, `other` when it exists but does not touch the community,
 * `missing` otherwise.
 */
export async function assignmentForCommunity(
  db: Db,
  id: number,
  communityId: number,
): Promise<'own' | 'other' | 'missing'> {
  const { rows } = await sql<{ own: boolean }>`select exists (select 1 from community_memberships m
      where m.community_id = ${communityId} and m.school_id in (x.from_school_id, x.to_school_id)) as own
    from exchange_assignments x where x.id = ${id}`.execute(db);
  if (!rows[0]) return 'missing';
  return rows[0].own ? 'own' : 'other';
}
