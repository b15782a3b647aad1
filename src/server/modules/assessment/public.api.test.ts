import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Balance, PublicPage, Results } from '../../../shared/assessment.schemas.js';
import { seedDemo } from '../../demo/demo.service.js';
import { buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, DEMO_TEST_PASSWORD, login, type Client, type TestApp } from '../../test/harness.js';
import { seedAssessmentDemo } from './assessment.demo.js';
import { modules } from '../index.js';

/** Issue 22: the bureau publishes the year's results and balance summary on a public, read-only page. */
let t: TestApp;
let bureau: Client, viewer: Client, teacher: Client, assessor: Client, otherBureau: Client;
const PAGE = `/api/v1/assessment-public-pages/${HAINING}`;
const PUBLIC = `/public/results/${HAINING}`;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
  await seedAssessmentDemo(t.ctx.dbh, { seed: 7, modules });
  bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
  viewer = await login(t.app, 'viewer', DEMO_TEST_PASSWORD);
  teacher = await login(t.app, 'teacher', DEMO_TEST_PASSWORD);
  assessor = await login(t.app, 'assessor', DEMO_TEST_PASSWORD);
  const other = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: TONGXIANG });
  otherBureau = await login(t.app, other.username, USER_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

/** The public page, read without any session. */
const anonymous = (url: string) => t.app.inject({ method: 'GET', url });
const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

/** The ranking rows of the page: rank, community, index, previous index, change — as shown. */
function rankingRows(html: string): string[][] {
  const table = /<table data-testid="public-ranking">([\s\S]*?)<\/table>/.exec(html)![1]!;
  return [...table.matchAll(/<tr data-rank="\d+">(.*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => unescape(c[1]!)),
  );
}
const shown = (v: number | null) => (v === null ? '—' : v.toFixed(2));

async function auditEntries(action: string) {
  return t.ctx.db
    .selectFrom('audit_log')
    .select(['username', 'entity_id', 'action'])
    .where('entity', '=', 'assessment_public_page')
    .where('action', '=', action)
    .execute();
}

describe('public results page', () => {
  it('is 404 with a plain message before it is published, and the state says so', async () => {
    const res = await anonymous(`${PUBLIC}/2025`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('此公开页不存在或已撤回');
    const state = JSON.parse((await viewer.get(`${PAGE}/2025`)).body) as PublicPage;
    expect(state).toMatchObject({ published: false, publishedAt: null, url: `${PUBLIC}/2025` });
  });

  it('refuses a year without published results, with a reason in both languages', async () => {
    for (const year of [2026, 2019]) {
      const res = await bureau.request('PUT', `${PAGE}/${year}`);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.body).toContain('尚无已发布的考核结果');
      expect(res.body).toContain('no published assessment results');
    }
    expect((await anonymous(`${PUBLIC}/2026`)).statusCode).toBe(404);
  });

  it('lets only a bureau of the region publish', async () => {
    for (const c of [otherBureau, teacher, assessor, viewer]) {
      expect((await c.request('PUT', `${PAGE}/2025`)).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'PUT', url: `${PAGE}/2025` })).statusCode).toBe(401);
    expect((await anonymous(`${PUBLIC}/2025`)).statusCode).toBe(404);
    expect(await auditEntries('publish')).toEqual([]);
  });

  it('publishes: the page, without a session, shows exactly the results and balance the API answers', async () => {
    const res = await bureau.request('PUT', `${PAGE}/2025`);
    expect(res.statusCode, res.body).toBe(200);
    const state = JSON.parse(res.body) as PublicPage;
    expect(state).toMatchObject({ published: true, withdrawnAt: null, url: `${PUBLIC}/2025` });
    expect(state.publishedAt).not.toBeNull();
    expect(JSON.parse((await viewer.get(`${PAGE}/2025`)).body)).toEqual(state);

    const page = await anonymous(state.url);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const html = page.body;
    expect(html).toContain('海宁市');
    expect(html).toContain('2025–2026 学年');

    const results = JSON.parse(
      (await bureau.get(`/api/v1/assessment-results?region=${HAINING}&year=2025`)).body,
    ) as Results;
    expect(results.communities.length).toBeGreaterThan(5);
    expect(rankingRows(html)).toEqual(
      results.communities.map((c) => [
        String(c.rank),
        c.communityName,
        shown(c.total),
        shown(c.previousTotal),
        c.change === null ? '—' : c.change > 0 ? `+${c.change.toFixed(2)}` : c.change.toFixed(2),
      ]),
    );
    expect(results.communities.some((c) => c.change !== null)).toBe(true);
    expect(html).toContain(`data-testid="public-region-index">${shown(results.regionIndex)}<`);

    const balance = JSON.parse((await bureau.get(`/api/v1/balance?region=${HAINING}&year=2025`)).body) as Balance;
    const tables = [...html.matchAll(/<table data-testid="public-balance-table">([\s\S]*?)<\/table>/g)].map((m) =>
      [...m[1]!.matchAll(/<tr><td>[^<]*<\/td><td class="n">([^<]*)<\/td>/g)].map((r) => r[1]),
    );
    expect(tables).toEqual([
      balance.stages.primary.map((s) => s.cvShown ?? '—'),
      balance.stages.junior.map((s) => s.cvShown ?? '—'),
    ]);
    expect(balance.stages.primary.some((s) => s.cvShown !== null)).toBe(true);
    expect(html).toContain(`<div class="v">${balance.summary.schools}</div>`);

    const audit = await auditEntries('publish');
    expect(audit).toEqual([{ username: 'bureau', entity_id: `${HAINING}:2025`, action: 'publish' }]);
  });

  it('holds nothing personal: no person, user or teacher name, no username, no ID number', async () => {
    const zh = (await anonymous(`${PUBLIC}/2025`)).body;
    const en = (await anonymous(`${PUBLIC}/2025?lang=en`)).body;
    // names of what the page may show: a person's name that is part of one is not a leak
    const allowed = [
      ...(await t.ctx.db.selectFrom('communities').select('name').execute()).map((r) => r.name),
      ...(await t.ctx.db.selectFrom('schools').select('name').execute()).map((r) => r.name),
      '海宁市',
    ];
    const teachers = await t.ctx.db.selectFrom('teachers').select(['name', 'teacher_code']).execute();
    const users = await t.ctx.db.selectFrom('users').select(['username', 'display_name']).execute();
    expect(teachers.length).toBeGreaterThan(50);
    const names = [...teachers.map((x) => x.name), ...users.map((u) => u.display_name)].filter(
      (n) => !allowed.some((a) => a.includes(n)),
    );
    expect(names.length).toBeGreaterThan(50);
    for (const html of [zh, en]) {
      for (const n of names) expect(html, n).not.toContain(n);
      for (const tc of teachers.map((x) => x.teacher_code)) expect(html, tc).not.toContain(tc);
      for (const u of users) expect(html, u.username).not.toMatch(new RegExp(`\\b${u.username}\\b`));
      expect(html).not.toMatch(/\d{17}[\dXx]/);
      expect(html).not.toMatch(/<script/i);
    }
  });

  it('is available in English', async () => {
    const res = await anonymous(`${PUBLIC}/2025?lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Total development index');
    expect(res.body).toContain('2025–2026');
  });

  it('withdraws: the page is 404 again, only for the region bureau, audited', async () => {
    expect((await otherBureau.delete(`${PAGE}/2025`)).statusCode).toBe(403);
    expect((await teacher.delete(`${PAGE}/2025`)).statusCode).toBe(403);
    expect((await anonymous(`${PUBLIC}/2025`)).statusCode).toBe(200);

    const res = await bureau.delete(`${PAGE}/2025`);
    expect(res.statusCode, res.body).toBe(200);
    const state = JSON.parse(res.body) as PublicPage;
    expect(state).toMatchObject({ published: false });
    expect(state.withdrawnAt).not.toBeNull();
    const gone = await anonymous(`${PUBLIC}/2025`);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('This public results page does not exist');
    expect((await bureau.delete(`${PAGE}/2025`)).statusCode).toBe(404);
    expect(await auditEntries('withdraw')).toEqual([
      { username: 'bureau', entity_id: `${HAINING}:2025`, action: 'withdraw' },
    ]);

    // published again: the same address works again
    expect((await bureau.request('PUT', `${PAGE}/2025`)).statusCode).toBe(200);
    expect((await anonymous(`${PUBLIC}/2025`)).statusCode).toBe(200);
    expect((await anonymous(`${PUBLIC}/2024`)).statusCode).toBe(404);
  });

  it('answers 404 for an address that names no page', async () => {
    for (const url of ['/public/results/abc/2025', `${PUBLIC}/20x5`, `${PUBLIC}/1999`]) {
      const res = await anonymous(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('此公开页不存在或已撤回');
    }
  });
});
