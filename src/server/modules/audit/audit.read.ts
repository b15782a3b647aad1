import { sql, type Expression, type SqlBool } from 'kysely';
import { regionPattern } from '../../db/region-pattern.js';
import type { Db } from '../../db/connection.js';
import { paged } from '../../db/paging.js';
import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import type { Actor } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import type { AuditEntry as AuditEntryView, AuditListQuery } from '../../../shared/registry.schemas.js';
import { regionContains, regionPrefix } from '../../../shared/regions.js';

/**
 * Who reads which audit entries, and which of their fields. A bureau reads the entries about
 * entities inside its scope (the region, school and community stored on each row by recordAudit);
 * entries nobody could place are for the national administrator only. Personal fields in
 * before/after are shown only to readers who may read that entity's personal data: the region that
 * owns it (a partner region of a cross-region community sees the entry, not the phone numbers).
 */
export function auditVisibleCondition(actor: Actor): Expression<SqlBool> {
  const { kind, id } = actor.scope;
  if (kind === 'region') {
    const prefix = regionPrefix(id);
    if (prefix === '') return sql<SqlBool>`true`;
    const like = regionPattern(prefix);
    return sql<SqlBool>`(audit_log.region_code like ${like}
      or audit_log.school_id in (select s.id from schools s where s.region_code like ${like})
      or audit_log.community_id in (select c.id from communities c where c.region_code like ${like} or c.partner_region_code like ${like}))`;
  }
  if (kind === 'community') {
    return sql<SqlBool>`(audit_log.community_id = ${Number(id)}
      or audit_log.school_id in (select m.school_id from community_memberships m where m.community_id = ${Number(id)} and (m.end_date is null or m.end_date >= current_date)))`;
  }
  return sql<SqlBool>`audit_log.school_id = ${Number(id)}`;
}

/** May the reader see the personal fields of an entry placed at this region/school? */
export function mayReadPersonal(
  actor: Actor,
  entry: { region_code: string | null; school_id: number | null },
): boolean {
  const { kind, id } = actor.scope;
  if (kind === 'region')
    return regionPrefix(id) === '' || (entry.region_code !== null && regionContains(id, entry.region_code));
  if (kind === 'school') return entry.school_id === Number(id);
  return false;
}

/** Keys (case and `_` ignored) that are never shown: credentials. */
const SECRET_KEYS =
  /^(password|passwordhash|newpassword|currentpassword|token|tokenhash|secret|totpsecret|recoverycodes)$/;
/** Keys of personal data: ID numbers, phones, e-mail, birth dates. */
const PERSONAL_KEYS =
  /^(idnumber|idcard|idcardnumber|identitynumber|身份证号|身份证|phone|mobile|telephone|tel|contactphone|email|birthdate|birthday|birthyear|dateofbirth)$/;
export const REDACTED = '***';

/** A copy of before/after data with credentials always, and personal fields unless `personal`, replaced by ***. */
export function redact(value: unknown, personal: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => redact(v, personal));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = k.toLowerCase().replace(/[_\s-]/g, '');
    if (v !== null && v !== undefined && (SECRET_KEYS.test(key) || (!personal && PERSONAL_KEYS.test(key))))
      out[k] = REDACTED;
    else out[k] = redact(v, personal);
  }
  return out;
}

/** Only bureau administrators read the audit log (of their own scope). */
export const mayReadAudit = (actor: Actor): boolean => actor.role === 'bureau_admin';

/** One page of the audit log as `actor` may read it, newest first, personal fields redacted. */
export async function listAuditEntries(
  db: Db,
  actor: Actor,
  q: AuditListQuery,
  countCap?: number,
): Promise<{ items: AuditEntryView[] } & PageTotals> {
  if (!mayReadAudit(actor)) throw new ForbiddenError();
  let query = db.selectFrom('audit_log').where(auditVisibleCondition(actor));
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.userId) query = query.where('user_id', '=', q.userId);
  if (q.action) query = query.where('action', '=', q.action);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('id', 'desc').$call(paged(q)).execute(),
    listTotal(db, query, {
      exact: q.exactTotal,
      cap: countCap,
      // what auditVisibleCondition reads besides the log
      changesOf: ['audit_log', 'schools', 'communities', 'community_memberships'],
    }),
  ]);
  return {
    items: rows.map((r) => {
      const personal = mayReadPersonal(actor, r);
      return {
        id: r.id,
        at: r.at,
        userId: r.user_id,
        username: r.username,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        before: redact(r.before, personal),
        after: redact(r.after, personal),
        requestId: r.request_id,
        ip: r.ip,
      };
    }),
    ...pageTotals(count),
  };
}
