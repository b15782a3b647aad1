import { contentDisposition } from '../../http/file-response.js';
import { z } from 'zod';
import { callerOf } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { requestLang } from '../../http/error-handler.js';
import {
  alertsQuery,
  alertsSchema,
  dashboardQuery,
  dashboardSchema,
  displayLinkCreated,
  displayLinkInput,
  displayLinkSchema,
  drillTeacherSchema,
  drillTeachersQuery,
  mapSchema,
  reportQuery,
  type Dashboard,
} from '../../../shared/dashboard.schemas.js';
import { idParam } from '../../../shared/registry.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { dashboardContributions } from './dashboard.contributions.js';
import { DashboardService } from './dashboard.service.js';
import { displayInvalidPage, displayPage } from './display.page.js';
import { DisplayService } from './display.service.js';
import { reportPdf, reportTitle, reportXlsx } from './report.documents.js';
import { ReportService } from './report.service.js';

const tags = { tags: ['dashboard'] };
const tokenParam = z.object({ token: z.string().min(1).max(100) });

/** A display screen cannot open lists: its figures carry no links. */
function withoutLinks(d: Dashboard): Dashboard {
  return {
    ...d,
    panels: d.panels.map((p) => ({
      ...p,
      figures: p.figures.map((f) => ({ ...f, drillDown: null })),
      charts: p.charts.map((c) => ({
        ...c,
        points: c.points.map((pt) => ({ ...pt, drillDown: null })),
        ...(c.series ? { series: c.series.map((sr) => ({ ...sr, drillDown: null })) } : {}),
      })),
    })),
  };
}

export function dashboardRoutes(app: ZodApp, ctx: ModuleContext) {
  const log = (source: string, err: unknown) => app.log.warn({ err, source }, 'dashboard source failed');
  const contributions = dashboardContributions(ctx.modules);
  // the refresh job of a stale panel (run by the worker on this database) finds the panels here
  const dashboards = new DashboardService(ctx.db, contributions, { log, jobBell: ctx.jobBell });
  const reports = new ReportService(ctx.db, contributions, { log, jobBell: ctx.jobBell });
  const displays = new DisplayService(ctx.db, ctx.config.displayLinkMaxDays);

  app.get(
    '/api/v1/dashboard',
    {
      schema: {
        ...tags,
        summary: '驾驶舱 Dashboard for the actor’s scope',
        querystring: dashboardQuery,
        response: { 200: dashboardSchema },
      },
    },
    async (req, reply) => {
      const json = await dashboards.dashboardJson(callerOf(req).actor, req.query);
      // already JSON text: Fastify sends a string with a JSON content type as it is (the schema
      // above still documents it; the panels were checked when computed)
      return reply.type('application/json; charset=utf-8').send(json as unknown as Dashboard);
    },
  );
  app.get(
    '/api/v1/dashboard/alerts',
    {
      schema: {
        ...tags,
        summary: '预警与待办（分页）Alerts with owners and links, a page at a time',
        querystring: alertsQuery,
        response: { 200: alertsSchema },
      },
    },
    (req) => dashboards.alerts(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/dashboard/map',
    {
      schema: {
        ...tags,
        summary: '学校与教共体分布图 Map of schools and communities',
        querystring: dashboardQuery,
        response: { 200: mapSchema },
      },
    },
    (req) => dashboards.map(callerOf(req).actor, req.query),
  );
  app.get(
    '/api/v1/dashboard/teachers',
    {
      schema: {
        ...tags,
        summary: '教师明细（驾驶舱下钻）Teachers behind a figure',
        querystring: drillTeachersQuery,
        response: { 200: pageOf(drillTeacherSchema) },
      },
    },
    (req) => dashboards.teachers(callerOf(req).actor, req.query),
  );

  app.get(
    '/api/v1/dashboard/report.pdf',
    { schema: { ...tags, summary: '年度报告（PDF）Annual report as PDF', querystring: reportQuery } },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const data = await reports.load(callerOf(req).actor, req.query);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', contentDisposition('attachment', `${reportTitle(data, lang)}.pdf`, 'report.pdf'))
        .send(await reportPdf(data, lang));
    },
  );
  app.get(
    '/api/v1/dashboard/report.xlsx',
    { schema: { ...tags, summary: '年度报告（Excel）Annual report as xlsx', querystring: reportQuery } },
    async (req, reply) => {
      const lang = req.query.lang ?? requestLang(req);
      const data = await reports.load(callerOf(req).actor, req.query);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          contentDisposition('attachment', `${reportTitle(data, lang)}.xlsx`, 'report.xlsx'),
        )
        .send(await reportXlsx(data, lang));
    },
  );

  // ---------- display links (数据大屏) ----------
  app.get(
    '/api/v1/dashboard/display-links',
    { schema: { ...tags, summary: '大屏链接 Display links', response: { 200: z.array(displayLinkSchema) } } },
    (req) => displays.list(callerOf(req).actor),
  );
  app.post(
    '/api/v1/dashboard/display-links',
    {
      schema: {
        ...tags,
        summary: '新建大屏链接（令牌仅显示一次）Create a display link',
        body: displayLinkInput,
        response: { 201: displayLinkCreated },
      },
    },
    async (req, reply) => {
      const link = await displays.create(callerOf(req), req.body);
      return reply.status(201).send({ ...link, url: `/display/${link.token}` });
    },
  );
  app.post(
    '/api/v1/dashboard/display-links/:id/revoke',
    {
      schema: {
        ...tags,
        summary: '停用大屏链接 Revoke a display link',
        params: idParam,
        response: { 200: displayLinkSchema },
      },
    },
    (req) => displays.revoke(callerOf(req), req.params.id),
  );

  app.get(
    '/api/v1/display/:token',
    {
      config: { public: true },
      schema: {
        ...tags,
        summary: '大屏数据（凭令牌，仅汇总）Display data by token',
        params: tokenParam,
        response: { 200: dashboardSchema },
      },
    },
    async (req) => {
      const { actor } = await displays.actorForToken(req.params.token);
      return withoutLinks(await dashboards.dashboard(actor, {}));
    },
  );
  app.get(
    '/display/:token',
    { config: { public: true }, schema: { hide: true, params: tokenParam } },
    async (req, reply) => {
      let link: Awaited<ReturnType<DisplayService['actorForToken']>>;
      try {
        link = await displays.actorForToken(req.params.token);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'display_link_invalid') throw err;
        return reply
          .status(401)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .send(displayInvalidPage());
      }
      const { actor, label } = link;
      const [d, map] = await Promise.all([dashboards.dashboard(actor, {}), dashboards.map(actor, {})]);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .send(await displayPage(withoutLinks(d), map, label));
    },
  );
}
