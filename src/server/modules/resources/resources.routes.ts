import { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { unsupportedMediaType } from '../../http/errors.js';
import {
  chunkQuery,
  commentInput,
  commentSchema,
  courseDetailSchema,
  courseInput,
  courseListQuery,
  coursePatch,
  courseSchema,
  courseTotalsQuery,
  courseTotalsSchema,
  enrolmentInput,
  mostUsedQuery,
  mostUsedSchema,
  ratingInput,
  recommendInput,
  resourceDetailSchema,
  resourceInput,
  resourcePatch,
  resourceSearchQuery,
  searchResultSchema,
  sessionInput,
  uploadInput,
  uploadSchema,
  versionInput,
} from '../../../shared/resources.schemas.js';
import { pageOf, queryBool } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { CoursesService } from './courses.service.js';
import { ResourcesService } from './resources.service.js';
import { UploadsService } from './uploads.service.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const uploadParam = z.object({ id: z.string().uuid() });
const noContent = { 204: z.null() };
const tags = (t: string) => ({ tags: [t] });

export async function resourcesRoutes(app: ZodApp, ctx: AppContext) {
  const resources = new ResourcesService(ctx.db, ctx.storage, ctx.jobBell);
  const uploads = new UploadsService(ctx.db, ctx.storage);
  const courses = new CoursesService(ctx.db);

  // ---------- library ----------
  app.get(
    '/api/v1/resources',
    {
      schema: {
        ...tags('resources'),
        summary: '资源检索（中文全文 + 分面）Search the library',
        querystring: resourceSearchQuery,
        response: { 200: searchResultSchema },
      },
    },
    (req) => resources.search(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/resources/most-used',
    {
      schema: {
        ...tags('resources'),
        summary: '点播排行 Most-used resources',
        querystring: mostUsedQuery,
        response: { 200: mostUsedSchema },
      },
    },
    (req) => resources.mostUsed(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/resources/:id',
    { schema: { ...tags('resources'), params: idParam, response: { 200: resourceDetailSchema } } },
    (req) => resources.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/resources',
    {
      schema: {
        ...tags('resources'),
        summary: '发布资源 Publish a resource',
        body: resourceInput,
        response: { 201: resourceDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await resources.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/resources/:id',
    { schema: { ...tags('resources'), params: idParam, body: resourcePatch, response: { 200: resourceDetailSchema } } },
    (req) => resources.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/resources/:id',
    { schema: { ...tags('resources'), params: idParam, response: noContent } },
    async (req, reply) => {
      await resources.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/resources/:id/versions',
    {
      schema: {
        ...tags('resources'),
        summary: '上传新版本 Add a version',
        params: idParam,
        body: versionInput,
        response: { 201: resourceDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await resources.addVersion(callerOf(req), req.params.id, req.body)),
  );

  // files: streamed with Range support (video/audio seek, PDF preview); counted as views/downloads
  app.get(
    '/api/v1/resources/:id/file',
    {
      schema: {
        ...tags('resources'),
        summary: '播放/预览/下载文件（支持 Range）Play, preview or download (Range)',
        params: idParam,
        querystring: z.object({
          version: z.coerce.number().int().positive().optional(),
          download: queryBool.optional(),
        }),
      },
    },
    async (req, reply) => {
      const answer = await resources.openFile(callerOf(req).actor, req.params.id, {
        versionId: req.query.version,
        download: req.query.download ?? false,
        range: req.headers.range,
        head: req.method === 'HEAD',
      });
      reply.status(answer.status).headers(answer.headers);
      return reply.send(answer.body ?? '');
    },
  );
  app.get(
    '/api/v1/resources/:id/thumbnail',
    {
      schema: {
        ...tags('resources'),
        summary: '图片缩略图（不计点播）Image thumbnail (not counted as a view)',
        params: idParam,
        // the current version's id: a new version gets a new URL, so browsers may cache each one
        querystring: z.object({ v: z.coerce.number().int().positive().optional() }),
      },
    },
    async (req, reply) => {
      const answer = await resources.openThumbnail(callerOf(req).actor, req.params.id);
      reply.status(answer.status).headers(answer.headers);
      return reply.send(answer.body ?? '');
    },
  );
  app.get(
    '/api/v1/resources/:id/open',
    { schema: { ...tags('resources'), summary: '打开外部链接 Open an external link', params: idParam } },
    async (req, reply) => reply.redirect(await resources.openLink(callerOf(req).actor, req.params.id), 302),
  );

  // curation
  app.post(
    '/api/v1/resources/:id/recommendation',
    {
      schema: {
        ...tags('resources'),
        summary: '推荐为优课 Recommend',
        params: idParam,
        body: recommendInput,
        response: { 200: resourceDetailSchema },
      },
    },
    (req) => resources.recommend(callerOf(req), req.params.id, req.body.recommended, req.body.note),
  );
  app.put(
    '/api/v1/resources/:id/rating',
    {
      schema: {
        ...tags('resources'),
        summary: '评分 Rate',
        params: idParam,
        body: ratingInput,
        response: { 200: resourceDetailSchema },
      },
    },
    (req) => resources.rate(callerOf(req), req.params.id, req.body.stars),
  );
  app.get(
    '/api/v1/resources/:id/comments',
    { schema: { ...tags('resources'), params: idParam, response: { 200: z.array(commentSchema) } } },
    (req) => resources.comments(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/resources/:id/comments',
    { schema: { ...tags('resources'), params: idParam, body: commentInput, response: { 201: commentSchema } } },
    async (req, reply) =>
      reply.status(201).send(await resources.addComment(callerOf(req), req.params.id, req.body.body)),
  );
  app.delete(
    '/api/v1/resources/:id/comments/:commentId',
    {
      schema: {
        ...tags('resources'),
        params: idParam.extend({ commentId: z.coerce.number().int().positive() }),
        response: noContent,
      },
    },
    async (req, reply) => {
      await resources.removeComment(callerOf(req), req.params.id, req.params.commentId);
      return reply.status(204).send(null);
    },
  );

  // ---------- chunked uploads ----------
  app.post(
    '/api/v1/resource-uploads',
    {
      schema: {
        ...tags('resources'),
        summary: '创建分块上传 Start a chunked upload',
        body: uploadInput,
        response: { 201: uploadSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await uploads.create(callerOf(req), req.body)),
  );
  app.get(
    '/api/v1/resource-uploads/:id',
    {
      schema: {
        ...tags('resources'),
        summary: '上传进度（断点续传）Upload state, to resume',
        params: uploadParam,
        response: { 200: uploadSchema },
      },
    },
    (req) => uploads.get(callerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/resource-uploads/:id/complete',
    {
      schema: {
        ...tags('resources'),
        summary: '完成上传并校验 Complete and verify',
        params: uploadParam,
        response: { 200: uploadSchema },
      },
    },
    (req) => uploads.complete(callerOf(req), req.params.id),
  );
  // the chunk body streams to storage: its own content-type parser hands the raw request through
  await app.register(async (raw) => {
    raw.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    raw.withTypeProvider<ZodTypeProvider>().put(
      '/api/v1/resource-uploads/:id/chunks',
      {
        schema: {
          ...tags('resources'),
          summary: '上传一个分块（application/octet-stream）Append a chunk',
          params: uploadParam,
          querystring: chunkQuery,
          response: { 200: uploadSchema },
        },
      },
      (req) => {
        if (!(req.body instanceof Readable)) {
          throw unsupportedMediaType(
            '分块须以 application/octet-stream 发送',
            'Send chunks as application/octet-stream',
          );
        }
        return uploads.putChunk(callerOf(req), req.params.id, req.query.offset, req.body);
      },
    );
  });

  // ---------- shared courses ----------
  app.get(
    '/api/v1/shared-courses',
    {
      schema: {
        ...tags('shared-courses'),
        summary: '共享课程 Shared courses',
        querystring: courseListQuery,
        response: { 200: pageOf(courseSchema) },
      },
    },
    (req) => courses.list(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/shared-courses/totals',
    {
      schema: {
        ...tags('shared-courses'),
        summary: '共享课时与受益学生合计 Class hours and students reached',
        querystring: courseTotalsQuery,
        response: { 200: courseTotalsSchema },
      },
    },
    (req) => courses.totals(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/shared-courses/:id',
    { schema: { ...tags('shared-courses'), params: idParam, response: { 200: courseDetailSchema } } },
    (req) => courses.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/shared-courses',
    { schema: { ...tags('shared-courses'), body: courseInput, response: { 201: courseDetailSchema } } },
    async (req, reply) => reply.status(201).send(await courses.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/shared-courses/:id',
    {
      schema: { ...tags('shared-courses'), params: idParam, body: coursePatch, response: { 200: courseDetailSchema } },
    },
    (req) => courses.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/shared-courses/:id',
    { schema: { ...tags('shared-courses'), params: idParam, response: noContent } },
    async (req, reply) => {
      await courses.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/shared-courses/:id/sessions',
    {
      schema: { ...tags('shared-courses'), params: idParam, body: sessionInput, response: { 201: courseDetailSchema } },
    },
    async (req, reply) => reply.status(201).send(await courses.addSession(callerOf(req), req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/shared-courses/:id/sessions/:sessionId',
    {
      schema: {
        ...tags('shared-courses'),
        params: idParam.extend({ sessionId: z.coerce.number().int().positive() }),
        response: { 200: courseDetailSchema },
      },
    },
    (req) => courses.removeSession(callerOf(req), req.params.id, req.params.sessionId),
  );
  app.post(
    '/api/v1/shared-courses/:id/enrolments',
    {
      schema: {
        ...tags('shared-courses'),
        params: idParam,
        body: enrolmentInput,
        response: { 201: courseDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await courses.enrol(callerOf(req), req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/shared-courses/:id/enrolments/:enrolmentId',
    {
      schema: {
        ...tags('shared-courses'),
        params: idParam.extend({ enrolmentId: z.coerce.number().int().positive() }),
        response: { 200: courseDetailSchema },
      },
    },
    (req) => courses.unenrol(callerOf(req), req.params.id, req.params.enrolmentId),
  );
}
