import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import { registryPolicy } from './registry.policy.js';

export interface WritableSchools {
  byCode: Map<string, { id: number; region_code: string }>;
  byId: Set<number>;
  /** Every school code in the database, to tell "unknown" from "not yours". */
  known: Set<string>;
}

/** The schools whose data the actor may import into (a county has tens, a province thousands: fits in memory). */
export async function loadWritableSchools(db: Kysely<Database>, actor: Actor): Promise<WritableSchools> {
  const all = await db.selectFrom('schools').select(['id', 'code', 'region_code']).execute();
  const byCode = new Map<string, { id: number; region_code: string }>();
  const byId = new Set<number>();
  for (const s of all) {
    if (registryPolicy.editSchoolData(actor, s)) {
      byCode.set(s.code, { id: s.id, region_code: s.region_code });
      byId.add(s.id);
    }
  }
  return { byCode, byId, known: new Set(all.map((s) => s.code)) };
}
