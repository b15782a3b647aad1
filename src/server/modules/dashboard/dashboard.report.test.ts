import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { pdfText } from '../../test/pdf-text.js';

/**
 * The annual report (PDF text and xlsx cells checked for the figures) and display links: a token
 * opens the aggregates without a login, is stored hashed, audited, and stops working when revoked.
 * County: 2 compulsory schools in one community + 1 outside → coverage 66.7%; 5 teachers, 1 master.
 */
let t: TestApp;
let admin: Client;
let communityId: number;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  const a = await buildSchool(db, { name: '报告甲小学', level: 'primary', location_class: 'urban' });
  const b = await buildSchool(db, { name: '报告乙小学', level: 'primary', location_class: 'rural' });
  const c = await buildSchool(db, { name: '报告丙初中', level: 'junior', location_class: 'town' });
  await buildTeacher(db, a.id, { honours: ['famous_provincial'] });
  await buildTeacher(db, a.id);
  await buildTeacher(db, b.id);
  await buildTeacher(db, c.id);
  await buildTeacher(db, c.id);
  communityId = (
    await buildCommunity(
      db,
      [
        { schoolId: a.id, role: 'core' },
        { schoolId: b.id, role: 'member' },
      ],
      { name: '报告教共体' },
    )
  ).id;
});
afterAll(async () => {
  await t.close();
});

describe('annual report', () => {
  it('PDF: cover, headline figures and the community table', async () => {
    const res = await admin.get(`/api/v1/dashboard/report.pdf?region=${HAINING}&schoolYear=2025`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = (await pdfText(res.rawPayload)).replace(/\s+/g, '');
    expect(text).toContain('海宁市教共体建设年度报告（2025–2026学年）');
    expect(text).toContain('义务教育学校教共体覆盖率');
    expect(text).toContain('66.7%');
    expect(text).toContain('20%'); // master share 1 / 5
    expect(text).toContain('报告教共体');
    expect(text).toContain('各教共体情况');
  });

  it('xlsx: the same figures as numbers, and one row per community', async () => {
    const res = await admin.get(`/api/v1/dashboard/report.xlsx?region=${HAINING}&schoolYear=2025`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const figures = wb.getWorksheet('主要指标')!;
    const byLabel = new Map<string, unknown>();
    figures.eachRow((row) => byLabel.set(String(row.getCell(2).value), row.getCell(3).value));
    expect(byLabel.get('学校')).toBe(3);
    expect(byLabel.get('义务教育学校教共体覆盖率')).toBe(66.7);
    expect(byLabel.get('在岗教师')).toBe(5);
    expect(byLabel.get('名师占比')).toBe(20);
    const table = wb.getWorksheet('各教共体')!;
    const header = (table.getRow(1).values as unknown[]).slice(1);
    const row = (table.getRow(2).values as unknown[]).slice(1);
    expect(row[0]).toBe('报告教共体');
    expect(row[header.indexOf('成员校')]).toBe(2);
    expect(row[header.indexOf('在岗教师')]).toBe(3);
    expect(row[header.indexOf('名师占比')]).toBe(33.3);
  });

  it('an empty year still produces a report (zeros, no NaN)', async () => {
    const res = await admin.get('/api/v1/dashboard/report.pdf?region=330424&schoolYear=2024');
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    expect(text).not.toMatch(/NaN|Infinity|undefined/);
  });
});

describe('display links (数据大屏)', () => {
  it('a token opens the aggregates without a login, until revoked', async () => {
    const created = await admin.post('/api/v1/dashboard/display-links', {
      label: '会议室大屏',
      regionCode: HAINING,
      validDays: 30,
    });
    expect(created.statusCode, created.body).toBe(201);
    const link = created.json();
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.url).toBe(`/display/${link.token}`);

    // the database keeps only the hash
    const stored = await t.ctx.db
      .selectFrom('dashboard_display_links')
      .selectAll()
      .where('id', '=', link.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(link.token);
    expect(
      JSON.stringify(await t.ctx.db.selectFrom('audit_log').selectAll().where('entity', '=', 'display_link').execute()),
    ).not.toContain(link.token);

    const json = await t.app.inject({ method: 'GET', url: `/api/v1/display/${link.token}` });
    expect(json.statusCode).toBe(200);
    const d = json.json();
    expect(d.scope).toMatchObject({ view: 'region', id: HAINING });
    const figures = d.panels.flatMap(
      (p: { figures: { key: string; value: number; drillDown: unknown }[] }) => p.figures,
    );
    expect(figures.find((f: { key: string }) => f.key === 'coverage').value).toBe(66.7);
    expect(figures.every((f: { drillDown: unknown }) => f.drillDown === null)).toBe(true);

    const page = await t.app.inject({ method: 'GET', url: link.url });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('海宁市教共体数据大屏');
    expect(page.body).toContain('66.7%');
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('http-equiv="refresh"');

    // the token is not a session: the rest of the API stays closed
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/teachers',
          headers: { cookie: `gongjin_session=${link.token}` },
        })
      ).statusCode,
    ).toBe(401);

    const revoked = await admin.post(`/api/v1/dashboard/display-links/${link.id}/revoke`);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/display/${link.token}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: link.url })).statusCode).toBe(401);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'display_link')
      .where('entity_id', '=', String(link.id))
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'revoke']);
  });

  it('refuses made-up tokens and who may not manage screens', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/display/not-a-token' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/display/${'a'.repeat(43)}` })).statusCode).toBe(401);
    await buildUser(t.ctx.db, 'community_lead', { kind: 'community', id: communityId }, { username: 'screen-lead' });
    await buildUser(t.ctx.db, 'teacher', { kind: 'school', id: 1 }, { username: 'screen-teacher' });
    const lead = await login(t.app, 'screen-lead', USER_PASSWORD);
    const teacher = await login(t.app, 'screen-teacher', USER_PASSWORD);
    expect(
      (await lead.post('/api/v1/dashboard/display-links', { label: '县大屏', regionCode: HAINING })).statusCode,
    ).toBe(403);
    const own = await lead.post('/api/v1/dashboard/display-links', { label: '共同体大屏' });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ scopeKind: 'community', scopeId: String(communityId), scopeName: '报告教共体' });
    expect((await teacher.post('/api/v1/dashboard/display-links', { label: 'x' })).statusCode).toBe(403);
    expect((await teacher.get('/api/v1/dashboard/display-links')).statusCode).toBe(403);
    expect((await admin.post('/api/v1/dashboard/display-links', { label: '' })).statusCode).toBe(400);
    expect(
      (await admin.post('/api/v1/dashboard/display-links', { label: '外县', regionCode: TONGXIANG })).statusCode,
    ).toBe(201); // admin is national
    // the lead sees only their community's screens
    const list = (await lead.get('/api/v1/dashboard/display-links')).json();
    expect(list.map((l: { label: string }) => l.label)).toEqual(['共同体大屏']);
  });
});
