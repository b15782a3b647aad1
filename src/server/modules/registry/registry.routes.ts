import { z } from 'zod';
import { referencesTo } from '../../contracts/references.js';
import { callerOf } from '../../http/actor.js';
import { requestLang } from '../../http/error-handler.js';
import {
  communityDetailSchema,
  communityInput,
  communityListQuery,
  communityPatch,
  communitySchema,
  idParam,
  leadershipInput,
  leadershipMemberSchema,
  membershipEnd,
  membershipInput,
  membershipSchema,
  regionListQuery,
  regionSchema,
  schoolInput,
  schoolListQuery,
  schoolPatch,
  schoolSchema,
  schoolYearStatsInput,
  schoolYearStatsListQuery,
  schoolYearStatsPatch,
  schoolYearStatsSchema,
  teacherInput,
  teacherListQuery,
  teacherOptionSchema,
  teacherOptionsQuery,
  teacherPatch,
  teacherSchema,
} from '../../../shared/registry.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import { sendXlsx } from '../io/index.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { CommunitiesService } from './communities.service.js';
import {
  communityExportColumns,
  schoolExportColumns,
  statsExportColumns,
  teacherExportColumns,
} from './registry.export.js';
import { RegionsService } from './regions.service.js';
import { SchoolsService } from './schools.service.js';
import { StatsService } from './stats.service.js';
import { TeachersService } from './teachers.service.js';

const exportQuery = <T extends z.ZodObject>(q: T) =>
  q.omit({ page: true, pageSize: true } as never).extend({ lang: z.enum(['zh', 'en']).optional() });
const noContent = { 204: z.null() };
const tags = (t: string) => ({ tags: [t] });

export function registryRoutes(app: ZodApp, ctx: ModuleContext) {
  const regions = new RegionsService(ctx.db);
  const schools = new SchoolsService(ctx.db, (id) => referencesTo(ctx.db, ctx.modules, 'school', id));
  const teachers = new TeachersService(ctx.db);
  const communities = new CommunitiesService(ctx.db);
  const stats = new StatsService(ctx.db);

  // ---------- regions ----------
  app.get(
    '/api/v1/regions',
    {
      schema: {
        ...tags('regions'),
        summary: '行政区划列表 List regions',
        querystring: regionListQuery,
        response: { 200: pageOf(regionSchema) },
      },
    },
    (req) => regions.list(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/regions/:code',
    {
      schema: {
        ...tags('regions'),
        params: z.object({ code: z.string().regex(/^\d{6}(\d{3})?$/) }),
        response: { 200: regionSchema.extend({ path: z.array(regionSchema) }) },
      },
    },
    (req) => regions.get(callerOf(req).actor, req.params.code),
  );

  app.post(
    '/api/v1/regions/:code/townships',
    {
      schema: {
        ...tags('regions'),
        summary: '载入该区县的乡镇（街道）Load the townships of a county',
        params: z.object({ code: z.string().regex(/^\d{6}$/) }),
        response: { 200: z.object({ loaded: z.number().int() }) },
      },
    },
    (req) => regions.loadTownships(callerOf(req), req.params.code),
  );

  // ---------- schools ----------
  app.get(
    '/api/v1/schools',
    {
      schema: {
        ...tags('schools'),
        summary: '学校列表 List schools',
        querystring: schoolListQuery,
        response: { 200: pageOf(schoolSchema) },
      },
    },
    (req) => schools.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    '/api/v1/schools/export.xlsx',
    { schema: { ...tags('schools'), summary: '导出学校 Export schools', querystring: exportQuery(schoolListQuery) } },
    (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      return sendXlsx(reply, {
        fileName: lang === 'en' ? 'schools' : '学校名册',
        sheetName: lang === 'en' ? 'Schools' : '学校',
        columns: schoolExportColumns(lang),
        batches: schools.iterate(callerOf(req).actor, req.query as never),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/schools/:id',
    { schema: { ...tags('schools'), params: idParam, response: { 200: schoolSchema } } },
    (req) => schools.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/schools',
    {
      schema: {
        ...tags('schools'),
        summary: '新建学校 Create a school',
        body: schoolInput,
        response: { 201: schoolSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await schools.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/schools/:id',
    { schema: { ...tags('schools'), params: idParam, body: schoolPatch, response: { 200: schoolSchema } } },
    (req) => schools.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/schools/:id',
    { schema: { ...tags('schools'), params: idParam, response: noContent } },
    async (req, reply) => {
      await schools.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---------- teachers ----------
  app.get(
    '/api/v1/teachers',
    {
      schema: {
        ...tags('teachers'),
        summary: '教师列表 List teachers',
        querystring: teacherListQuery,
        response: { 200: pageOf(teacherSchema) },
      },
    },
    (req) => teachers.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    '/api/v1/teachers/options',
    {
      schema: {
        ...tags('teachers'),
        summary: '教师选择项 Teachers a picker offers (name and school)',
        querystring: teacherOptionsQuery,
        response: { 200: z.object({ items: z.array(teacherOptionSchema) }) },
      },
    },
    (req) => teachers.options(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/teachers/export.xlsx',
    {
      schema: { ...tags('teachers'), summary: '导出教师 Export teachers', querystring: exportQuery(teacherListQuery) },
    },
    (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      return sendXlsx(reply, {
        fileName: lang === 'en' ? 'teachers' : '教师名册',
        sheetName: lang === 'en' ? 'Teachers' : '教师',
        columns: teacherExportColumns(lang),
        batches: teachers.iterate(callerOf(req).actor, req.query as never),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/teachers/:id',
    { schema: { ...tags('teachers'), params: idParam, response: { 200: teacherSchema } } },
    (req) => teachers.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/teachers',
    { schema: { ...tags('teachers'), body: teacherInput, response: { 201: teacherSchema } } },
    async (req, reply) => reply.status(201).send(await teachers.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/teachers/:id',
    { schema: { ...tags('teachers'), params: idParam, body: teacherPatch, response: { 200: teacherSchema } } },
    (req) => teachers.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/teachers/:id',
    { schema: { ...tags('teachers'), params: idParam, response: noContent } },
    async (req, reply) => {
      await teachers.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---------- communities ----------
  app.get(
    '/api/v1/communities',
    {
      schema: {
        ...tags('communities'),
        summary: '教共体列表 List communities',
        querystring: communityListQuery,
        response: { 200: pageOf(communitySchema) },
      },
    },
    (req) => communities.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    '/api/v1/communities/export.xlsx',
    { schema: { ...tags('communities'), querystring: exportQuery(communityListQuery) } },
    (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      return sendXlsx(reply, {
        fileName: lang === 'en' ? 'communities' : '教共体名册',
        sheetName: lang === 'en' ? 'Communities' : '教共体',
        columns: communityExportColumns(lang),
        batches: communities.iterate(callerOf(req).actor, req.query as never),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/communities/:id',
    { schema: { ...tags('communities'), params: idParam, response: { 200: communityDetailSchema } } },
    (req) => communities.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/communities',
    { schema: { ...tags('communities'), body: communityInput, response: { 201: communityDetailSchema } } },
    async (req, reply) => reply.status(201).send(await communities.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/communities/:id',
    {
      schema: {
        ...tags('communities'),
        params: idParam,
        body: communityPatch,
        response: { 200: communityDetailSchema },
      },
    },
    (req) => communities.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/communities/:id',
    { schema: { ...tags('communities'), params: idParam, response: noContent } },
    async (req, reply) => {
      await communities.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/communities/:id/memberships',
    {
      schema: {
        ...tags('communities'),
        summary: '成员校及历史 Memberships with history',
        params: idParam,
        response: { 200: z.array(membershipSchema) },
      },
    },
    (req) => communities.memberships(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/communities/:id/memberships',
    { schema: { ...tags('communities'), params: idParam, body: membershipInput, response: { 201: membershipSchema } } },
    async (req, reply) => reply.status(201).send(await communities.addMember(callerOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/communities/:id/memberships/:membershipId/end',
    {
      schema: {
        ...tags('communities'),
        summary: '成员校退出 End a membership',
        params: idParam.extend({ membershipId: z.coerce.number().int().positive() }),
        body: membershipEnd,
        response: { 200: membershipSchema },
      },
    },
    (req) =>
      communities.endMember(callerOf(req), req.params.id, req.params.membershipId, req.body.endDate, req.body.note),
  );

  const leaderParams = idParam.extend({ leaderId: z.coerce.number().int().positive() });
  app.post(
    '/api/v1/communities/:id/leadership',
    {
      schema: {
        ...tags('communities'),
        summary: '添加领导小组成员 Add a leadership member',
        params: idParam,
        body: leadershipInput,
        response: { 201: leadershipMemberSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await communities.addLeader(callerOf(req), req.params.id, req.body)),
  );
  app.patch(
    '/api/v1/communities/:id/leadership/:leaderId',
    {
      schema: {
        ...tags('communities'),
        params: leaderParams,
        body: leadershipInput.partial(),
        response: { 200: leadershipMemberSchema },
      },
    },
    (req) => communities.updateLeader(callerOf(req), req.params.id, req.params.leaderId, req.body),
  );
  app.delete(
    '/api/v1/communities/:id/leadership/:leaderId',
    { schema: { ...tags('communities'), params: leaderParams, response: noContent } },
    async (req, reply) => {
      await communities.removeLeader(callerOf(req), req.params.id, req.params.leaderId);
      return reply.status(204).send(null);
    },
  );

  // ---------- annual school statistics ----------
  app.get(
    '/api/v1/school-year-stats',
    {
      schema: {
        ...tags('school-year-stats'),
        summary: '学校年报 Annual school statistics',
        querystring: schoolYearStatsListQuery,
        response: { 200: pageOf(schoolYearStatsSchema) },
      },
    },
    (req) => stats.list(callerOf(req).actor, req.query, ctx.config.listCountCap),
  );
  app.get(
    '/api/v1/school-year-stats/export.xlsx',
    { schema: { ...tags('school-year-stats'), querystring: exportQuery(schoolYearStatsListQuery) } },
    (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      return sendXlsx(reply, {
        fileName: lang === 'en' ? 'school-statistics' : '学校年报',
        sheetName: lang === 'en' ? 'Statistics' : '年报',
        columns: statsExportColumns(lang),
        batches: stats.iterate(callerOf(req).actor, req.query as never),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/school-year-stats/:id',
    { schema: { ...tags('school-year-stats'), params: idParam, response: { 200: schoolYearStatsSchema } } },
    (req) => stats.get(callerOf(req).actor, req.params.id),
  );
  app.patch(
    '/api/v1/school-year-stats/:id',
    {
      schema: {
        ...tags('school-year-stats'),
        summary: '更正年报 Correct a record',
        params: idParam,
        body: schoolYearStatsPatch,
        response: { 200: schoolYearStatsSchema },
      },
    },
    (req) => stats.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/school-year-stats/:id',
    { schema: { ...tags('school-year-stats'), params: idParam, response: noContent } },
    async (req, reply) => {
      await stats.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/school-year-stats',
    {
      schema: {
        ...tags('school-year-stats'),
        summary: '填报或更正某校某学年数据 Create or correct one school-year',
        body: schoolYearStatsInput,
        response: { 201: schoolYearStatsSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await stats.upsert(callerOf(req), req.body)),
  );
}
