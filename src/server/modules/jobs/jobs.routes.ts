import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { jobListQuery, jobListSchema } from '../../../shared/jobs.schemas.js';
import type { ZodApp } from '../module.js';
import { JobsService } from './jobs.service.js';

export function jobsRoutes(app: ZodApp, ctx: AppContext) {
  const jobs = new JobsService(ctx.db);
  const tags = ['jobs'];
  const idParam = z.object({ id: z.coerce.number().int().positive() });
  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags,
        summary: '后台任务 Background jobs',
        querystring: jobListQuery,
        response: { 200: jobListSchema },
      },
    },
    (req) => jobs.list(callerOf(req).actor, req.query),
  );
  app.post(
    '/api/v1/jobs/:id/retry',
    { schema: { tags, summary: '重试失败的任务 Retry a dead job', params: idParam, response: { 204: z.null() } } },
    async (req, reply) => {
      await jobs.retry(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/api/v1/jobs/:id',
    { schema: { tags, summary: '删除任务 Discard a job', params: idParam, response: { 204: z.null() } } },
    async (req, reply) => {
      await jobs.discard(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
