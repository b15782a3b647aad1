import { contentDisposition } from '../../http/file-response.js';
import { z } from 'zod';
import {
  appealDecision,
  appealInput,
  appealSchema,
  assignmentInput,
  assignmentSchema,
  balanceQuery,
  balanceSchema,
  balanceSchoolPageSchema,
  balanceSchoolsQuery,
  type Balance,
  dataSourceSchema,
  evaluationDetailSchema,
  evaluationListQuery,
  evaluationSchema,
  formulaCheckInput,
  formulaCheckResult,
  publicPageParams,
  publicPageSchema,
  resultsQuery,
  resultsSchema,
  schemeCopyInput,
  schemeInput,
  schemeListQuery,
  schemePatch,
  schemeSchema,
  scoreInput,
  scoreSchema,
} from '../../../shared/assessment.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import { callerOf } from '../../http/actor.js';
import { requestLang } from '../../http/error-handler.js';
import { sendXlsx } from '../io/index.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { SourceCatalog } from './assessment.sources.js';
import { resultColumns, resultReportPdf } from './assessment.export.js';
import { notFound } from './assessment.errors.js';
import { balanceJson, balanceSchoolBatches, balanceSchools } from './balance.service.js';
import { balanceColumns } from './assessment.export.js';
import { EvaluationsService } from './evaluations.service.js';
import { publicNotFoundPage, publicResultsPage } from './public.page.js';
import { publicPageState, publicPageView, publishPublicPage, withdrawPublicPage } from './public.service.js';
import { publishedResults } from './results.service.js';
import { SchemesService } from './schemes.service.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = { tags: ['assessment'] };
const noContent = { 204: z.null() };

export function assessmentRoutes(app: ZodApp, ctx: ModuleContext) {
  const catalog = SourceCatalog.of(ctx.modules);
  const schemes = new SchemesService(ctx.db, catalog);
  const evaluations = new EvaluationsService(ctx.db, catalog);

  // ---------- schemes ----------
  app.get(
    '/api/v1/assessment-schemes',
    {
      schema: {
        ...tags,
        summary: '考核方案列表 List assessment schemes',
        querystring: schemeListQuery,
        response: { 200: pageOf(schemeSchema) },
      },
    },
    (req) => schemes.list(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/assessment-schemes/:id',
    { schema: { ...tags, params: idParam, response: { 200: schemeSchema } } },
    (req) => schemes.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/assessment-schemes',
    {
      schema: { ...tags, summary: '新建考核方案 Create a scheme', body: schemeInput, response: { 201: schemeSchema } },
    },
    async (req, reply) => reply.status(201).send(await schemes.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/assessment-schemes/:id',
    {
      schema: {
        ...tags,
        summary: '修改方案（生成新版本）Edit a scheme (new version)',
        params: idParam,
        body: schemePatch,
        response: { 200: schemeSchema },
      },
    },
    (req) => schemes.update(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/assessment-schemes/:id',
    { schema: { ...tags, params: idParam, response: noContent } },
    async (req, reply) => {
      await schemes.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/assessment-schemes/:id/copy',
    {
      schema: {
        ...tags,
        summary: '复制为新学年方案 Copy to another year',
        params: idParam,
        body: schemeCopyInput,
        response: { 201: schemeSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await schemes.copy(callerOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/assessment-schemes/:id/open',
    {
      schema: {
        ...tags,
        summary: '开启考核（各教共体自评）Open the assessment',
        params: idParam,
        response: { 200: z.object({ created: z.number().int() }) },
      },
    },
    (req) => schemes.open(callerOf(req), req.params.id),
  );
  app.get(
    '/api/v1/assessment-schemes/:id/assignments',
    { schema: { ...tags, params: idParam, response: { 200: z.array(assignmentSchema) } } },
    (req) => schemes.assignments(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/assessment-schemes/:id/assignments',
    {
      schema: {
        ...tags,
        summary: '分配考核员 Assign an assessor',
        params: idParam,
        body: assignmentInput,
        response: { 201: assignmentSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await schemes.assign(callerOf(req), req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/assessment-schemes/:id/assignments/:assignmentId',
    {
      schema: {
        ...tags,
        params: idParam.extend({ assignmentId: z.coerce.number().int().positive() }),
        response: noContent,
      },
    },
    async (req, reply) => {
      await schemes.unassign(callerOf(req), req.params.id, req.params.assignmentId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/assessment-sources',
    {
      schema: { ...tags, summary: '可用数据项 Data series for formulas', response: { 200: z.array(dataSourceSchema) } },
    },
    (req) => {
      callerOf(req);
      return schemes.sources(requestLang(req));
    },
  );
  app.post(
    '/api/v1/assessment-formula/check',
    {
      schema: {
        ...tags,
        summary: '校验公式并预览 Check a formula and preview it',
        body: formulaCheckInput,
        response: { 200: formulaCheckResult },
      },
    },
    (req) => schemes.checkFormula(callerOf(req).actor, req.body),
  );

  // ---------- evaluations ----------
  app.get(
    '/api/v1/assessment-evaluations',
    {
      schema: {
        ...tags,
        summary: '考核评价列表 List assessments',
        querystring: evaluationListQuery,
        response: { 200: pageOf(evaluationSchema) },
      },
    },
    (req) => evaluations.list(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/assessment-evaluations/:id',
    { schema: { ...tags, params: idParam, response: { 200: evaluationDetailSchema } } },
    (req) => evaluations.get(callerOf(req).actor, req.params.id),
  );
  app.post(
    '/api/v1/assessment-evaluations/:id/scores',
    {
      schema: {
        ...tags,
        summary: '评分（自评或考核员）Score an indicator',
        params: idParam,
        body: scoreInput,
        response: { 200: scoreSchema },
      },
    },
    (req) => evaluations.score(callerOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/assessment-evaluations/:id/scores/:indicatorKey',
    {
      schema: {
        ...tags,
        summary: '撤回评分（数据源项恢复按数据计分）Withdraw a score (a data-driven item follows its data again)',
        params: z.object({ id: z.coerce.number().int().positive(), indicatorKey: z.string().trim().min(1).max(64) }),
        response: noContent,
      },
    },
    async (req, reply) => {
      await evaluations.clearScore(callerOf(req), req.params.id, req.params.indicatorKey);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/assessment-evaluations/:id/submit',
    {
      schema: {
        ...tags,
        summary: '提交本阶段 Submit the stage',
        params: idParam,
        response: { 200: evaluationDetailSchema },
      },
    },
    (req) => evaluations.submit(callerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/assessment-evaluations/:id/return',
    {
      schema: {
        ...tags,
        summary: '退回考核员 Return to the assessor',
        params: idParam,
        response: { 200: evaluationDetailSchema },
      },
    },
    (req) => evaluations.returnToAssessor(callerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/assessment-evaluations/:id/publish',
    {
      schema: {
        ...tags,
        summary: '发布结果 Publish the result',
        params: idParam,
        response: { 200: evaluationDetailSchema },
      },
    },
    (req) => evaluations.publish(callerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/assessment-evaluations/:id/appeals',
    {
      schema: {
        ...tags,
        summary: '提出申诉 File an appeal',
        params: idParam,
        body: appealInput,
        response: { 201: appealSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await evaluations.appeal(callerOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/assessment-appeals/:id/decide',
    {
      schema: {
        ...tags,
        summary: '处理申诉 Decide an appeal',
        params: idParam,
        body: appealDecision,
        response: { 200: appealSchema },
      },
    },
    (req) => evaluations.decideAppeal(callerOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/v1/assessment-evaluations/:id/report.pdf',
    {
      schema: {
        ...tags,
        summary: '结果报告 PDF',
        params: idParam,
        querystring: z.object({ lang: z.enum(['zh', 'en']).optional() }),
      },
    },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const d = await evaluations.get(callerOf(req).actor, req.params.id);
      if (!d.result) throw notFound('assessment_evaluation', `${req.params.id}（未发布 not published）`);
      const pdf = await resultReportPdf(
        {
          communityName: d.communityName,
          schemeName: d.schemeName,
          year: d.year,
          revision: d.result.revision,
          schemeVersion: d.result.schemeVersion,
          total: d.result.total,
          publishedAt: d.result.publishedAt,
          schools: d.result.schools,
          explanation: d.result.explanation,
        },
        lang,
      );
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          contentDisposition('attachment', `${d.communityName}-考核结果.pdf`, 'report.pdf'),
        )
        .send(pdf);
    },
  );

  // ---------- published results and the balance indicators ----------
  app.get(
    '/api/v1/assessment-results',
    {
      schema: {
        ...tags,
        summary: '已发布结果与排名 Published results and rankings',
        querystring: resultsQuery,
        response: { 200: resultsSchema },
      },
    },
    (req) => {
      callerOf(req);
      return publishedResults(ctx.db, req.query.region, req.query.year);
    },
  );
  app.get(
    '/api/v1/assessment-results/export.xlsx',
    { schema: { ...tags, summary: '导出结果 Export results', querystring: resultsQuery } },
    async (req, reply) => {
      callerOf(req);
      const lang = req.query.lang ?? requestLang(req);
      const results = await publishedResults(ctx.db, req.query.region, req.query.year);
      async function* one() {
        yield results.communities;
      }
      return sendXlsx(reply, {
        fileName: lang === 'en' ? `assessment-${results.year}` : `教共体考核结果-${results.year}`,
        sheetName: lang === 'en' ? 'Results' : '考核结果',
        columns: resultColumns(results),
        batches: one(),
        lang,
      });
    },
  );
  app.get(
    '/api/v1/balance',
    {
      schema: {
        ...tags,
        summary: '义务教育优质均衡指标 County balanced-development indicators',
        querystring: balanceQuery,
        response: { 200: balanceSchema },
      },
    },
    async (req, reply) => {
      const json = await balanceJson(ctx.db, callerOf(req).actor, req.query.region, req.query.year);
      // already JSON text, checked against the schema above when it was built (balance.service.ts)
      return reply.type('application/json; charset=utf-8').send(json as unknown as Balance);
    },
  );
  app.get(
    '/api/v1/balance/schools',
    {
      schema: {
        ...tags,
        summary: '优质均衡学校明细（分页） Balance per school section, paged',
        querystring: balanceSchoolsQuery,
        response: { 200: balanceSchoolPageSchema },
      },
    },
    (req) => balanceSchools(ctx.db, callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/balance/schools.xlsx',
    {
      schema: {
        ...tags,
        summary: '导出优质均衡学校明细 Export balance per school section',
        querystring: balanceSchoolsQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => {
      const { actor } = callerOf(req);
      const lang = req.query.lang ?? requestLang(req);
      const batches = balanceSchoolBatches(ctx.db, actor, req.query);
      // the access check runs before the first byte is sent: a refused export is a 403, not a broken file
      const first = await batches.next();
      async function* all() {
        if (first.done) return;
        yield first.value;
        yield* batches;
      }
      return sendXlsx(reply, {
        fileName:
          lang === 'en'
            ? `balance-${req.query.region}-${req.query.year}`
            : `优质均衡-${req.query.region}-${req.query.year}`,
        sheetName: lang === 'en' ? 'Schools' : '学校明细',
        columns: balanceColumns(),
        batches: all(),
        lang,
      });
    },
  );

  // ---------- the public results page (docs/public-results.md) ----------
  const publicUrl = ctx.config.publicUrl;
  app.get(
    '/api/v1/assessment-public-pages/:region/:year',
    {
      schema: {
        ...tags,
        summary: '公开页状态 Public results page state',
        params: publicPageParams,
        response: { 200: publicPageSchema },
      },
    },
    (req) => {
      callerOf(req);
      return publicPageState(ctx.db, req.params.region, req.params.year, publicUrl);
    },
  );
  app.put(
    '/api/v1/assessment-public-pages/:region/:year',
    {
      schema: {
        ...tags,
        summary: '发布公开页 Publish the public results page',
        params: publicPageParams,
        response: { 200: publicPageSchema },
      },
    },
    (req) => publishPublicPage(ctx.db, callerOf(req), req.params.region, req.params.year, publicUrl),
  );
  app.delete(
    '/api/v1/assessment-public-pages/:region/:year',
    {
      schema: {
        ...tags,
        summary: '撤回公开页 Withdraw the public results page',
        params: publicPageParams,
        response: { 200: publicPageSchema },
      },
    },
    (req) => withdrawPublicPage(ctx.db, callerOf(req), req.params.region, req.params.year, publicUrl),
  );
  app.get(
    '/public/results/:region/:year',
    {
      config: { public: true },
      schema: {
        hide: true,
        params: z.object({ region: z.string(), year: z.string() }),
        querystring: z.object({ lang: z.string().optional() }),
      },
    },
    async (req, reply) => {
      const params = publicPageParams.safeParse(req.params);
      const view = params.success ? await publicPageView(ctx.db, params.data.region, params.data.year) : null;
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer');
      if (!view) return reply.status(404).send(publicNotFoundPage());
      return reply.send(publicResultsPage(view, req.query.lang === 'en' ? 'en' : 'zh'));
    },
  );
}
