import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { auditEntrySchema, auditListQuery } from '../../../shared/registry.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { listAuditEntries } from './audit.read.js';

export function auditRoutes(app: ZodApp, ctx: AppContext) {
  app.get(
    '/api/v1/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary: '审计日志 Audit log',
        querystring: auditListQuery,
        response: { 200: pageOf(auditEntrySchema) },
      },
    },
    (req) => listAuditEntries(ctx.db, callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
}
