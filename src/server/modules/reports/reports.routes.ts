import { z } from 'zod';
import { callerOf } from '../../http/actor.js';
import { requestLang } from '../../http/error-handler.js';
import { fileHeaders } from '../../http/file-response.js';
import { reportJobSchema, reportRequest } from '../../../shared/reports.schemas.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { ReportsService } from './reports.service.js';

const tags = { tags: ['reports'] };
const idParam = z.object({ id: z.string().uuid() });

export function reportsRoutes(app: ZodApp, ctx: ModuleContext) {
  const reports = new ReportsService(ctx.db, ctx.storage, ctx.modules, ctx.jobBell);

  app.post(
    '/api/v1/reports',
    {
      schema: {
        ...tags,
        summary: '后台生成报表 Generate a report in the background',
        body: reportRequest,
        response: { 202: reportJobSchema },
      },
    },
    async (req, reply) => reply.status(202).send(await reports.create(callerOf(req), req.body, requestLang(req))),
  );
  app.get(
    '/api/v1/reports',
    { schema: { ...tags, summary: '我最近的报表 My recent reports', response: { 200: z.array(reportJobSchema) } } },
    (req) => reports.list(callerOf(req).actor),
  );
  app.get(
    '/api/v1/reports/:id',
    {
      schema: {
        ...tags,
        summary: '报表进度 A report and its progress',
        params: idParam,
        response: { 200: reportJobSchema },
      },
    },
    (req) => reports.get(callerOf(req).actor, req.params.id),
  );
  app.get(
    '/api/v1/reports/:id/download',
    { schema: { ...tags, summary: '下载报表 Download a finished report', params: idParam } },
    async (req, reply) => {
      const f = await reports.file(callerOf(req).actor, req.params.id);
      return reply
        .headers(fileHeaders({ mime: f.contentType, fileName: f.fileName, inline: false }))
        .header('content-length', f.size)
        .send(f.stream);
    },
  );
}
