import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { storedFileReply, contentDisposition } from '../../http/file-response.js';
import { badRequest } from '../../http/errors.js';
import { requestLang } from '../../http/error-handler.js';
import {
  activityDetailSchema,
  activityInput,
  activityListQuery,
  activityPatch,
  activitySchema,
  activityStatRowSchema,
  type ActivityStatRow,
  activityStatsQuery,
  archiveQuery,
  attachmentSchema,
  calendarEventSchema,
  calendarQuery,
  complianceSchema,
  reminderSchema,
  semesterKey,
  supportInput,
  supportListQuery,
  supportPatch,
  supportSchema,
  supportTotalsSchema,
  syncResultInput,
  workPlanInput,
  workPlanListQuery,
  workPlanPatch,
  workPlanSchema,
} from '../../../shared/activities.schemas.js';
import { bi, pageOf } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { ActivitiesService } from './activities.service.js';
import { activityStatsJson } from './activities.stats.js';
import { ArchiveService } from './archive.service.js';
import { CalendarService } from './calendar.service.js';
import { readUpload } from './evidence.files.js';
import { EvidenceService } from './evidence.service.js';
import { LedgerService } from './ledger.service.js';
import { PlansService } from './plans.service.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const noContent = { 204: z.null() };
const tags = (t: string) => ({ tags: [t] });
const uploadQuery = z.object({ caption: z.string().trim().max(200).optional() });
/** a device-generated id makes a retried offline upload answer with the first attachment */
const newUploadQuery = uploadQuery.extend({
  clientId: z.uuid({ message: bi('客户端编号须为 UUID', 'Client id must be a UUID') }).optional(),
});

export function activitiesRoutes(app: ZodApp, ctx: AppContext) {
  const activities = new ActivitiesService(ctx.db, ctx.storage);
  const evidence = new EvidenceService(ctx.db, ctx.storage);
  const calendar = new CalendarService(ctx.db);
  const plans = new PlansService(ctx.db);
  const ledger = new LedgerService(ctx.db, ctx.storage);
  const archive = new ArchiveService(ctx.db, ctx.storage, plans);
  const limit = ctx.config.uploadLimitBytes;

  /** The one file of a multipart request, read to memory (refused with 413 at the configured limit). */
  async function fileOf(req: FastifyRequest) {
    if (!req.isMultipart())
      throw badRequest(
        '请以 multipart/form-data 上传文件（字段名 file）',
        'Upload the file as multipart/form-data (field name file)',
      );
    const file = await req.file();
    if (!file) throw badRequest('缺少文件（字段名 file）', 'The file is missing (field name file)');
    return { fileName: file.filename || 'upload', data: await readUpload(file.file, limit) };
  }

  // ---------- activities ----------
  app.get(
    '/api/v1/activities',
    {
      schema: {
        ...tags('activities'),
        summary: '活动列表 List activities',
        querystring: activityListQuery,
        response: { 200: pageOf(activitySchema) },
      },
    },
    (req) => activities.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.post(
    '/api/v1/activities',
    {
      schema: {
        ...tags('activities'),
        summary: '登记活动 Log an activity',
        body: activityInput,
        response: { 200: activityDetailSchema, 201: activityDetailSchema },
      },
    },
    async (req, reply) => {
      const { activity, created } = await activities.createOnce(callerOf(req), req.body);
      return reply.status(created ? 201 : 200).send(activity);
    },
  );
  app.get(
    '/api/v1/activities/:id',
    { schema: { ...tags('activities'), params: idParam, response: { 200: activityDetailSchema } } },
    (req) => activities.get(callerOf(req).actor, req.params.id),
  );
  app.patch(
    '/api/v1/activities/:id',
    {
      schema: { ...tags('activities'), params: idParam, body: activityPatch, response: { 200: activityDetailSchema } },
    },
    (req) => activities.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/activities/:id',
    { schema: { ...tags('activities'), params: idParam, response: noContent } },
    async (req, reply) => {
      await activities.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/activities/:id/sync-result',
    {
      schema: {
        ...tags('activities'),
        summary: '课后填写到课与录像 Attendance and recording after a sync class',
        params: idParam,
        body: syncResultInput,
        response: { 200: activityDetailSchema },
      },
    },
    (req) => activities.syncResult(callerOf(req), req.params.id, req.body),
  );

  // ---------- evidence ----------
  app.post(
    '/api/v1/activities/:id/attachments',
    {
      schema: {
        ...tags('activities'),
        summary: '上传佐证材料 Upload evidence',
        params: idParam,
        querystring: newUploadQuery,
        consumes: ['multipart/form-data'],
        response: { 200: attachmentSchema, 201: attachmentSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      await evidence.assertCanAttach(caller.actor, req.params.id);
      const existing = await evidence.findByClientId(caller.actor, req.params.id, req.query.clientId);
      if (existing) return reply.status(200).send(existing);
      const f = await fileOf(req);
      return reply.status(201).send(
        await evidence.add(caller, req.params.id, {
          ...f,
          caption: req.query.caption ?? null,
          clientId: req.query.clientId ?? null,
        }),
      );
    },
  );
  app.post(
    '/api/v1/activities/:id/attachments/:attachmentId/versions',
    {
      schema: {
        ...tags('activities'),
        summary: '更正佐证材料（保留旧版本）Correct evidence; the old version is kept',
        params: idParam.extend({ attachmentId: z.coerce.number().int().positive() }),
        querystring: uploadQuery,
        consumes: ['multipart/form-data'],
        response: { 201: attachmentSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      await evidence.assertCanAttach(caller.actor, req.params.id);
      const f = await fileOf(req);
      return reply
        .status(201)
        .send(
          await evidence.add(
            caller,
            req.params.id,
            { ...f, caption: req.query.caption ?? null },
            req.params.attachmentId,
          ),
        );
    },
  );
  for (const kind of ['file', 'thumb'] as const) {
    app.get(
      `/api/v1/activity-attachments/:id/${kind}`,
      {
        schema: {
          ...tags('activities'),
          params: idParam,
          querystring: z.object({ download: z.enum(['0', '1']).optional() }),
        },
      },
      async (req, reply) => {
        const f = await evidence.open(callerOf(req).actor, req.params.id, kind === 'thumb');
        storedFileReply(reply, { mime: f.mime, fileName: f.fileName, inline: req.query.download !== '1' }).header(
          'cache-control',
          'private, max-age=3600',
        );
        if (f.size !== null) reply.header('content-length', f.size);
        return reply.send(f.stream);
      },
    );
  }

  // ---------- calendar, statistics, archive ----------
  app.get(
    '/api/v1/sync-calendar',
    {
      schema: {
        ...tags('activities'),
        summary: '同步课堂日历（含冲突）Sync-class calendar with conflicts',
        querystring: calendarQuery,
        response: { 200: z.array(calendarEventSchema) },
      },
    },
    (req) => calendar.events(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/activity-stats',
    {
      schema: {
        ...tags('activities'),
        summary: '活动统计 Activity statistics',
        querystring: activityStatsQuery,
        response: { 200: z.array(activityStatRowSchema) },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const json = await activityStatsJson(ctx.db, q.groupBy, {
        actor: callerOf(req).actor,
        ...(q.communityId ? { communityIds: [q.communityId] } : {}),
        ...(q.schoolId ? { schoolId: q.schoolId } : {}),
        ...(q.kind ? { kinds: q.kind } : {}),
        ...(q.semester ? { semester: q.semester } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.region ? { region: q.region } : {}),
      });
      // already JSON text, checked against the schema above when it was computed (activities.stats.ts)
      return reply.type('application/json; charset=utf-8').send(json as unknown as ActivityStatRow[]);
    },
  );
  app.get(
    '/api/v1/activity-archive.xlsx',
    {
      schema: {
        ...tags('activities'),
        summary: '档案导出（Excel，每类一表）Archive as xlsx',
        querystring: archiveQuery,
      },
    },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const data = await archive.load(callerOf(req).actor, { ...req.query, lang });
      const name = `${data.communityName}-${data.periodLabel}-${lang === 'en' ? 'archive' : '活动档案'}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', contentDisposition('attachment', name))
        .send(await archive.xlsx(data, lang));
    },
  );
  app.get(
    '/api/v1/activity-archive.pdf',
    { schema: { ...tags('activities'), summary: '档案汇编（PDF）Archive booklet as PDF', querystring: archiveQuery } },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const data = await archive.load(callerOf(req).actor, { ...req.query, lang });
      const name = `${data.communityName}-${data.periodLabel}-${lang === 'en' ? 'archive' : '工作档案'}.pdf`;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', contentDisposition('attachment', name))
        .send(await archive.pdf(data, lang));
    },
  );

  // ---------- work plans ----------
  app.get(
    '/api/v1/work-plans',
    {
      schema: {
        ...tags('work-plans'),
        summary: '学期工作计划 Work plans',
        querystring: workPlanListQuery,
        response: { 200: pageOf(workPlanSchema) },
      },
    },
    (req) => plans.list(callerOf(req).actor, req.query),
  );
  app.post(
    '/api/v1/work-plans',
    { schema: { ...tags('work-plans'), body: workPlanInput, response: { 201: workPlanSchema } } },
    async (req, reply) => reply.status(201).send(await plans.create(callerOf(req), req.body)),
  );
  app.get(
    '/api/v1/work-plans/:id',
    { schema: { ...tags('work-plans'), params: idParam, response: { 200: workPlanSchema } } },
    (req) => plans.get(callerOf(req).actor, req.params.id),
  );
  app.patch(
    '/api/v1/work-plans/:id',
    { schema: { ...tags('work-plans'), params: idParam, body: workPlanPatch, response: { 200: workPlanSchema } } },
    (req) => plans.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/work-plans/:id',
    { schema: { ...tags('work-plans'), params: idParam, response: noContent } },
    async (req, reply) => {
      await plans.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/work-plans/:id/compliance',
    {
      schema: {
        ...tags('work-plans'),
        summary: '计划完成情况 Compliance',
        params: idParam,
        querystring: z.object({ asOf: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: complianceSchema },
      },
    },
    (req) => plans.compliance(callerOf(req).actor, req.params.id, req.query.asOf),
  );
  app.get(
    '/api/v1/work-plan-reminders',
    {
      schema: {
        ...tags('work-plans'),
        summary: '滞后提醒 What is behind',
        querystring: z.object({
          semester: semesterKey.optional(),
          communityId: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: z.array(reminderSchema) },
      },
    },
    (req) => plans.reminders(callerOf(req).actor, req.query),
  );

  // ---------- support ledger ----------
  app.get(
    '/api/v1/support-ledger',
    {
      schema: {
        ...tags('support-ledger'),
        summary: '资源共用台账 Support ledger',
        querystring: supportListQuery,
        response: { 200: pageOf(supportSchema) },
      },
    },
    (req) => ledger.list(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/support-ledger/totals',
    {
      schema: {
        ...tags('support-ledger'),
        querystring: supportListQuery.omit({ page: true, pageSize: true }),
        response: { 200: supportTotalsSchema },
      },
    },
    (req) => ledger.totals(callerOf(req).actor, req.query),
  );
  app.post(
    '/api/v1/support-ledger',
    { schema: { ...tags('support-ledger'), body: supportInput, response: { 201: supportSchema } } },
    async (req, reply) => reply.status(201).send(await ledger.create(callerOf(req), req.body)),
  );
  app.get(
    '/api/v1/support-ledger/:id',
    { schema: { ...tags('support-ledger'), params: idParam, response: { 200: supportSchema } } },
    (req) => ledger.get(callerOf(req).actor, req.params.id),
  );
  app.patch(
    '/api/v1/support-ledger/:id',
    { schema: { ...tags('support-ledger'), params: idParam, body: supportPatch, response: { 200: supportSchema } } },
    (req) => ledger.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/support-ledger/:id',
    { schema: { ...tags('support-ledger'), params: idParam, response: noContent } },
    async (req, reply) => {
      await ledger.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/support-ledger/:id/evidence',
    {
      schema: {
        ...tags('support-ledger'),
        params: idParam,
        consumes: ['multipart/form-data'],
        response: { 201: supportSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      await ledger.get(caller.actor, req.params.id);
      const f = await fileOf(req);
      return reply.status(201).send(await ledger.attachEvidence(caller, req.params.id, f.fileName, f.data));
    },
  );
  app.get(
    '/api/v1/support-ledger/:id/evidence',
    { schema: { ...tags('support-ledger'), params: idParam } },
    async (req, reply) => {
      const f = await ledger.openEvidence(callerOf(req).actor, req.params.id);
      return storedFileReply(reply, { mime: f.mime, fileName: f.fileName, inline: true }).send(f.stream);
    },
  );
}
