import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCounty } from '../demo/seed-all.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../test/harness.js';
import { noticeboardModule } from '../test/noticeboard/noticeboard.module.js';
import { dashboardContributions } from './dashboard/dashboard.contributions.js';
import { modules } from './index.js';
import { jobContributions } from './jobs/jobs.contributions.js';
import { JobWorker } from './jobs/worker.js';
import type { GongjinModule } from './module.js';

const HAINING = '330481';
const here = path.dirname(fileURLToPath(import.meta.url));

describe('the installed modules', () => {
  it('lists every module folder, once, and nothing else lists modules', () => {
    const folders = fs
      .readdirSync(here, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(modules.map((m) => m.name).sort()).toEqual(folders);
    for (const name of folders)
      expect(fs.existsSync(path.join(here, name, `${name}.module.ts`)), `${name}/${name}.module.ts`).toBe(true);
  });

  it('refuses a dashboard key declared twice', () => {
    const twice: GongjinModule = {
      name: 'twice',
      migrations: {},
      dashboard: { panels: noticeboardModule.dashboard!.panels! },
    };
    expect(() => dashboardContributions([noticeboardModule, twice])).toThrow(/declared twice/);
  });
});

describe('a module added by its manifest alone', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await createTestApp({ modules: [...modules, noticeboardModule] });
    admin = await loginAdmin(t.app);
    await seedDemoCounty(t.ctx.dbh, { seed: 3, modules: [noticeboardModule] });
  });
  afterAll(async () => t?.close());

  it('gets its migration applied, its routes mounted and its demo data seeded', async () => {
    const list = await admin.get('/api/v1/notices?pageSize=5');
    expect(list.statusCode).toBe(200);
    const communities = (await sql<{ n: number }>`select count(*)::int as n from communities`.execute(t.ctx.db))
      .rows[0]!.n;
    expect(communities).toBeGreaterThan(0);
    expect(list.json().total).toBe(communities);
    expect(list.json().items).toHaveLength(5);
  });

  it('shows its panel on the dashboard, and a write to its change table refreshes it', async () => {
    const notices = async () => {
      const d = (await admin.get(`/api/v1/dashboard?region=${HAINING}`)).json();
      const panel = d.panels.find((p: { key: string }) => p.key === 'noticeboard.notices');
      return panel?.figures[0]?.value as number | undefined;
    };
    const before = await notices();
    expect(before).toBeGreaterThan(0);
    const trigger = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_trigger where tgname = 'dashboard_touch' and tgrelid = 'noticeboard_notices'::regclass`.execute(
      t.ctx.db,
    );
    expect(trigger.rows[0]!.n).toBe(1);
    const community = (await sql<{ id: number }>`select id from communities order by id limit 1`.execute(t.ctx.db))
      .rows[0]!;
    const posted = await admin.post('/api/v1/notices', { communityId: community.id, title: '期末联考安排' });
    expect(posted.statusCode).toBe(201);
    // the snapshot is stale now: served once more while a job recomputes it, then the new count
    expect(await notices()).toBe(before);
    const installed = [...modules, noticeboardModule];
    await new JobWorker(t.ctx, jobContributions(installed).kinds, [], { modules: installed }).drain();
    expect(await notices()).toBe(before! + 1);
    const audited = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_log where entity = 'notice' and action = 'create'`.execute(t.ctx.db);
    expect(audited.rows[0]!.n).toBe(1);
  });

  it('offers its data source to assessment formulas', async () => {
    const sources = (await admin.get('/api/v1/assessment-sources')).json() as { key: string; available: boolean }[];
    expect(sources.find((s) => s.key === 'notices_posted')).toMatchObject({ available: true });
  });

  it('runs its scheduled job on the queue', async () => {
    await sql`insert into noticeboard_notices (community_id, title, posted_at)
      select id, '去年的公告', now() - interval '400 days' from communities order by id limit 2`.execute(t.ctx.db);
    const { kinds, schedules } = jobContributions([...modules, noticeboardModule]);
    await new JobWorker(
      t.ctx,
      kinds,
      schedules.filter((s) => s.name === 'noticeboard.expire'),
    ).drain();
    const run = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('kind', '=', 'noticeboard.expire-notices')
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'done', result: { notices: 2 } });
  });

  it('re-running the migrations keeps one trigger per change table', async () => {
    const { migrateToLatest } = await import('../db/migrate.js');
    await migrateToLatest(t.ctx.db, [...modules, noticeboardModule]);
    const triggers = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_trigger where tgname = 'dashboard_touch' and tgrelid = 'noticeboard_notices'::regclass`.execute(
      t.ctx.db,
    );
    expect(triggers.rows[0]!.n).toBe(1);
  });
});
