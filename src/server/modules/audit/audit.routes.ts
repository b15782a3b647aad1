import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import { auditEntrySchema, auditListQuery } from '../../../shared/registry.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { registryPolicy } from '../registry/registry.policy.js';
import { auditVisibleCondition, mayReadPersonal, redact } from './audit.read.js';

export function auditRoutes(app: ZodApp, ctx: AppContext) {
  app.get('/api/v1/audit-log', {
    schema: { tags: ['audit'], summary: '审计日志 Audit log', querystring: auditListQuery, response: { 200: pageOf(auditEntrySchema) } },
  }, async (req) => {
    const { actor } = callerOf(req);
    if (!registryPolicy.readAudit(actor)) throw new ForbiddenError();
    const q = req.query;
    let query = ctx.db.selectFrom('audit_log').where(auditVisibleCondition(actor));
    if (q.entity) query = query.where('entity', '=', q.entity);
    if (q.entityId) query = query.where('entity_id', '=', q.entityId);
    if (q.userId) query = query.where('user_id', '=', q.userId);
    if (q.action) query = query.where('action', '=', q.action);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('id', 'desc').$call(paged(q)).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => {
        const personal = mayReadPersonal(actor, r);
        return { id: r.id, at: r.at, userId: r.user_id, username: r.username, action: r.action, entity: r.entity, entityId: r.entity_id, before: redact(r.before, personal), after: redact(r.after, personal), requestId: r.request_id, ip: r.ip };
      }),
      total: count.n,
    };
  });
}
