/**
 * A complete module in one folder, as docs/how-to-add-a-module.md walks through it: a community
 * noticeboard (公告栏). It is not installed; manifest.test.ts mounts it next to the real modules to
 * prove that a manifest is all a module needs — migrations, routes, demo data, a dashboard panel with
 * its change table, an assessment data source and a scheduled job — without a line changed anywhere else.
 */
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { toMap, yearEnd, yearStart, type DataSource } from '../../contracts/assessment-source.js';
import type { PanelDefinition } from '../../contracts/dashboard-panel.js';
import type { JobKind } from '../../contracts/job.js';
import type { Db } from '../../db/connection.js';
import { callerOf, requireRole } from '../../http/actor.js';
import { nothingFound } from '../../http/errors.js';
import { recordAudit } from '../../modules/audit/audit.service.js';
import type { GongjinModule, ZodApp, ModuleContext } from '../../modules/module.js';
import { visibleCommunityCondition } from '../../modules/registry/registry.scope.js';
import { label } from '../../../shared/dashboard.schemas.js';
import { pageOf, pageQuery } from '../../../shared/validation.js';
import { pageOffset } from '../../db/paging.js';

const notice = z.object({ id: z.number(), communityId: z.number(), title: z.string(), postedAt: z.string() });
const noticeInput = z.object({ communityId: z.number().int().positive(), title: z.string().trim().min(1).max(200) });

function noticeboardRoutes(app: ZodApp, ctx: ModuleContext) {
  app.get(
    '/api/v1/notices',
    { schema: { tags: ['noticeboard'], querystring: pageQuery, response: { 200: pageOf(notice) } } },
    async (req) => {
      const { actor } = callerOf(req);
      const visible = visibleCommunityCondition(actor, 'community_id');
      const [items, total] = await Promise.all([
        sql<{
          id: number;
          communityId: number;
          title: string;
          postedAt: string;
        }>`select id, community_id as "communityId", title, posted_at::text as "postedAt"
        from noticeboard_notices where ${visible} order by id desc limit ${req.query.pageSize} offset ${pageOffset(req.query)}`.execute(
          ctx.db,
        ),
        sql<{ n: number }>`select count(*)::int as n from noticeboard_notices where ${visible}`.execute(ctx.db),
      ]);
      return { items: items.rows, total: total.rows[0]!.n };
    },
  );
  app.post(
    '/api/v1/notices',
    { schema: { tags: ['noticeboard'], body: noticeInput, response: { 201: notice } } },
    async (req, reply) => {
      const caller = callerOf(req);
      requireRole(caller.actor, 'bureau_admin');
      const row = await ctx.db.transaction().execute(async (tx) => {
        const community = await sql<{
          id: number;
        }>`select id from communities where id = ${req.body.communityId} and ${visibleCommunityCondition(caller.actor, 'id')}`.execute(
          tx,
        );
        if (!community.rows.length) throw nothingFound('教共体不存在', 'No such community');
        const inserted = await sql<{
          id: number;
          communityId: number;
          title: string;
          postedAt: string;
        }>`insert into noticeboard_notices (community_id, title)
        values (${req.body.communityId}, ${req.body.title}) returning id, community_id as "communityId", title, posted_at::text as "postedAt"`.execute(
          tx,
        );
        const created = inserted.rows[0]!;
        await recordAudit(tx, caller, {
          action: 'create',
          entity: 'notice',
          entityId: created.id,
          after: created,
          scope: { communityId: created.communityId },
        });
        return created;
      });
      return reply.status(201).send(row);
    },
  );
}

const noticesPanel: PanelDefinition = {
  key: 'noticeboard.notices',
  module: 'noticeboard',
  title: label('公告栏', 'Noticeboard'),
  order: 90,
  views: ['region', 'community'],
  async load(ctx) {
    const r = await sql<{ n: number }>`select count(*)::int as n from noticeboard_notices n
      where ${visibleCommunityCondition(ctx.actor, 'n.community_id')}`.execute(ctx.db);
    return {
      figures: [
        { key: 'notices', label: label('公告数', 'Notices'), value: r.rows[0]!.n, unit: 'items', drillDown: null },
      ],
    };
  },
};

const noticesPosted: DataSource = {
  key: 'notices_posted',
  label: { zh: '发布公告数', en: 'Notices posted' },
  unit: 'notice',
  unitLabel: { zh: '条', en: 'notices' },
  module: 'noticeboard',
  requires: [{ table: 'noticeboard_notices', columns: ['community_id', 'posted_at'] }],
  schoolScope: false,
  async compute(db: Db, q) {
    const rows = await sql<{
      id: number;
      v: number;
    }>`select community_id as id, count(*)::int as v from noticeboard_notices
      where community_id = any(${q.ids}::int[]) and posted_at >= ${yearStart(q.year)}::date and posted_at < ${yearEnd(q.year)}::date group by community_id`.execute(
      db,
    );
    return toMap(rows.rows, q.ids, 0);
  },
};

/** Notices older than a year are taken down, daily, on the job queue. */
const expireNotices: JobKind<Record<string, never>> = {
  name: 'noticeboard.expire-notices',
  payload: z.object({}).strict(),
  async run(_p, { db }) {
    const r = await sql`delete from noticeboard_notices where posted_at < now() - interval '1 year'`.execute(db);
    return { notices: Number(r.numAffectedRows ?? 0) };
  },
};

export const noticeboardModule: GongjinModule = {
  name: 'noticeboard',
  migrations: {
    '20261204_0100_noticeboard_notices': {
      async up(db: Kysely<unknown>) {
        await sql`
          create table noticeboard_notices (
            id serial primary key,
            community_id integer not null references communities (id),
            title text not null,
            posted_at timestamptz not null default now()
          );
          create index noticeboard_notices_community_idx on noticeboard_notices (community_id, posted_at);
        `.execute(db);
      },
    },
  },
  routes: noticeboardRoutes,
  async demo(dbh) {
    const r = await sql<{ n: number }>`with ins as (insert into noticeboard_notices (community_id, title)
      select id, name || '：本学期联合教研安排' from communities returning 1) select count(*)::int as n from ins`.execute(
      dbh.db,
    );
    return { notices: r.rows[0]!.n };
  },
  dashboard: { panels: [noticesPanel], changeTables: ['noticeboard_notices'] },
  assessmentSources: [noticesPosted],
  jobs: {
    kinds: [expireNotices],
    schedules: [{ name: 'noticeboard.expire', kind: expireNotices.name, everySeconds: 86400 }],
  },
};
