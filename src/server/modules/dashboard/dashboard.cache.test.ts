import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSchool, buildTeacher, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { alertsPage } from './dashboard.alerts.js';
import { sourceVersion } from './dashboard.cache.js';
import { dashboardContributions } from './dashboard.contributions.js';
import { trackedModules } from './change-tracking.js';
import { modules } from '../index.js';
import { jobContributions } from '../jobs/jobs.contributions.js';
import { JobWorker } from '../jobs/worker.js';

const tracked = trackedModules(modules);

/**
 * Snapshots follow the data: a change moves its module's version, readers keep getting the last
 * snapshot, and one refresh job per snapshot catches it up. The app runs no worker of its own: the
 * test runs the queue (drain) when it wants, so nothing depends on timing.
 */
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
});
afterAll(async () => {
  await t.close();
});

const teachers = async () => {
  const res = await admin.get(`/api/v1/dashboard?region=${HAINING}`);
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json()
    .panels.flatMap((p: { figures: { key: string; value: number }[] }) => p.figures)
    .find((f: { key: string }) => f.key === 'teachers').value as number;
};

const refreshJobs = async () =>
  (
    await sql<{
      panel: string;
      cache_key: string;
      status: string;
      attempts: number;
      last_error: string | null;
    }>`select payload->>'panel' as panel, payload->>'cacheKey' as cache_key, status, attempts, last_error
      from jobs where kind = 'dashboard.refresh-panel' order by id`.execute(t.ctx.db)
  ).rows;
const overviewJobs = async () => (await refreshJobs()).filter((j) => j.panel === 'registry.overview');
/** runs every due job, as the worker of any instance would */
const drain = () => new JobWorker(t.ctx, jobContributions(modules).kinds, [], { modules }).drain();

describe('dashboard snapshots', () => {
  it('a write to a source table moves only its module’s version', async () => {
    const before = {
      registry: await sourceVersion(t.ctx.db, tracked, 'registry'),
      activities: await sourceVersion(t.ctx.db, tracked, 'activities'),
    };
    const s = await buildSchool(t.ctx.db);
    const after = {
      registry: await sourceVersion(t.ctx.db, tracked, 'registry'),
      activities: await sourceVersion(t.ctx.db, tracked, 'activities'),
    };
    expect(after.registry).not.toBe(before.registry);
    // the activities panel reads the registry too, so its version moves with it; not the reverse
    expect(after.activities).not.toBe(before.activities);
    expect(await sourceVersion(t.ctx.db, tracked, 'some-module-without-triggers')).toBeNull();
    await t.ctx.db.deleteFrom('schools').where('id', '=', s.id).execute();
  });

  let schoolId = 0;
  it('serves a stale snapshot at once and queues one refresh per snapshot, however many readers', async () => {
    schoolId = (await buildSchool(t.ctx.db)).id;
    await buildTeacher(t.ctx.db, schoolId);
    expect(await teachers()).toBe(1); // no snapshot yet: computed while the reader waits
    expect(await refreshJobs()).toEqual([]);
    expect(await teachers()).toBe(1); // from the snapshot
    expect(await refreshJobs()).toEqual([]);

    await buildTeacher(t.ctx.db, schoolId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => teachers()));
    expect(answers).toEqual(Array.from({ length: 20 }, () => 1)); // the stale figure, not a recomputation
    const queued = await refreshJobs();
    expect(await overviewJobs()).toMatchObject([{ status: 'queued', attempts: 0 }]);
    // a registry write makes every tracked panel stale: each is queued once
    expect(new Set(queued.map((j) => j.cache_key)).size).toBe(queued.length);
    expect(queued.every((j) => j.status === 'queued')).toBe(true);

    await drain();
    expect((await refreshJobs()).map((j) => j.status)).toEqual(queued.map(() => 'done'));
    expect(await teachers()).toBe(2);
    expect(await refreshJobs()).toHaveLength(queued.length); // current again: nothing more to queue
    const rows = await t.ctx.db.selectFrom('dashboard_snapshots').select('cache_key').execute();
    expect(rows.length).toBeGreaterThan(0);
  });

  it('a refresh that fails keeps the stale snapshot, is retried, and dies visibly', async () => {
    await sql`delete from jobs`.execute(t.ctx.db);
    const overview = dashboardContributions(modules).panels.find((p) => p.key === 'registry.overview')!;
    const load = vi.spyOn(overview, 'load').mockRejectedValue(new Error('统计查询失败 statistics query failed'));
    try {
      await buildTeacher(t.ctx.db, schoolId);
      expect(await teachers()).toBe(2); // stale, served at once
      await drain();
      expect(await overviewJobs()).toMatchObject([
        { status: 'queued', attempts: 1, last_error: expect.stringContaining('statistics query failed') },
      ]);
      // waiting for its retry, the job still stands for the snapshot: readers queue no second one
      expect(await teachers()).toBe(2);
      expect(await overviewJobs()).toHaveLength(1);
      for (let attempt = 2; attempt <= 3; attempt++) {
        await sql`update jobs set run_at = now() where status = 'queued'`.execute(t.ctx.db); // its back-off is over
        await drain();
      }
      expect(await overviewJobs()).toMatchObject([
        { status: 'dead', attempts: 3, last_error: expect.stringContaining('statistics query failed') },
      ]);
      expect(load).toHaveBeenCalledTimes(3);
      expect(await teachers()).toBe(2);
      // on the jobs page, with its reason
      const dead = (await admin.get('/api/v1/jobs?status=dead&kind=dashboard.refresh-panel')).json();
      expect(dead.items).toMatchObject([
        { attempts: 3, lastError: expect.stringContaining('statistics query failed') },
      ]);
    } finally {
      load.mockRestore();
    }
    // a dead refresh does not block the next one: the next reader queues it, and it catches up
    expect(await teachers()).toBe(2);
    expect((await overviewJobs()).map((j) => j.status)).toEqual(['dead', 'queued']);
    await drain();
    expect(await teachers()).toBe(3);
  });
});

describe('snapshot keys', () => {
  it('leave out the filters a panel ignores, so equivalent requests share its snapshot', async () => {
    const count = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from dashboard_snapshots`.execute(t.ctx.db)).rows[0]!.n,
      );
    const url = `/api/v1/dashboard?region=${HAINING}&schoolYear=2023`;
    const before = await count();
    const first = await admin.get(url);
    expect(first.statusCode, first.body).toBe(200);
    const shown = first.json().panels as { key: string; ignores: string[] }[];
    const afterFirst = await count();
    expect(afterFirst - before).toBe(shown.length);
    const filtered = await admin.get(`${url}&level=primary&locationClass=rural`);
    expect(filtered.statusCode, filtered.body).toBe(200);
    const ignoring = shown.filter((p) => p.ignores.includes('level') && p.ignores.includes('locationClass'));
    expect(ignoring.map((p) => p.key)).toContain('activities.overview');
    expect((await count()) - afterFirst).toBe(shown.length - ignoring.length);
  });

  it('alerts are kept like panels: served from their snapshot, refreshed by the queue after a change', async () => {
    await sql`delete from jobs`.execute(t.ctx.db);
    const url = `/api/v1/dashboard/alerts?region=${HAINING}`;
    const keysBefore = new Set(
      (await t.ctx.db.selectFrom('dashboard_snapshots').select('cache_key').execute()).map((r) => r.cache_key),
    );
    const first = await admin.get(url);
    expect(first.statusCode, first.body).toBe(200);
    const kept = (await t.ctx.db.selectFrom('dashboard_snapshots').select('cache_key').execute())
      .map((r) => r.cache_key)
      .filter((k) => !keysBefore.has(k));
    // one snapshot per alert source (activities' plans, exchange's mentors, meetings' reminders)
    expect(kept.length).toBeGreaterThanOrEqual(3);
    const planted = {
      key: 'planted',
      kind: 'behindPlan',
      kindLabel: { zh: '植入', en: 'Planted' },
      severity: 'high',
      title: '只在快照里的提醒',
      owner: null,
      communityId: null,
      communityName: null,
      link: '/',
      since: null,
    };
    await sql`update dashboard_snapshots set payload = ${JSON.stringify([planted])}::jsonb
      where cache_key in (${sql.join(kept)})`.execute(t.ctx.db);
    const titles = async () =>
      ((await admin.get(url)).json() as { items: { title: string }[] }).items.map((a) => a.title);
    expect(await titles()).toContain('只在快照里的提醒'); // read from the snapshot, not recomputed

    // mentors behind also read observations (activities): an activities write makes them stale
    await t.ctx.db
      .updateTable('activities')
      .set({ title: sql`title` })
      .where('id', '=', -1)
      .execute();
    expect(await titles()).toContain('只在快照里的提醒'); // stale is served at once
    const queued = await refreshJobs();
    expect(
      queued
        .filter((j) => j.panel.startsWith('alerts:'))
        .map((j) => j.panel)
        .sort(),
    ).toEqual(['alerts:activities.behindPlan', 'alerts:exchange.mentorsBehind']);
    await drain();
    const plantedShown = async () => (await titles()).filter((x) => x === '只在快照里的提醒').length;
    expect(await plantedShown()).toBe(1); // the meetings snapshot's is still there: nothing of it changed

    // meetings' reminders (overdue meetings, signatures, action items) are kept too: a meetings
    // write makes them stale, and nothing else is recomputed
    await sql`delete from jobs`.execute(t.ctx.db);
    await t.ctx.db
      .updateTable('meetings')
      .set({ title: sql`title` })
      .where('id', '=', -1)
      .execute();
    await admin.get(url);
    expect(
      (await refreshJobs())
        .filter((j) => j.panel.startsWith('alerts:'))
        .map((j) => j.panel)
        .sort(),
    ).toEqual(['alerts:meetings.reminders']);
    await drain();
    expect(await plantedShown()).toBe(0);
  });
});

describe('alerts kept before English titles', () => {
  it('still read: their Chinese title stands in for the English one', async () => {
    const old = {
      key: 'meetingDue-1',
      kind: 'meetingOverdue',
      kindLabel: { zh: '联席会议逾期', en: 'Joint meeting overdue' },
      severity: 'high',
      title: '尚未召开过联席会议',
      owner: null,
      communityId: null,
      communityName: null,
      link: '/meetings',
      since: null,
    };
    await sql`insert into dashboard_snapshots (cache_key, change_version, payload)
      values ('old-alerts', 'v', ${JSON.stringify([old])}::jsonb)`.execute(t.ctx.db);
    const { items } = await alertsPage(t.ctx.db, {
      snapshots: ['old-alerts'],
      live: [],
      inScope: sql<boolean>`true`,
      limit: 8,
      offset: 0,
    });
    expect(items).toEqual([{ ...old, titleEn: '尚未召开过联席会议' }]);
  });
});
