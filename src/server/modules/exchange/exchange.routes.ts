import { todayShanghai } from '../../../shared/beijing-time.js';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { requestLang } from '../../http/error-handler.js';
import {
  assignmentInput,
  assignmentListQuery,
  assignmentPatch,
  assignmentSchema,
  dueListSchema,
  dueQuery,
  evaluationInput,
  historySchema,
  idParam,
  ruleInput,
  rulePatch,
  ruleSchema,
  sessionInput,
  settingsInput,
  settingsSchema,
  timetableEntryInput,
  timetableEntrySchema,
  totalsQuery,
  totalsSchema,
} from '../../../shared/exchange.schemas.js';
import {
  linkActivityInput,
  mentorshipDetailSchema,
  mentorshipEvaluationInput,
  mentorshipInput,
  mentorshipListQuery,
  mentorshipPatch,
  mentorshipSchema,
  shortageRowSchema,
  structureQuery,
  structureSchema,
  studioInput,
  studioListQuery,
  studioMemberInput,
  studioSchema,
} from '../../../shared/exchange-mentorship.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { AssignmentsService } from './assignments.service.js';
import { DueService } from './due.service.js';
import { sendReport } from './exchange.export.js';
import { saveSettings, settingsFor } from './exchange.settings.js';

import { MentorshipsService } from './mentorships.service.js';
import { StructureService } from './structure.service.js';
import { StudiosService } from './studios.service.js';
import { TimetableService } from './timetable.service.js';
import { TotalsService } from './totals.service.js';

const tags = { tags: ['exchange'] };
const noContent = { 204: z.null() };
const region = z.object({ regionCode: z.string().regex(/^\d{6}$/) });

export function exchangeRoutes(app: ZodApp, ctx: AppContext) {
  const assignments = new AssignmentsService(ctx.db);
  const totals = new TotalsService(ctx.db);
  const due = new DueService(ctx.db);
  const timetable = new TimetableService(ctx.db);
  const structure = new StructureService(ctx.db);
  const mentorships = new MentorshipsService(ctx.db);
  const studios = new StudiosService(ctx.db);
  const P = '/api/v1/exchange';

  // ---------- assignments ----------
  app.get(
    `${P}/assignments`,
    {
      schema: {
        ...tags,
        summary: '交流任务 Exchange assignments',
        querystring: assignmentListQuery,
        response: { 200: pageOf(assignmentSchema) },
      },
    },
    (req) => assignments.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    `${P}/assignments/:id`,
    { schema: { ...tags, params: idParam, response: { 200: assignmentSchema } } },
    (req) => assignments.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    `${P}/assignments`,
    {
      schema: {
        ...tags,
        summary: '安排交流 Plan an assignment',
        body: assignmentInput,
        response: { 201: assignmentSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await assignments.create(callerOf(req), req.body)),
  );
  app.patch(
    `${P}/assignments/:id`,
    { schema: { ...tags, params: idParam, body: assignmentPatch, response: { 200: assignmentSchema } } },
    (req) => assignments.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    `${P}/assignments/:id`,
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await assignments.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    `${P}/assignments/:id/sessions`,
    {
      schema: {
        ...tags,
        summary: '登记送教 Log a send-lesson session',
        params: idParam,
        body: sessionInput,
        response: { 201: assignmentSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await assignments.addSession(callerOf(req), req.params.id, req.body)),
  );
  app.delete(
    `${P}/assignments/:id/sessions/:sessionId`,
    {
      schema: {
        ...tags,
        params: idParam.extend({ sessionId: z.coerce.number().int().positive() }),
        response: { 200: assignmentSchema },
      },
    },
    (req) => assignments.removeSession(callerOf(req), req.params.id, req.params.sessionId),
  );
  app.post(
    `${P}/assignments/:id/evaluation`,
    {
      schema: {
        ...tags,
        summary: '期满考核 End-of-posting evaluation',
        params: idParam,
        body: evaluationInput,
        response: { 200: assignmentSchema },
      },
    },
    (req) => assignments.evaluate(callerOf(req), req.params.id, req.body),
  );

  // ---------- totals, report, history ----------
  app.get(
    `${P}/totals`,
    {
      schema: {
        ...tags,
        summary: '交流统计 Totals by teacher, school, community, region, year …',
        querystring: totalsQuery,
        response: { 200: totalsSchema },
      },
    },
    (req) => totals.totals(callerOf(req).actor, req.query),
  );
  app.get(
    `${P}/report.xlsx`,
    {
      schema: {
        ...tags,
        summary: '省级报表 Provincial report (xlsx)',
        querystring: assignmentListQuery
          .omit({ page: true, pageSize: true })
          .extend({ lang: z.enum(['zh', 'en']).optional() }),
      },
    },
    async (req, reply) => {
      const actor = callerOf(req).actor;
      const lang = req.query.lang ?? requestLang(req);
      const q = {
        ...req.query,
        status: req.query.status?.length ? req.query.status : (['active', 'completed'] as ('active' | 'completed')[]),
      };
      const of = (by: 'kind' | 'direction' | 'honour') => totals.totals(actor, { ...q, by, limit: 50 });
      const [byKind, byDirection, byHonour] = await Promise.all([of('kind'), of('direction'), of('honour')]);
      return sendReport(reply, assignments.iterate(actor, q), { byKind, byDirection, byHonour }, lang);
    },
  );
  app.get(
    `${P}/teachers/:id/history`,
    {
      schema: {
        ...tags,
        summary: '教师交流经历 A teacher’s exchange history and promotion credit',
        params: idParam,
        response: { 200: historySchema },
      },
    },
    (req) => totals.history(callerOf(req).actor, req.params.id),
  );

  // ---------- home timetable ----------
  app.post(
    `${P}/timetable-entries`,
    {
      schema: {
        ...tags,
        summary: '登记本校课表 Add a home timetable entry',
        body: timetableEntryInput,
        response: { 201: timetableEntrySchema },
      },
    },
    async (req, reply) => reply.status(201).send(await timetable.add(callerOf(req), req.body)),
  );
  app.delete(
    `${P}/timetable-entries/:id`,
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await timetable.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---------- settings and rules ----------
  app.get(
    `${P}/settings/:regionCode`,
    {
      schema: {
        ...tags,
        summary: '交流参数 Settings in force for a region',
        params: region,
        response: { 200: settingsSchema },
      },
    },
    (req) => {
      callerOf(req);
      return settingsFor(ctx.db, req.params.regionCode);
    },
  );
  app.post(
    `${P}/settings/:regionCode`,
    { schema: { ...tags, params: region, body: settingsInput, response: { 200: settingsSchema } } },
    (req) => saveSettings(ctx.db, callerOf(req), req.params.regionCode, req.body),
  );
  app.get(
    `${P}/rules`,
    { schema: { ...tags, summary: '交流周期规则 Cycle rules', response: { 200: z.array(ruleSchema) } } },
    (req) => due.listRules(callerOf(req).actor),
  );
  app.post(`${P}/rules`, { schema: { ...tags, body: ruleInput, response: { 201: ruleSchema } } }, async (req, reply) =>
    reply.status(201).send(await due.createRule(callerOf(req), req.body)),
  );
  app.patch(
    `${P}/rules/:id`,
    { schema: { ...tags, params: idParam, body: rulePatch, response: { 200: ruleSchema } } },
    (req) => due.updateRule(callerOf(req), req.params.id, req.body),
  );
  app.delete(`${P}/rules/:id`, { schema: { ...tags, params: idParam, response: noContent } }, async (req, reply) => {
    await due.removeRule(callerOf(req), req.params.id);
    return reply.status(204).send(null);
  });
  app.get(
    `${P}/due`,
    {
      schema: {
        ...tags,
        summary: '应交流名单 Who is due under a rule',
        querystring: dueQuery,
        response: { 200: dueListSchema },
      },
    },
    (req) => due.due(callerOf(req).actor, req.query),
  );

  // ---------- structure ----------
  app.get(
    `${P}/structure`,
    {
      schema: {
        ...tags,
        summary: '名师骨干结构 Master-teacher structure before/after exchanges',
        querystring: structureQuery,
        response: { 200: structureSchema },
      },
    },
    (req) => structure.structure(callerOf(req).actor, req.query),
  );
  app.get(
    `${P}/shortages`,
    {
      schema: {
        ...tags,
        summary: '非专业代课 Non-specialist teaching by subject',
        querystring: structureQuery,
        response: { 200: z.array(shortageRowSchema) },
      },
    },
    (req) => structure.shortages(callerOf(req).actor, req.query),
  );

  // ---------- mentorships ----------
  app.get(
    `${P}/mentorships`,
    {
      schema: {
        ...tags,
        summary: '师徒结对 Mentor pairs with quota compliance',
        querystring: mentorshipListQuery,
        response: { 200: pageOf(mentorshipSchema) },
      },
    },
    (req) => mentorships.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    `${P}/mentorships/:id`,
    {
      schema: {
        ...tags,
        params: idParam,
        querystring: z.object({
          on: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .optional(),
        }),
        response: { 200: mentorshipDetailSchema },
      },
    },
    (req) => mentorships.get(callerOf(req).actor, req.params.id, req.query.on ?? todayShanghai()),
  );
  app.post(
    `${P}/mentorships`,
    {
      schema: {
        ...tags,
        summary: '签订师徒结对 Sign a pair',
        body: mentorshipInput,
        response: { 201: mentorshipDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await mentorships.create(callerOf(req), req.body)),
  );
  app.patch(
    `${P}/mentorships/:id`,
    { schema: { ...tags, params: idParam, body: mentorshipPatch, response: { 200: mentorshipDetailSchema } } },
    (req) => mentorships.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    `${P}/mentorships/:id`,
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await mentorships.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    `${P}/mentorships/:id/activities`,
    {
      schema: {
        ...tags,
        summary: '关联听课/示范课 Link an observation or demo lesson',
        params: idParam,
        body: linkActivityInput,
        response: { 200: mentorshipDetailSchema },
      },
    },
    (req) => mentorships.linkActivity(callerOf(req), req.params.id, req.body.activityId),
  );
  app.delete(
    `${P}/mentorships/:id/activities/:activityId`,
    {
      schema: {
        ...tags,
        params: idParam.extend({ activityId: z.coerce.number().int().positive() }),
        response: { 200: mentorshipDetailSchema },
      },
    },
    (req) => mentorships.unlinkActivity(callerOf(req), req.params.id, req.params.activityId),
  );
  app.post(
    `${P}/mentorships/:id/evaluations`,
    {
      schema: {
        ...tags,
        summary: '学期考核 End-of-term evaluation',
        params: idParam,
        body: mentorshipEvaluationInput,
        response: { 200: mentorshipDetailSchema },
      },
    },
    (req) => mentorships.evaluate(callerOf(req), req.params.id, req.body),
  );

  // ---------- studios ----------
  app.get(
    `${P}/studios`,
    {
      schema: {
        ...tags,
        summary: '名师工作室 Master-teacher studios',
        querystring: studioListQuery,
        response: { 200: pageOf(studioSchema) },
      },
    },
    (req) => studios.list(callerOf(req).actor, req.query),
  );
  app.get(`${P}/studios/:id`, { schema: { ...tags, params: idParam, response: { 200: studioSchema } } }, (req) =>
    studios.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    `${P}/studios`,
    { schema: { ...tags, body: studioInput, response: { 201: studioSchema } } },
    async (req, reply) => reply.status(201).send(await studios.create(callerOf(req), req.body)),
  );
  app.delete(`${P}/studios/:id`, { schema: { ...tags, params: idParam, response: noContent } }, async (req, reply) => {
    await studios.remove(callerOf(req), req.params.id);
    return reply.status(204).send(null);
  });
  app.post(
    `${P}/studios/:id/members`,
    { schema: { ...tags, params: idParam, body: studioMemberInput, response: { 200: studioSchema } } },
    (req) => studios.addMember(callerOf(req), req.params.id, req.body.teacherId, req.body.joinedOn ?? todayShanghai()),
  );
  app.delete(
    `${P}/studios/:id/members/:teacherId`,
    {
      schema: {
        ...tags,
        params: idParam.extend({ teacherId: z.coerce.number().int().positive() }),
        response: { 200: studioSchema },
      },
    },
    (req) => studios.removeMember(callerOf(req), req.params.id, req.params.teacherId),
  );
}
