import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Balance, BalanceSchoolPage } from '../../../shared/assessment.schemas.js';
import { buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { evaluateBalance } from './balance.compute.js';
import { countyInputRows } from './balance.repo.js';
import { balanceRefresh } from './balance.service.js';

/** The balance cache: per-county results equal the direct computation, go stale on writes, page and scope. */
const JIAXING = '330400';
const ZHEJIANG = '330000';
let t: TestApp;
let admin: Client, province: Client, haining: Client, principal: Client;
const ids: Record<string, number> = {};
const statsIds: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  admin = await loginAdmin(t.app);
  const mk = async (role: 'bureau_admin' | 'school_admin', scope: { kind: 'region' | 'school'; id: string }) =>
    login(t.app, (await buildUser(db, role, scope)).username, USER_PASSWORD);
  province = await mk('bureau_admin', { kind: 'region', id: ZHEJIANG });
  haining = await mk('bureau_admin', { kind: 'region', id: HAINING });
  // schools of two counties: whole primary and junior schools, a nine-year school split by grade,
  // one without a grade breakdown (estimated), a small teaching point, a twelve-year school that cannot be split
  const specs = [
    { key: 'hp1', region: HAINING, level: 'primary', n: 620, k: 1.0 },
    { key: 'hp2', region: HAINING, level: 'primary', n: 240, k: 0.8 },
    { key: 'hj1', region: HAINING, level: 'junior', n: 900, k: 1.1 },
    { key: 'h9', region: HAINING, level: 'nine_year', n: 1000, k: 0.95, grades: true },
    { key: 'hpoint', region: HAINING, level: 'primary', n: 30, k: 1 },
    { key: 'tp1', region: TONGXIANG, level: 'primary', n: 450, k: 1.2 },
    { key: 'tj1', region: TONGXIANG, level: 'junior', n: 700, k: 0.7 },
    { key: 't9', region: TONGXIANG, level: 'nine_year', n: 810, k: 1.05 },
    { key: 't12', region: TONGXIANG, level: 'twelve_year', n: 1500, k: 1 },
  ] as const;
  for (const s of specs) {
    const school = await buildSchool(db, {
      name: `${s.key}学校`,
      region_code: s.region,
      level: s.level,
      is_teaching_point: s.key === 'hpoint',
      students: s.n,
    });
    ids[s.key] = school.id;
    const res = await admin.post('/api/v1/school-year-stats', {
      schoolId: school.id,
      schoolYear: 2025,
      studentsTotal: s.n,
      classesTotal: 20,
      teachersTotal: 80,
      studentsByGrade: 'grades' in s ? { 1: 90, 2: 90, 3: 80, 4: 80, 5: 80, 6: 80, 7: 170, 8: 170, 9: 160 } : {},
      teachersAboveQualification: Math.round(s.n * 0.05 * s.k),
      backboneTeachers: Math.round(s.n * 0.012 * s.k),
      peArtTeachers: Math.round(s.n * 0.009 * s.k),
      teachingAuxArea: Math.round(s.n * 5.3 * s.k * 10) / 10,
      sportsGroundArea: s.n * 9 * s.k,
      equipmentValue: Math.round(s.n * 2400 * s.k),
      multimediaClassrooms: Math.round(s.n * 0.025 * s.k),
    });
    expect(res.statusCode, res.body).toBe(201);
    statsIds[s.key] = (JSON.parse(res.body) as { id: number }).id;
  }
  principal = await mk('school_admin', { kind: 'school', id: String(ids.hp1) });
});
afterAll(async () => {
  await t.close();
});

const get = async <T>(c: Client, url: string) => {
  const res = await c.get(url);
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as T;
};
/** The computation over every school of the region at once, as the endpoint did before the cache. */
const direct = async (prefix: string) => evaluateBalance(await countyInputRows(t.ctx.db, prefix, 2025));

describe('balance from the county cache', () => {
  it('a county lists every school section, equal to the direct computation', async () => {
    const b = await get<Balance>(haining, `/api/v1/balance?region=${HAINING}&year=2025`);
    const d = await direct(HAINING);
    expect(b.detail).toBe('schools');
    expect(b.schools).toEqual(d.schools);
    expect(b.excluded).toEqual(d.excluded);
    expect(b.stages).toEqual(d.stages);
    expect(b.summary).toEqual(d.summary);
    expect(b.stale).toBe(false);
    expect(b.counties.map((c) => [c.countyCode, c.schools, c.excluded])).toEqual([[HAINING, 4, 1]]);
  });

  it('a city or province lists its counties, and its coefficients equal those over all its schools', async () => {
    for (const region of [JIAXING, ZHEJIANG]) {
      const b = await get<Balance>(province, `/api/v1/balance?region=${region}&year=2025`);
      const d = await direct(region.slice(0, region === ZHEJIANG ? 2 : 4));
      expect(b.detail).toBe('counties');
      expect(b.schools).toEqual([]);
      expect(b.stages).toEqual(d.stages);
      expect(b.summary).toEqual(d.summary);
      expect(b.counties.map((c) => c.countyCode)).toEqual([HAINING, TONGXIANG]);
      const tong = b.counties.find((c) => c.countyCode === TONGXIANG)!;
      const dt = await direct(TONGXIANG);
      expect(tong).toMatchObject({ schools: dt.summary.schools, meeting: dt.summary.meeting, excluded: 1 });
      expect(tong.cv.primary.qualified_teachers).toBe(dt.stages.primary[0]!.cv);
    }
  });

  it('a change to a school’s statistics makes its county stale; the next county read shows the new value', async () => {
    // the province's answer is kept as text between unchanged reads (balanceJson)…
    const kept = await province.get(`/api/v1/balance?region=${ZHEJIANG}&year=2025`);
    expect((await province.get(`/api/v1/balance?region=${ZHEJIANG}&year=2025`)).body).toBe(kept.body);
    expect((JSON.parse(kept.body) as Balance).stale).toBe(false);
    const before = await get<Balance>(haining, `/api/v1/balance?region=${HAINING}&year=2025`);
    const hp1 = before.schools.find((s) => s.schoolId === ids.hp1)!;
    expect(hp1.valuesShown.pe_art_teachers).toBe('0.96'); // 6 for 620 pupils
    const res = await admin.patch(`/api/v1/school-year-stats/${statsIds.hp1}`, { peArtTeachers: 2 });
    expect(res.statusCode, res.body).toBe(200);
    const row = await t.ctx.db
      .selectFrom('balance_county_results')
      .select(['version', 'computed_version'])
      .where('county_code', '=', HAINING)
      .where('school_year', '=', 2025)
      .executeTakeFirstOrThrow();
    expect(String(row.version)).not.toBe(String(row.computed_version));
    // …and not after a write: the province is served the last result, flagged stale, and a refresh is queued
    const prov = await get<Balance>(province, `/api/v1/balance?region=${ZHEJIANG}&year=2025`);
    expect(prov.stale).toBe(true);
    expect(prov.counties.find((c) => c.countyCode === HAINING)!.stale).toBe(true);
    expect(prov.counties.find((c) => c.countyCode === TONGXIANG)!.stale).toBe(false);
    const job = await t.ctx.db
      .selectFrom('jobs')
      .select(['payload'])
      .where('kind', '=', balanceRefresh.name)
      .executeTakeFirstOrThrow();
    expect(job.payload).toEqual({ counties: [HAINING], year: 2025 });
    // the county itself is recomputed on read
    const after = await get<Balance>(haining, `/api/v1/balance?region=${HAINING}&year=2025`);
    expect(after.stale).toBe(false);
    expect(after.schools.find((s) => s.schoolId === ids.hp1)!.valuesShown.pe_art_teachers).toBe('0.32');
    expect(after).toMatchObject({ stages: (await direct(HAINING)).stages });
    // the province now sums the new county result
    const prov2 = await get<Balance>(province, `/api/v1/balance?region=${ZHEJIANG}&year=2025`);
    expect(prov2.stale).toBe(false);
    expect(prov2.stages).toEqual((await direct('33')).stages);
  });

  it('a renamed or moved school, and the refresh job, bring the counties up to date', async () => {
    await t.ctx.db.updateTable('schools').set({ name: 'tp1改名学校' }).where('id', '=', ids.tp1!).execute();
    const stale = await get<Balance>(province, `/api/v1/balance?region=${JIAXING}&year=2025`);
    expect(stale.counties.find((c) => c.countyCode === TONGXIANG)!.stale).toBe(true);
    const log = () => undefined;
    await balanceRefresh.run({ counties: [TONGXIANG], year: 2025 }, {
      db: t.ctx.db,
      signal: new AbortController().signal,
      log,
    } as unknown as Parameters<typeof balanceRefresh.run>[1]);
    const fresh = await get<Balance>(province, `/api/v1/balance?region=${JIAXING}&year=2025`);
    expect(fresh.stale).toBe(false);
    const page = await get<BalanceSchoolPage>(province, `/api/v1/balance/schools?region=${JIAXING}&year=2025&q=改名`);
    expect(page.items.map((s) => s.schoolName)).toEqual(['tp1改名学校']);
    // moving a school to the other county changes both
    await t.ctx.db.updateTable('schools').set({ region_code: HAINING }).where('id', '=', ids.tp1!).execute();
    const moved = await get<Balance>(province, `/api/v1/balance?region=${JIAXING}&year=2025`);
    expect(moved.counties.every((c) => c.stale)).toBe(true);
    const county = await get<Balance>(haining, `/api/v1/balance?region=${HAINING}&year=2025`);
    expect(county.schools.some((s) => s.schoolId === ids.tp1)).toBe(true);
    await t.ctx.db.updateTable('schools').set({ region_code: TONGXIANG }).where('id', '=', ids.tp1!).execute();
  });
});

describe('balance per school, paged', () => {
  it('pages, filters and sorts the school sections of a region', async () => {
    const url = `/api/v1/balance/schools?region=${ZHEJIANG}&year=2025`;
    const all = await get<BalanceSchoolPage>(province, `${url}&pageSize=100`);
    // 7 schools evaluated (the teaching point and the twelve-year school are left out); each nine-year school twice
    expect(all.total).toBe(10);
    const p1 = await get<BalanceSchoolPage>(province, `${url}&pageSize=4&page=1`);
    const p3 = await get<BalanceSchoolPage>(province, `${url}&pageSize=4&page=3`);
    expect(p1.total).toBe(10);
    expect([
      ...p1.items,
      ...(await get<BalanceSchoolPage>(province, `${url}&pageSize=4&page=2`)).items,
      ...p3.items,
    ]).toEqual(all.items);
    const junior = await get<BalanceSchoolPage>(province, `${url}&stage=junior&sort=-students&pageSize=100`);
    expect(junior.items.every((s) => s.stage === 'junior')).toBe(true);
    expect(junior.items.map((s) => s.students)).toEqual([...junior.items.map((s) => s.students)].sort((a, b) => b - a));
    const meets = await get<BalanceSchoolPage>(province, `${url}&meets=true&pageSize=100`);
    const misses = await get<BalanceSchoolPage>(province, `${url}&meets=false&pageSize=100`);
    expect(meets.items.every((s) => s.meetsStandard)).toBe(true);
    expect(meets.total + misses.total).toBe(10);
    const county = await get<BalanceSchoolPage>(province, `${url}&county=${TONGXIANG}&pageSize=100`);
    expect(new Set(county.items.map((s) => s.countyCode))).toEqual(new Set([TONGXIANG]));
    // the county list equals what the county view shows, in the same order
    const hn = await get<BalanceSchoolPage>(
      haining,
      `/api/v1/balance/schools?region=${HAINING}&year=2025&pageSize=100`,
    );
    const view = await get<Balance>(haining, `/api/v1/balance?region=${HAINING}&year=2025`);
    expect(hn.items.map(({ countyCode: _, ...s }) => s)).toEqual(view.schools);
  });

  it('exports the full list as a streamed xlsx', async () => {
    const res = await province.get(`/api/v1/balance/schools.xlsx?region=${ZHEJIANG}&year=2025&lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('balance scope', () => {
  it('a county bureau sees only its county; a school user is refused as before', async () => {
    expect((await haining.get(`/api/v1/balance?region=${ZHEJIANG}&year=2025`)).statusCode).toBe(403);
    expect((await haining.get(`/api/v1/balance?region=${TONGXIANG}&year=2025`)).statusCode).toBe(403);
    expect((await haining.get(`/api/v1/balance/schools?region=${TONGXIANG}&year=2025`)).statusCode).toBe(403);
    expect(
      (await haining.get(`/api/v1/balance/schools?region=${HAINING}&county=${TONGXIANG}&year=2025`)).statusCode,
    ).toBe(403);
    expect((await haining.get(`/api/v1/balance/schools.xlsx?region=${TONGXIANG}&year=2025`)).statusCode).toBe(403);
    expect((await principal.get(`/api/v1/balance?region=${HAINING}&year=2025`)).statusCode).toBe(403);
    expect((await principal.get(`/api/v1/balance/schools?region=${HAINING}&year=2025`)).statusCode).toBe(403);
  });
});
