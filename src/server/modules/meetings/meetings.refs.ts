import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Whether meeting `id` can stand as evidence for community `communityId` (the assessment's
 * evidence picked from the archive): `missing`, `own` (the community's joint meeting) or `other`.
 */
export async function meetingForCommunity(
  db: Db,
  id: number,
  communityId: number,
): Promise<'own' | 'other' | 'missing'> {
  const { rows } = await sql<{ community_id: number }>`select community_id from meetings where id = ${id}`.execute(db);
  if (!rows[0]) return 'missing';
  return rows[0].community_id === communityId ? 'own' : 'other';
}
