import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Caller } from '../../http/actor.js';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit entry; call it inside the transaction that made the change. */
export async function recordAudit(db: Kysely<Database>, caller: Caller | null, entry: AuditEntry): Promise<void> {
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
    })
    .execute();
}

/** Only the fields that changed, so the log says what an edit did. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
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
