import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCounty } from '../demo/seed-all.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../test/harness.js';

/**
 * Every documented PATCH route accepts a valid one-field partial body on the demo county. The
 * table below says, per route, which row to correct and with what; a new PATCH route without an
 * entry fails the first test, so none is left out.
 */
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemoCounty(t.ctx.dbh, { seed: 7 });
  admin = await loginAdmin(t.app);
}, 300_000);
afterAll(async () => {
  await t.close();
});

interface Case {
  /** the row to correct: the first id (and second id for nested routes) the query returns */
  ids: string;
  body: Record<string, unknown>;
}
const CASES: Record<string, Case> = {
  '/api/v1/schools/{id}': { ids: 'select id from schools order by id limit 1', body: { shortName: '改名小学' } },
  '/api/v1/teachers/{id}': { ids: 'select id from teachers order by id limit 1', body: { phone: '13900000001' } },
  '/api/v1/communities/{id}': {
    ids: 'select id from communities order by id limit 1',
    body: { name: '更正后的教共体名称' },
  },
  '/api/v1/communities/{id}/leadership/{leaderId}': {
    ids: 'select community_id, id from leadership_members order by id limit 1',
    body: { position: '副组长' },
  },
  '/api/v1/school-year-stats/{id}': {
    ids: 'select id from school_year_stats order by id limit 1',
    body: { buildingArea: 8123.5 },
  },
  '/api/v1/users/{id}': { ids: "select id from users where username = 'viewer'", body: { displayName: '更正的姓名' } },
  '/api/v1/planner/plans/{id}': {
    ids: 'select id from planner_plans order by id limit 1',
    body: { name: '更正的方案' },
  },
  '/api/v1/activities/{id}': {
    ids: 'select id from activities order by id desc limit 1',
    body: { title: '更正的活动标题' },
  },
  '/api/v1/work-plans/{id}': { ids: 'select id from work_plans order by id desc limit 1', body: { notes: '补充说明' } },
  '/api/v1/support-ledger/{id}': {
    ids: 'select id from support_ledger order by id desc limit 1',
    body: { note: '补充说明' },
  },
  '/api/v1/resources/{id}': {
    ids: 'select id from resources order by id limit 1',
    body: { description: '更正的简介' },
  },
  '/api/v1/shared-courses/{id}': {
    ids: 'select id from shared_courses order by id limit 1',
    body: { description: '更正的简介' },
  },
  '/api/v1/meetings/{id}': {
    ids: 'select id from meetings order by id desc limit 1',
    body: { title: '更正的会议名称' },
  },
  '/api/v1/meetings/{id}/minutes': {
    ids: "select m.id from meetings m where not exists (select 1 from meeting_minutes_revisions r where r.meeting_id = m.id and r.status <> 'draft') order by m.id desc limit 1",
    body: { body: '# 纪要\n\n更正的纪要。' },
  },
  '/api/v1/meeting-action-items/{id}': {
    ids: 'select id from meeting_action_items order by id desc limit 1',
    body: { description: '补充说明' },
  },
  '/api/v1/assessment-schemes/{id}': {
    ids: 'select id from assessment_schemes order by id limit 1',
    body: { description: '更正的说明' },
  },
  '/api/v1/exchange/assignments/{id}': {
    ids: 'select id from exchange_assignments order by id desc limit 1',
    body: { notes: '补充说明' },
  },
  '/api/v1/exchange/rules/{id}': {
    ids: 'select id from exchange_rules order by id limit 1',
    body: { name: '更正的规则' },
  },
  '/api/v1/exchange/mentorships/{id}': {
    ids: 'select id from mentorships order by id desc limit 1',
    body: { notes: '补充说明' },
  },
};

async function documentedPatchRoutes(): Promise<string[]> {
  const spec = (await admin.get('/api/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(spec.paths)
    .filter(([, ops]) => ops.patch)
    .map(([p]) => p)
    .sort();
}

describe('every documented PATCH route', () => {
  it('has a case here', async () => {
    const routes = await documentedPatchRoutes();
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => !CASES[r])).toEqual([]);
  });

  it.each(Object.keys(CASES))('%s accepts a valid one-field partial body', async (route) => {
    const c = CASES[route]!;
    const { rows } = await sql.raw<Record<string, number>>(c.ids).execute(t.ctx.db);
    expect(rows.length, `no row for ${route}`).toBe(1);
    const ids = Object.values(rows[0]!);
    let i = 0;
    const url = route.replace(/\{[a-zA-Z]+\}/g, () => String(ids[i++]));
    const res = await admin.patch(url, c.body);
    expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(200);
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    // the field was stored: a later GET (where there is one) shows it
    const [field, value] = Object.entries(c.body)[0]!;
    const got = await admin.get(url);
    if (got.statusCode === 200 && field in got.json()) expect(got.json()[field]).toEqual(value);
  });
});
