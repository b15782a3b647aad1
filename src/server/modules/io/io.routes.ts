import { contentDisposition } from '../../http/file-response.js';
import { z } from 'zod';
import { callerOf } from '../../http/actor.js';
import { badRequest } from '../../http/errors.js';
import { requestLang } from '../../http/error-handler.js';
import { IMPORT_KINDS, importJobSchema, importOptionsSchema, importUploadQuery } from '../../../shared/io.schemas.js';
import { pageOf, pageQuery } from '../../../shared/validation.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { ImportService, importKindsOf } from './import.service.js';

export function ioRoutes(app: ZodApp, ctx: ModuleContext) {
  const imports = new ImportService(ctx.db, ctx.storage, importKindsOf(ctx.modules), ctx.jobBell, {
    queueCheckBytes: ctx.config.importQueueCheckBytes,
  });

  app.get(
    '/api/v1/imports/templates/:file',
    {
      schema: {
        tags: ['imports'],
        summary: '下载导入模板 Download an import template',
        params: z.object({ file: z.string().regex(new RegExp(`^(${IMPORT_KINDS.join('|')})\\.xlsx$`)) }),
        querystring: z.object({ lang: z.enum(['zh', 'en']).optional() }),
      },
    },
    async (req, reply) => {
      const kind = req.params.file.replace(/\.xlsx$/, '') as (typeof IMPORT_KINDS)[number];
      const lang = req.query.lang ?? requestLang(req);
      const names = {
        schools: '学校导入模板',
        teachers: '教师导入模板',
        'school-year-stats': '学校年报导入模板',
        classes: '班级导入模板',
        'travel-times': '通行时间表导入模板',
      };
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', contentDisposition('attachment', `${names[kind]}.xlsx`, `${kind}-template.xlsx`))
        .send(await imports.template(kind, lang));
    },
  );

  app.post(
    '/api/v1/imports',
    {
      schema: {
        tags: ['imports'],
        summary: '上传并校验（不写入）Upload and check a file; nothing is written',
        querystring: importUploadQuery,
        consumes: ['multipart/form-data'],
        response: { 201: importJobSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (!req.isMultipart())
        throw badRequest(
          '请以 multipart/form-data 上传文件（字段名 file）',
          'Upload the file as multipart/form-data (field name file)',
        );
      const file = await req.file();
      if (!file) throw badRequest('缺少文件（字段名 file）', 'The file is missing (field name file)');
      const tooLarge = () => (file.file.truncated ? Math.round(ctx.config.uploadLimitBytes / 1048576) : null);
      const job = await imports.upload(caller, req.query.kind, file.filename, file.file, tooLarge);
      return reply.status(201).send(job);
    },
  );

  app.get(
    '/api/v1/imports',
    { schema: { tags: ['imports'], querystring: pageQuery, response: { 200: pageOf(importJobSchema) } } },
    (req) => imports.list(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/imports/:id',
    { schema: { tags: ['imports'], params: z.object({ id: z.string().uuid() }), response: { 200: importJobSchema } } },
    (req) => imports.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/imports/:id/options',
    {
      schema: {
        tags: ['imports'],
        summary:
          '预览中的选择：表头行、列对应、空白是否清空（重新校验，不写入）Preview choices: header row, column mapping, blank clears; re-checks, writes nothing',
        params: z.object({ id: z.string().uuid() }),
        body: importOptionsSchema,
        response: { 200: importJobSchema },
      },
    },
    (req) => imports.configure(callerOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/imports/:id/commit',
    {
      schema: {
        tags: ['imports'],
        summary: '确认导入（全部成功或全部不写）Commit all rows or none',
        params: z.object({ id: z.string().uuid() }),
        response: { 200: importJobSchema },
      },
    },
    (req) => imports.commit(callerOf(req), req.params.id),
  );
}
