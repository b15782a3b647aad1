import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Whether activity `id` can stand as evidence for community `communityId` (the assessment's
 * evidence picked from the archive): `missing` when there is no such activity, `own` when the
 * community held it, `other` otherwise.
 */
export async function activityForCommunity(
  db: Db,
  id: number,
  communityId: number,
): Promise<'own' | 'other' | 'missing'> {
  const { rows } = await sql<{ community_id: number }>`select community_id from activities where id = ${id}`.execute(
    db,
  );
  if (!rows[0]) return 'missing';
  return rows[0].community_id === communityId ? 'own' : 'other';
}
