import { contentDisposition } from '../../http/file-response.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { badRequest } from '../../http/errors.js';
import { requestLang } from '../../http/error-handler.js';
import { SUBJECT_LABELS } from '../../../shared/enums.js';
import {
  classInput,
  classListQuery,
  classReportSchema,
  classSchema,
  didQuery,
  didResponse,
  examDetailSchema,
  examInput,
  examListQuery,
  examSchema,
  gapQuery,
  gapsResponse,
  idParam,
  importRowErrorSchema,
  importUploadQuery,
  qualityJobSchema,
  reportQuery,
  statsQuery,
  statsResponse,
  studentListQuery,
  studentReportSchema,
  studentSchema,
} from '../../../shared/quality.schemas.js';
import { pageOf, pageQuery } from '../../../shared/validation.js';
import { sendXlsx, sendXlsxSheets } from '../io/index.js';
import type { ZodApp } from '../module.js';
import { ClassesService } from './classes.service.js';
import { ExamsService } from './exams.service.js';
import { QualityImportService } from './import.service.js';
import { classReportPdf, studentReportPdf } from './report.pdf.js';
import { QualityReportService } from './report.service.js';
import {
  classReportSheets,
  gapSheets,
  statExportColumns,
  studentExportColumns,
  templateCsv,
  templateXlsx,
} from './quality.export.js';
import { QualityStatsService } from './stats.service.js';

const tags = { tags: ['quality'] };
const jobParam = z.object({ jobId: z.string().uuid() });
const noContent = { 204: z.null() };
const langQuery = z.object({ lang: z.enum(['zh', 'en']).optional() });

export function qualityRoutes(app: ZodApp, ctx: AppContext) {
  const exams = new ExamsService(ctx.db);
  const classes = new ClassesService(ctx.db);
  const imports = new QualityImportService(ctx.dbh, ctx.storage, ctx.jobBell);
  const stats = new QualityStatsService(ctx.db);
  const reports = new QualityReportService(ctx.db);

  // ---------- exams ----------
  app.get(
    '/api/v1/quality/exams',
    {
      schema: {
        ...tags,
        summary: '考试列表 List exams',
        querystring: examListQuery,
        response: { 200: pageOf(examSchema) },
      },
    },
    (req) => exams.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.post(
    '/api/v1/quality/exams',
    { schema: { ...tags, summary: '新建考试 Create an exam', body: examInput, response: { 201: examDetailSchema } } },
    async (req, reply) => reply.status(201).send(await exams.create(callerOf(req), req.body)),
  );
  app.get(
    '/api/v1/quality/exams/:id',
    { schema: { ...tags, params: idParam, response: { 200: examDetailSchema } } },
    (req) => exams.get(callerOf(req).actor, req.params.id),
  );
  app.delete(
    '/api/v1/quality/exams/:id',
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await exams.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---------- classes and students ----------
  app.get(
    '/api/v1/quality/classes',
    {
      schema: {
        ...tags,
        summary: '班级列表 List classes',
        querystring: classListQuery,
        response: { 200: pageOf(classSchema) },
      },
    },
    (req) => classes.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.post(
    '/api/v1/quality/classes',
    { schema: { ...tags, summary: '新建班级 Create a class', body: classInput, response: { 201: classSchema } } },
    async (req, reply) => reply.status(201).send(await classes.create(callerOf(req), req.body)),
  );
  app.delete(
    '/api/v1/quality/classes/:id',
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await classes.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/quality/students',
    {
      schema: {
        ...tags,
        summary: '本校学生（仅本校可见）Own school students',
        querystring: studentListQuery,
        response: { 200: pageOf(studentSchema) },
      },
    },
    (req) => classes.students(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/quality/students/export.xlsx',
    {
      schema: {
        ...tags,
        summary: '导出本校学生（身份证号脱敏）Export students, ID numbers masked',
        querystring: studentListQuery
          .omit({ page: true, pageSize: true })
          .extend({ lang: z.enum(['zh', 'en']).optional() }),
      },
    },
    async (req, reply) => {
      const actor = callerOf(req).actor;
      const lang = req.query.lang ?? requestLang(req);
      await classes.students(actor, { page: 1, pageSize: 1, classId: req.query.classId }); // refuses before streaming starts
      async function* batches() {
        for (let page = 1; ; page++) {
          const r = await classes.students(actor, {
            page,
            pageSize: 500,
            classId: req.query.classId,
            search: req.query.search,
          });
          if (!r.items.length) return;
          yield r.items;
        }
      }
      return sendXlsx(reply, {
        fileName: lang === 'en' ? 'students' : '学生名单',
        sheetName: lang === 'en' ? 'Students' : '学生',
        columns: studentExportColumns(),
        batches: batches(),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/quality/students/:id/report',
    {
      schema: {
        ...tags,
        summary: '学生学情报告 Student report',
        params: idParam,
        response: { 200: studentReportSchema },
      },
    },
    (req) => reports.studentReport(callerOf(req).actor, req.params.id),
  );
  app.get(
    '/api/v1/quality/students/:id/report.pdf',
    { schema: { ...tags, summary: '学生学情报告 PDF（仅本校，身份证号脱敏）Student report as PDF', params: idParam } },
    async (req, reply) => {
      const r = await reports.studentReport(callerOf(req).actor, req.params.id);
      const pdf = await studentReportPdf(r);
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          contentDisposition(
            'attachment',
            `${r.student.name ?? r.student.studentKey}学情报告.pdf`,
            'student-report.pdf',
          ),
        )
        .send(pdf);
    },
  );

  // ---------- imports ----------
  app.get(
    '/api/v1/quality/imports/template.csv',
    { schema: { ...tags, summary: '成绩导入模板 Score sheet template', querystring: importUploadQuery } },
    (req, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', `scores-${req.query.level}.csv`))
        .send(templateCsv(req.query.level)),
  );
  app.get(
    '/api/v1/quality/imports/template.xlsx',
    {
      schema: {
        ...tags,
        summary: '成绩导入模板（Excel，含说明、下拉和文本格式）Score sheet template as a workbook',
        querystring: importUploadQuery.extend({ lang: z.enum(['zh', 'en']).optional() }),
      },
    },
    async (req, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', contentDisposition('attachment', `scores-${req.query.level}.xlsx`))
        .send(await templateXlsx(req.query.level, req.query.lang ?? requestLang(req))),
  );
  app.post(
    '/api/v1/quality/exams/:id/imports',
    {
      schema: {
        ...tags,
        summary: '上传成绩并开始检查（不写入）Upload a score sheet and start checking',
        params: idParam,
        querystring: importUploadQuery,
        consumes: ['multipart/form-data'],
        response: { 202: qualityJobSchema },
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
      // stored and queued: the check runs on the job queue (poll the job)
      const job = await imports.upload(caller, req.params.id, req.query.level, file.filename, file.file, tooLarge);
      return reply.status(202).send(job);
    },
  );
  app.get(
    '/api/v1/quality/exams/:id/imports',
    { schema: { ...tags, params: idParam, response: { 200: z.array(qualityJobSchema) } } },
    (req) => imports.list(callerOf(req).actor, req.params.id),
  );
  app.get(
    '/api/v1/quality/imports/:jobId',
    {
      schema: {
        ...tags,
        summary: '导入进度 Import job and progress',
        params: jobParam,
        response: { 200: qualityJobSchema },
      },
    },
    (req) => imports.get(callerOf(req).actor, req.params.jobId),
  );
  app.get(
    '/api/v1/quality/imports/:jobId/errors',
    {
      schema: {
        ...tags,
        summary: '全部错误行 Every bad row',
        params: jobParam,
        querystring: pageQuery,
        response: { 200: pageOf(importRowErrorSchema) },
      },
    },
    (req) => imports.errors(callerOf(req).actor, req.params.jobId, req.query),
  );
  app.post(
    '/api/v1/quality/imports/:jobId/commit',
    {
      schema: {
        ...tags,
        summary: '确认导入（全部或全不）Commit all rows or none',
        params: jobParam,
        response: { 202: qualityJobSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const job = await imports.claim(caller, req.params.jobId);
      return reply.status(202).send(job);
    },
  );
  app.delete(
    '/api/v1/quality/imports/:jobId',
    { schema: { ...tags, params: jobParam, response: noContent } },
    async (req, reply) => {
      await imports.discard(callerOf(req), req.params.jobId);
      return reply.status(204).send(null);
    },
  );

  // ---------- statistics, gaps, DiD ----------
  app.get(
    '/api/v1/quality/exams/:id/stats',
    {
      schema: {
        ...tags,
        summary: '成绩统计 Statistics by group',
        params: idParam,
        querystring: statsQuery,
        response: { 200: statsResponse },
      },
    },
    (req) => stats.stats(callerOf(req).actor, req.params.id, req.query),
  );
  app.get(
    '/api/v1/quality/exams/:id/stats/export.xlsx',
    { schema: { ...tags, params: idParam, querystring: statsQuery } },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const r = await stats.stats(callerOf(req).actor, req.params.id, req.query);
      const subject = SUBJECT_LABELS[req.query.subject][lang];
      async function* once() {
        yield r.rows;
      }
      return sendXlsx(reply, {
        fileName: lang === 'en' ? `statistics-${req.query.subject}` : `成绩统计-${subject}`,
        sheetName: subject,
        columns: statExportColumns(),
        batches: once(),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/quality/gaps',
    {
      schema: {
        ...tags,
        summary: '城乡与成员校—核心校差距 Gaps and their change',
        querystring: gapQuery,
        response: { 200: gapsResponse },
      },
    },
    (req) => stats.gaps(callerOf(req).actor, req.query.examIds, req.query.subject, req.query),
  );
  app.get(
    '/api/v1/quality/gaps/export.xlsx',
    { schema: { ...tags, summary: '导出差距表 Export the gap tables', querystring: gapQuery.extend(langQuery.shape) } },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const g = await stats.gaps(callerOf(req).actor, req.query.examIds, req.query.subject, req.query);
      return sendXlsxSheets(reply, {
        fileName: lang === 'en' ? `gaps-${req.query.subject}` : `城乡差距-${SUBJECT_LABELS[req.query.subject].zh}`,
        sheets: gapSheets(g, lang),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/quality/did',
    {
      schema: {
        ...tags,
        summary: '双重差分估计 Difference in differences',
        querystring: didQuery,
        response: { 200: didResponse },
      },
    },
    (req) => stats.did(callerOf(req).actor, req.query),
  );

  // ---------- reports ----------
  const reportParams = idParam.extend({ classId: z.coerce.number().int().positive() });
  app.get(
    '/api/v1/quality/exams/:id/classes/:classId/report',
    {
      schema: {
        ...tags,
        summary: '班级学情分析报告 Class report',
        params: reportParams,
        querystring: reportQuery,
        response: { 200: classReportSchema },
      },
    },
    (req) => reports.classReport(callerOf(req).actor, req.params.id, req.params.classId, req.query.subject),
  );
  app.get(
    '/api/v1/quality/exams/:id/classes/:classId/report.pdf',
    { schema: { ...tags, params: reportParams, querystring: reportQuery } },
    async (req, reply) => {
      const r = await reports.classReport(callerOf(req).actor, req.params.id, req.params.classId, req.query.subject);
      const pdf = await classReportPdf(r);
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          contentDisposition('attachment', `${r.class.schoolName}${r.class.name}学情分析报告.pdf`, 'class-report.pdf'),
        )
        .send(pdf);
    },
  );
  app.get(
    '/api/v1/quality/exams/:id/classes/:classId/report.xlsx',
    {
      schema: {
        ...tags,
        summary: '班级学情报告的表格（每表一页）Class report tables as a workbook',
        params: reportParams,
        querystring: reportQuery.extend(langQuery.shape),
      },
    },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const r = await reports.classReport(callerOf(req).actor, req.params.id, req.params.classId, req.query.subject);
      const subject = SUBJECT_LABELS[r.subject][lang];
      return sendXlsxSheets(reply, {
        fileName:
          lang === 'en' ? `class-report-${r.subject}` : `${r.class.schoolName}${r.class.name}${subject}学情分析`,
        sheets: classReportSheets(r, lang),
        lang,
      });
    },
  );
}
