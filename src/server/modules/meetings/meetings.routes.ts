import { z } from 'zod';
import { notifierOf } from '../../contracts/notify.js';
import { callerOf } from '../../http/actor.js';
import { badRequest } from '../../http/errors.js';
import { storedFileReply, contentDisposition } from '../../http/file-response.js';
import {
  actionItemInput,
  actionItemListQuery,
  actionItemPatch,
  actionItemSchema,
  agendaItemInput,
  agendaItemSchema,
  agendaOrderInput,
  invitedPrincipalSchema,
  principalInvite,
  schoolPrincipalSchema,
  attachmentSchema,
  attendeeInput,
  attendeeSchema,
  meetingDetailSchema,
  meetingInput,
  meetingListQuery,
  meetingPatch,
  meetingSchema,
  minutesSave,
  minutesSchema,
  progressNoteInput,
  remindersQuery,
  remindersSchema,
  returnBody,
  signBody,
} from '../../../shared/meetings.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { ActionItemsService } from './action-items.service.js';
import { AttachmentsService } from './attachments.service.js';
import { archivedMeeting } from './meetings.archive.js';
import { readableMeeting } from './meetings.access.js';
import { meetingPdf } from './meetings.pdf.js';
import { MeetingsService } from './meetings.service.js';
import { MinutesService } from './minutes.service.js';
import { RemindersService } from './reminders.service.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const childId = z.coerce.number().int().positive();
const agendaParams = idParam.extend({ itemId: childId });
const attendeeParams = idParam.extend({ attendeeId: childId });
const attachmentParams = idParam.extend({ attachmentId: childId });
const noContent = { 204: z.null() };
const tags = { tags: ['meetings'] };

export function meetingsRoutes(app: ZodApp, ctx: ModuleContext) {
  const meetings = new MeetingsService(ctx.db);
  const minutes = new MinutesService(ctx.db, notifierOf(ctx.modules));
  const items = new ActionItemsService(ctx.db);
  const reminders = new RemindersService(ctx.db);
  const files = new AttachmentsService(ctx.db, ctx.storage);

  // ---------- meetings ----------
  app.get(
    '/api/v1/meetings',
    {
      schema: {
        ...tags,
        summary: '联席会议列表 List joint meetings',
        querystring: meetingListQuery,
        response: { 200: pageOf(meetingSchema) },
      },
    },
    (req) => meetings.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    '/api/v1/meetings/reminders',
    {
      schema: {
        ...tags,
        summary: '提醒：逾期未开会、待会签、逾期事项 Reminders',
        querystring: remindersQuery,
        response: { 200: remindersSchema },
      },
    },
    (req) => reminders.get(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/meetings/:id',
    { schema: { ...tags, params: idParam, response: { 200: meetingDetailSchema } } },
    (req) => meetings.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/meetings',
    {
      schema: {
        ...tags,
        summary: '安排会议（自动结转未完成事项）Schedule a meeting',
        body: meetingInput,
        response: { 201: meetingDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await meetings.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/meetings/:id',
    { schema: { ...tags, params: idParam, body: meetingPatch, response: { 200: meetingDetailSchema } } },
    (req) => meetings.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/meetings/:id',
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await meetings.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---------- agenda and attendees ----------
  app.post(
    '/api/v1/meetings/:id/agenda',
    {
      schema: {
        ...tags,
        summary: '提出议题 Propose an agenda item',
        params: idParam,
        body: agendaItemInput,
        response: { 201: agendaItemSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await meetings.addAgendaItem(callerOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/meetings/:id/agenda/carry-over',
    {
      schema: {
        ...tags,
        summary: '结转上次会议未完成事项 Carry open items over',
        params: idParam,
        response: { 200: z.array(agendaItemSchema) },
      },
    },
    (req) => meetings.carryOver(callerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/meetings/:id/agenda/order',
    {
      schema: {
        ...tags,
        summary: '调整议程顺序 Reorder the agenda',
        params: idParam,
        body: agendaOrderInput,
        response: { 200: z.array(agendaItemSchema) },
      },
    },
    (req) => meetings.reorderAgenda(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/meetings/:id/agenda/:itemId',
    { schema: { ...tags, params: agendaParams, response: noContent } },
    async (req, reply) => {
      await meetings.removeAgendaItem(callerOf(req), req.params.id, req.params.itemId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/meetings/:id/attendees',
    {
      schema: {
        ...tags,
        summary: '登记出席/列席人员 Add an attendee or observer',
        params: idParam,
        body: attendeeInput,
        response: { 201: attendeeSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await meetings.addAttendee(callerOf(req), req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/meetings/:id/attendees/:attendeeId',
    { schema: { ...tags, params: attendeeParams, response: noContent } },
    async (req, reply) => {
      await meetings.removeAttendee(callerOf(req), req.params.id, req.params.attendeeId);
      return reply.status(204).send(null);
    },
  );

  // ---------- minutes and co-signing ----------
  app.get(
    '/api/v1/meetings/:id/minutes',
    {
      schema: {
        ...tags,
        summary: '纪要及会签情况 Minutes and signatures',
        params: idParam,
        response: { 200: minutesSchema },
      },
    },
    (req) => minutes.get(callerOf(req).actor, req.params.id),
  );
  app.patch(
    '/api/v1/meetings/:id/minutes',
    {
      schema: {
        ...tags,
        summary: '保存纪要草稿 Save the draft',
        params: idParam,
        body: minutesSave,
        response: { 200: minutesSchema },
      },
    },
    (req) => minutes.save(callerOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/meetings/:id/minutes/circulate',
    {
      schema: {
        ...tags,
        summary: '传阅会签 Circulate for signature',
        params: idParam,
        body: z.object({ sha256: z.string().optional() }),
        response: { 200: minutesSchema },
      },
    },
    (req) => minutes.circulate(callerOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/v1/meetings/:id/principals',
    {
      schema: {
        ...tags,
        summary: '各校会签人（校长账号）Who signs for each school',
        params: idParam,
        response: { 200: z.array(schoolPrincipalSchema) },
      },
    },
    (req) => minutes.principals(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/meetings/:id/principals',
    {
      schema: {
        ...tags,
        summary: '为缺校长账号的成员校开通账号（一次性密码）Invite a missing principal',
        params: idParam,
        body: principalInvite,
        response: { 201: invitedPrincipalSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await minutes.invitePrincipal(callerOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/meetings/:id/minutes/withdraw',
    {
      schema: {
        ...tags,
        summary: '撤回传阅（已签作废）Withdraw circulating minutes to draft',
        params: idParam,
        body: z.object({ sha256: z.string().optional() }),
        response: { 200: minutesSchema },
      },
    },
    (req) => minutes.withdraw(callerOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/meetings/:id/minutes/sign',
    {
      schema: {
        ...tags,
        summary: '会签 Sign the exact version seen',
        params: idParam,
        body: signBody,
        response: { 200: minutesSchema },
      },
    },
    (req) => minutes.sign(callerOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/meetings/:id/minutes/return',
    {
      schema: {
        ...tags,
        summary: '退回并附意见 Return with a comment',
        params: idParam,
        body: returnBody,
        response: { 200: minutesSchema },
      },
    },
    (req) => minutes.returnMinutes(callerOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/meetings/:id/minutes/revisions',
    {
      schema: {
        ...tags,
        summary: '新建修订版 Start a new revision of locked minutes',
        params: idParam,
        response: { 201: minutesSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await minutes.newRevision(callerOf(req), req.params.id)),
  );
  app.get(
    '/api/v1/meetings/:id/export.pdf',
    { schema: { ...tags, summary: '导出会议纪要 PDF Export the meeting record', params: idParam } },
    async (req, reply) => {
      const access = await readableMeeting(ctx.db, callerOf(req).actor, req.params.id);
      const record = await archivedMeeting(ctx.db, access.meeting.id);
      const pdf = await meetingPdf(record!);
      const name = `${access.community.name}-${access.meeting.title}.pdf`;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', contentDisposition('attachment', name, `meeting-${access.meeting.id}.pdf`))
        .send(pdf);
    },
  );

  // ---------- action items ----------
  app.get(
    '/api/v1/meeting-action-items',
    {
      schema: {
        ...tags,
        summary: '决定事项 Action items',
        querystring: actionItemListQuery,
        response: { 200: pageOf(actionItemSchema) },
      },
    },
    (req) => items.list(callerOf(req).actor, req.query),
  );
  app.post(
    '/api/v1/meetings/:id/action-items',
    { schema: { ...tags, params: idParam, body: actionItemInput, response: { 201: actionItemSchema } } },
    async (req, reply) => reply.status(201).send(await items.create(callerOf(req), req.params.id, req.body)),
  );
  app.patch(
    '/api/v1/meeting-action-items/:id',
    { schema: { ...tags, params: idParam, body: actionItemPatch, response: { 200: actionItemSchema } } },
    (req) => items.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/meeting-action-items/:id',
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await items.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/meeting-action-items/:id/notes',
    {
      schema: {
        ...tags,
        summary: '登记进展 Report progress',
        params: idParam,
        body: progressNoteInput,
        response: { 201: actionItemSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await items.addNote(callerOf(req), req.params.id, req.body)),
  );

  // ---------- attachments ----------
  app.post(
    '/api/v1/meetings/:id/attachments',
    {
      schema: {
        ...tags,
        summary: '上传附件 Upload an attachment',
        params: idParam,
        consumes: ['multipart/form-data'],
        response: { 201: attachmentSchema },
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
      const data = await file.toBuffer(); // throws FST_REQ_FILE_TOO_LARGE (413) beyond the upload limit
      return reply.status(201).send(await files.upload(caller, req.params.id, file.filename, data));
    },
  );
  app.get(
    '/api/v1/meetings/:id/attachments/:attachmentId',
    { schema: { ...tags, params: attachmentParams } },
    async (req, reply) => {
      const { row, stream } = await files.open(callerOf(req).actor, req.params.id, req.params.attachmentId);
      return storedFileReply(reply, { mime: row.content_type, fileName: row.file_name, inline: false }).send(stream);
    },
  );
  app.delete(
    '/api/v1/meetings/:id/attachments/:attachmentId',
    { schema: { ...tags, params: attachmentParams, response: noContent } },
    async (req, reply) => {
      await files.remove(callerOf(req), req.params.id, req.params.attachmentId);
      return reply.status(204).send(null);
    },
  );
}
