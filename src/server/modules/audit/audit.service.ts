import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Caller } from '../../http/actor.js';
import { AUDIT_SCOPE_RESOLVERS, REGION_CODE_ENTITIES, scopeFromData, type PlacedAudit } from './audit.scope.js';

/** Where the audited entity lives, when the caller knows better than the entity's id. */
export interface AuditScope {
  regionCode?: string | null;
  schoolId?: number | null;
  communityId?: number | null;
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
  /** Optional: the entity's region/school/community; found from the entity (or its data) when omitted. */
  scope?: AuditScope;
}

async function regionOf(
  db: Kysely<Database>,
  p: { schoolId: number | null; communityId: number | null },
): Promise<string | null> {
  if (p.schoolId !== null) {
    const s = await db.selectFrom('schools').select('region_code').where('id', '=', p.schoolId).executeTakeFirst();
    if (s) return s.region_code;
  }
  if (p.communityId !== null) {
    const c = await db
      .selectFrom('communities')
      .select('region_code')
      .where('id', '=', p.communityId)
      .executeTakeFirst();
    if (c) return c.region_code;
  }
  return null;
}

/** Places an entry: explicit scope, else the entity's row, else the scope fields of its data. */
export async function placeAuditEntry(db: Kysely<Database>, entry: AuditEntry): Promise<PlacedAudit> {
  if (entry.scope) {
    const p = {
      regionCode: entry.scope.regionCode ?? null,
      schoolId: entry.scope.schoolId ?? null,
      communityId: entry.scope.communityId ?? null,
    };
    return { ...p, regionCode: p.regionCode ?? (await regionOf(db, p)) };
  }
  if (REGION_CODE_ENTITIES.has(entry.entity) && entry.entityId !== null && /^\d{6,9}$/.test(String(entry.entityId))) {
    return { regionCode: String(entry.entityId), schoolId: null, communityId: null };
  }
  const resolver = AUDIT_SCOPE_RESOLVERS[entry.entity];
  const id = entry.entityId === null ? NaN : Number(entry.entityId);
  if (resolver && Number.isInteger(id) && id > 0 && id < 2 ** 31) {
    const { rows } = await resolver(sql`${id}::int`).execute(db);
    const row = rows[0] as
      { region_code: string | null; school_id: number | null; community_id: number | null } | undefined;
    if (row) return { regionCode: row.region_code, schoolId: row.school_id, communityId: row.community_id };
  }
  const fromData = scopeFromData(entry.after, entry.before);
  return { ...fromData, regionCode: fromData.regionCode ?? (await regionOf(db, fromData)) };
}

/** Writes one audit entry; call it inside the transaction that made the change. */
export async function recordAudit(db: Kysely<Database>, caller: Caller | null, entry: AuditEntry): Promise<void> {
  const placed = await placeAuditEntry(db, entry);
  await db
    .insertInto('audit_log')
    .values({
      user_id: caller?.actor.userId ?? null,
      username: caller?.actor.username ?? null,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId === null ? null : String(entry.entityId),
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      request_id: caller?.requestId ?? null,
      ip: caller?.ip ?? null,
      region_code: placed.regionCode,
      school_id: placed.schoolId,
      community_id: placed.communityId,
    })
    .execute();
}

/** Only the fields that changed, so the log says what an edit did. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: T,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (key === 'updated_at') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
