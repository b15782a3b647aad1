import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, DrillDown, Figure } from '../../../shared/dashboard.schemas.js';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

/**
 * Registry figures against hand-computed data and against their drill-down lists, scope, empty
 * states and bad input. The county (a fresh Haining with nothing else in it):
 *   A urban primary strong — core of X    4 active teachers, 1 master (famous_city)
 *   B rural primary weak   — member of X  2 active (1 master, leader_county) + 1 retired master
 *   C town junior potential — no community  3 active, none master
 *   D rural kindergarten   — no community  no teachers
 *   community Y (dissolved 2024) had C as a member until 2024
 * compulsory schools 3 (A, B, C), 2 in a community → 66.7%; teachers 9, masters 2 → 22.2%;
 * community X: 6 teachers, 2 masters → 33.3%.
 */
let t: TestApp;
let admin: Client;
let lead: Client;
let otherLead: Client;
let principalC: Client;
let ids: { A: number; B: number; C: number; D: number; X: number; Y: number; Z: number };

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  const A = await buildSchool(db, {
    name: '海宁甲小学',
    level: 'primary',
    location_class: 'urban',
    quality_tier: 'strong',
    latitude: 30.51,
    longitude: 120.68,
  });
  const B = await buildSchool(db, {
    name: '海宁乙小学',
    level: 'primary',
    location_class: 'rural',
    quality_tier: 'weak',
    latitude: 30.42,
    longitude: 120.55,
  });
  const C = await buildSchool(db, {
    name: '海宁丙初中',
    level: 'junior',
    location_class: 'town',
    quality_tier: 'potential',
    latitude: null,
    longitude: null,
  });
  const D = await buildSchool(db, {
    name: '海宁丁幼儿园',
    level: 'kindergarten',
    location_class: 'rural',
    quality_tier: null,
  });
  for (let i = 0; i < 4; i++) await buildTeacher(db, A.id, { honours: i === 0 ? ['famous_city'] : [] });
  await buildTeacher(db, B.id, { honours: ['leader_county'] });
  await buildTeacher(db, B.id, { honours: ['rising_star'] });
  await buildTeacher(db, B.id, { honours: ['special_grade'], status: 'retired' });
  for (let i = 0; i < 3; i++) await buildTeacher(db, C.id);
  const X = await buildCommunity(
    db,
    [
      { schoolId: A.id, role: 'core' },
      { schoolId: B.id, role: 'member' },
    ],
    { name: '甲乙教共体', type: 'cobuilt', model: 'one_plus_x' },
  );
  const Y = await buildCommunity(db, [{ schoolId: C.id, role: 'member', start: '2021-09-01', end: '2024-07-31' }], {
    name: '旧教共体',
    type: 'fused',
    founded_on: '2021-09-01',
    dissolved_on: '2024-07-31',
  });
  // a community in another county, for scope tests
  const E = await buildSchool(db, { name: '桐乡戊小学', region_code: TONGXIANG });
  const Z = await buildCommunity(db, [{ schoolId: E.id, role: 'core' }], {
    name: '桐乡教共体',
    region_code: TONGXIANG,
  });
  ids = { A: A.id, B: B.id, C: C.id, D: D.id, X: X.id, Y: Y.id, Z: Z.id };
  await buildUser(db, 'community_lead', { kind: 'community', id: X.id }, { username: 'lead-x' });
  await buildUser(db, 'community_lead', { kind: 'community', id: Z.id }, { username: 'lead-z' });
  await buildUser(db, 'school_admin', { kind: 'school', id: C.id }, { username: 'principal-c' });
  lead = await login(t.app, 'lead-x', USER_PASSWORD);
  otherLead = await login(t.app, 'lead-z', USER_PASSWORD);
  principalC = await login(t.app, 'principal-c', USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

async function dash(c: Client, query = ''): Promise<Dashboard> {
  const res = await c.get(`/api/v1/dashboard?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const figure = (d: Dashboard, key: string): Figure => {
  const f = d.panels.flatMap((p) => p.figures).find((x) => x.key === key);
  if (!f) throw new Error(`no figure ${key}`);
  return f;
};
const chart = (d: Dashboard, key: string) => d.panels.flatMap((p) => p.charts).find((c) => c.key === key);

/** The API behind each drill-down page of the web app. */
const API_OF: Record<string, string> = {
  '/schools': '/api/v1/schools',
  '/communities': '/api/v1/communities',
  '/dashboard/teachers': '/api/v1/dashboard/teachers',
};
async function listTotal(c: Client, link: DrillDown | null | undefined): Promise<number> {
  if (!link) throw new Error('figure has no drill-down');
  const api = API_OF[link.path];
  if (!api) throw new Error(`no API for ${link.path}`);
  const res = await c.get(`${api}?${new URLSearchParams({ ...link.query, pageSize: '1' }).toString()}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().total;
}

describe('region dashboard (bureau)', () => {
  it('shows the hand-computed registry figures', async () => {
    const d = await dash(admin, `region=${HAINING}`);
    expect(d.scope).toMatchObject({ view: 'region', id: HAINING, name: '海宁市' });
    expect(figure(d, 'schools').value).toBe(4);
    expect(figure(d, 'coverage').value).toBe(66.7);
    expect(figure(d, 'coverage').hint?.zh).toBe('2 / 3 所');
    expect(figure(d, 'communities').value).toBe(1);
    expect(figure(d, 'teachers').value).toBe(9);
    expect(figure(d, 'masterShare').value).toBe(22.2);
    const byType = chart(d, 'communitiesByType')!;
    expect(byType.points.map((p) => [p.name.zh, p.value])).toEqual([['共建型', 1]]);
    const byLocation = chart(d, 'schoolsByLocation')!;
    expect(byLocation.points.map((p) => p.value)).toEqual([1, 1, 2]);
    const share = chart(d, 'masterShareByCommunity')!;
    expect(share.points).toHaveLength(1);
    expect(share.points[0]).toMatchObject({ name: { zh: '甲乙教共体' }, value: 33.3 });
    expect(share.line?.value).toBe(15);
  });

  it('every registry figure equals the total of the list it links to', async () => {
    for (const q of [
      `region=${HAINING}`,
      `region=${HAINING}&level=primary`,
      `region=${HAINING}&locationClass=rural,town`,
    ]) {
      const d = await dash(admin, q);
      for (const key of ['schools', 'communities', 'teachers'])
        expect(await listTotal(admin, figure(d, key).drillDown), `${q} ${key}`).toBe(figure(d, key).value);
      // a share: the numerator is its list, the denominator the same list without the condition
      const cov = figure(d, 'coverage');
      const covered = await listTotal(admin, cov.drillDown);
      const { inCommunity: _drop, ...rest } = cov.drillDown!.query;
      const all = await listTotal(admin, { path: '/schools', query: rest });
      expect(cov.value, q).toBe(all ? Math.round((covered / all) * 1000) / 10 : null);
      const ms = figure(d, 'masterShare');
      const masters = await listTotal(admin, ms.drillDown);
      expect(ms.hint?.zh, q).toBe(`名师 ${masters} / ${figure(d, 'teachers').value} 人`);
      for (const c of ['schoolsByLocation', 'schoolsByTier', 'communitiesByType', 'masterShareByCommunity']) {
        for (const p of chart(d, c)?.points ?? []) {
          if (!p.drillDown) continue;
          const n = await listTotal(admin, p.drillDown);
          if (c === 'masterShareByCommunity') expect(n, `${q} ${c}`).toBeGreaterThan(0);
          else expect(n, `${q} ${c} ${p.name.zh}`).toBe(p.value);
        }
      }
    }
    // and the teacher figure matches the registry's own teachers list when no school filter applies
    const d = await dash(admin, `region=${HAINING}`);
    const res = await admin.get(`/api/v1/teachers?region=${HAINING}&status=active&pageSize=1`);
    expect(res.json().total).toBe(figure(d, 'teachers').value);
  });

  it('applies the level filter to every registry figure', async () => {
    const d = await dash(admin, `region=${HAINING}&level=primary`);
    expect(figure(d, 'schools').value).toBe(2);
    expect(figure(d, 'coverage').value).toBe(100);
    expect(figure(d, 'teachers').value).toBe(6);
    expect(figure(d, 'masterShare').value).toBe(33.3);
    // kindergartens only: no compulsory school, so no coverage — an empty state, not 0% or NaN
    const k = await dash(admin, `region=${HAINING}&level=kindergarten`);
    expect(figure(k, 'schools').value).toBe(1);
    expect(figure(k, 'coverage').value).toBeNull();
    expect(figure(k, 'masterShare').value).toBeNull();
  });

  it('a region with no data yet answers with zeros and empty shares', async () => {
    const d = await dash(admin, 'region=330424'); // 海盐县: nothing registered
    expect(figure(d, 'schools').value).toBe(0);
    expect(figure(d, 'teachers').value).toBe(0);
    expect(figure(d, 'coverage').value).toBeNull();
    expect(figure(d, 'masterShare').value).toBeNull();
    expect(chart(d, 'masterShareByCommunity')?.points).toEqual([]);
    expect(JSON.stringify(d)).not.toMatch(/NaN|Infinity/);
    expect(d.unavailable).toEqual([]);
  });

  it('puts schools on a map with the community lines', async () => {
    const res = await admin.get(`/api/v1/dashboard/map?region=${HAINING}`);
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.schools.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['海宁甲小学', '海宁乙小学']),
    );
    expect(m.withoutCoordinates).toBe(1); // 丙初中 has none
    expect(m.links).toEqual([{ communityId: ids.X, from: [120.68, 30.51], to: [120.55, 30.42] }]);
  });
});

describe('scope', () => {
  it("a community lead's dashboard covers only their community", async () => {
    const d = await dash(lead);
    expect(d.scope).toMatchObject({ view: 'community', id: String(ids.X), name: '甲乙教共体' });
    expect(figure(d, 'schools').value).toBe(2);
    expect(figure(d, 'teachers').value).toBe(6);
    expect(figure(d, 'masterShare').value).toBe(33.3);
    expect(d.panels.flatMap((p) => p.figures).map((f) => f.key)).not.toContain('coverage');
    const bySchool = chart(d, 'masterShareBySchool')!;
    expect(bySchool.points.map((p) => p.name.zh).sort()).toEqual(['海宁乙小学', '海宁甲小学']);
    expect(await listTotal(lead, figure(d, 'schools').drillDown)).toBe(2);
    expect(await listTotal(lead, figure(d, 'teachers').drillDown)).toBe(6);
  });

  it('refuses another community, a region, and their teacher lists', async () => {
    expect((await lead.get(`/api/v1/dashboard?communityId=${ids.Z}`)).statusCode).toBe(403);
    expect((await lead.get(`/api/v1/dashboard?region=${HAINING}`)).statusCode).toBe(403);
    expect((await otherLead.get(`/api/v1/dashboard?communityId=${ids.X}`)).statusCode).toBe(403);
    expect((await otherLead.get(`/api/v1/dashboard/teachers?communityId=${ids.X}`)).statusCode).toBe(403);
    expect((await lead.get(`/api/v1/dashboard/map?communityId=${ids.Z}`)).statusCode).toBe(403);
    expect((await lead.get(`/api/v1/dashboard/report.pdf?communityId=${ids.Z}`)).statusCode).toBe(403);
    const z = await dash(otherLead);
    expect(figure(z, 'teachers').value).toBe(0);
    expect(figure(z, 'schools').value).toBe(1);
  });

  it("a principal sees their school's dashboard", async () => {
    const d = await dash(principalC);
    expect(d.scope).toMatchObject({ view: 'school', id: String(ids.C) });
    expect(figure(d, 'teachers').value).toBe(3);
    expect(figure(d, 'masterShare').value).toBe(0);
    expect((await principalC.get(`/api/v1/dashboard?schoolId=${ids.A}`)).statusCode).toBe(403);
  });

  it('a bureau of one county cannot open another county', async () => {
    await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: TONGXIANG }, { username: 'bureau-tx' });
    const tx = await login(t.app, 'bureau-tx', USER_PASSWORD);
    expect((await tx.get(`/api/v1/dashboard?region=${HAINING}`)).statusCode).toBe(403);
    const d = await dash(tx);
    expect(d.scope.id).toBe(TONGXIANG);
    expect(figure(d, 'schools').value).toBe(1);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field, in both languages', async () => {
    const res = await admin.get('/api/v1/dashboard?schoolYear=2025&semester=2024-2025-1');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('semester');
    expect(res.body).toContain('学期不属于所选学年');
    expect((await admin.get('/api/v1/dashboard?level=college')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/dashboard?region=33')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/dashboard?communityId=999999')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/dashboard' })).statusCode).toBe(401);
  });
});

describe('alerts', () => {
  it('lists communities that have not met, with a link, and only within scope', async () => {
    const res = await admin.get(`/api/v1/dashboard/alerts?region=${HAINING}`);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json();
    const due = a.items.filter((x: { kind: string }) => x.kind === 'meetingOverdue');
    expect(due.map((x: { communityName: string }) => x.communityName)).toEqual(['甲乙教共体']);
    expect(due[0].link).toBe(`/meetings?communityId=${ids.X}`);
    const z = (await otherLead.get('/api/v1/dashboard/alerts')).json();
    expect(z.items.every((x: { communityId: number }) => x.communityId === ids.Z)).toBe(true);
  });
});
