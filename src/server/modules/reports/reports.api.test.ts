import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ReportKind } from '../../contracts/report.js';
import { buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { pdfText } from '../../test/pdf-text.js';
import { buildAlliance } from '../activities/activities.test-helpers.js';
import { modules } from '../index.js';
import type { GongjinModule } from '../module.js';
import { sweepExpiredReports } from './reports.service.js';

/**
 * Background reports end to end on a real worker: the archive and the annual report run to a
 * downloadable file, progress is visible while a report runs, a refused request queues nothing,
 * nobody but the user who asked sees a report, and a failing generator ends `failed` with its reason.
 */

// a report the test holds at 40% until it lets it go: progress is observed without timing
let release: () => void = () => undefined;
const gate = new Promise<void>((r) => (release = r));
const held: ReportKind<{ n: number }> = {
  name: 'test.held',
  label: { zh: '测试报表', en: 'Test report' },
  params: z.object({ n: z.number().int().min(1).max(10) }),
  async authorize() {},
  async generate(p, ctx) {
    ctx.onProgress(40);
    await gate;
    ctx.onProgress(90);
    return { fileName: '测试.txt', contentType: 'text/plain', buffer: Buffer.from('x'.repeat(p.n)) };
  },
};
const failing: ReportKind<Record<string, never>> = {
  name: 'test.failing',
  label: { zh: '总是失败', en: 'Always fails' },
  params: z.object({}).strict(),
  async authorize() {},
  async generate() {
    throw new Error('the printer is on fire');
  },
};
const testModule: GongjinModule = { name: 'reports-test', migrations: {}, reports: [held, failing] };

let t: TestApp;
let admin: Client;
let lead: Client;
let otherLead: Client;
let w: Awaited<ReturnType<typeof buildAlliance>>;
const semester = '2025-2026-1';

beforeAll(async () => {
  t = await createTestApp({ worker: true, modules: [...modules, testModule] });
  admin = await loginAdmin(t.app);
  w = await buildAlliance(t.ctx.db);
  const u = async (id: number) =>
    login(t.app, (await buildUser(t.ctx.db, 'community_lead', { kind: 'community', id })).username, USER_PASSWORD);
  lead = await u(w.community.id);
  otherLead = await u(w.otherCommunity.id);
  const res = await admin.post('/api/v1/activities', {
    kind: 'culture',
    communityId: w.community.id,
    organizerSchoolId: w.core.id,
    title: '后台报表测试：主题党日',
    startsAt: '2025-10-20T14:00:00+08:00',
    endsAt: '2025-10-20T16:00:00+08:00',
    semester,
    teacherCount: 12,
    details: { format: 'party', theme: '教育家精神' },
  });
  expect(res.statusCode).toBe(201);
}, 60_000);
afterAll(async () => t?.close());

const finished = async (c: Client, id: string) => {
  await expect
    .poll(async () => (await c.get(`/api/v1/reports/${id}`)).json().status, { timeout: 60_000, interval: 100 })
    .toMatch(/^(done|failed)$/);
  return (await c.get(`/api/v1/reports/${id}`)).json();
};

describe('background reports', () => {
  let xlsxId: string;

  it('writes the activity archive workbook, downloadable as the same xlsx the direct export gives', async () => {
    const res = await lead.post('/api/v1/reports', {
      kind: 'activities.archive-xlsx',
      params: { communityId: w.community.id, semester },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ kind: 'activities.archive-xlsx', status: 'queued', progress: 0 });
    xlsxId = res.json().id;
    const job = await finished(lead, xlsxId);
    expect(job).toMatchObject({ status: 'done', progress: 100, message: null, label: { zh: '活动档案（Excel）' } });
    expect(job.fileName).toBe('实验小学教共体-2025–2026 学年第一学期-活动档案.xlsx');
    expect(job.expiresAt > job.finishedAt).toBe(true);

    const file = await lead.get(`/api/v1/reports/${xlsxId}/download`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename=".*\.xlsx"; filename\*=UTF-8''/);
    expect(Number(file.headers['content-length'])).toBe(job.size);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('党建、文化')!.getColumn(3).values).toContain('后台报表测试：主题党日');

    const audit = await sql<{
      after: { kind: string; communityId: number };
    }>`select after from audit_log where entity = 'report_job' and entity_id = ${xlsxId}`.execute(t.ctx.db);
    expect(audit.rows).toEqual([{ after: expect.objectContaining({ kind: 'activities.archive-xlsx' }) }]);
  });

  it('writes the archive booklet and the annual report as PDFs', async () => {
    const pdf = await lead.post('/api/v1/reports', {
      kind: 'activities.archive-pdf',
      params: { communityId: w.community.id, semester },
    });
    const annual = await admin.post('/api/v1/reports', { kind: 'dashboard.report-pdf', params: {} });
    const annualXlsx = await admin.post('/api/v1/reports', { kind: 'dashboard.report-xlsx', params: {} });
    expect([pdf.statusCode, annual.statusCode, annualXlsx.statusCode]).toEqual([202, 202, 202]);

    expect(await finished(lead, pdf.json().id)).toMatchObject({ status: 'done', contentType: 'application/pdf' });
    const booklet = await lead.get(`/api/v1/reports/${pdf.json().id}/download`);
    expect(booklet.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(booklet.rawPayload)).toContain('后台报表测试：主题党日');

    expect(await finished(admin, annual.json().id)).toMatchObject({ status: 'done', progress: 100 });
    const report = await admin.get(`/api/v1/reports/${annual.json().id}/download`);
    expect(report.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    expect(await finished(admin, annualXlsx.json().id)).toMatchObject({ status: 'done' });
    const sheet = new ExcelJS.Workbook();
    await sheet.xlsx.load((await admin.get(`/api/v1/reports/${annualXlsx.json().id}/download`)).rawPayload as never);
    expect(sheet.worksheets.length).toBeGreaterThan(0);
  });

  it('shows the progress of a running report, and offers no download before it is done', async () => {
    const res = await lead.post('/api/v1/reports', { kind: 'test.held', params: { n: 3 } });
    const id = res.json().id;
    await expect
      .poll(async () => (await lead.get(`/api/v1/reports/${id}`)).json(), { timeout: 30_000, interval: 50 })
      .toMatchObject({ status: 'running', progress: 40 });
    expect((await lead.get(`/api/v1/reports/${id}/download`)).statusCode).toBe(409);
    release();
    expect(await finished(lead, id)).toMatchObject({ status: 'done', progress: 100, size: 3, fileName: '测试.txt' });
    expect((await lead.get(`/api/v1/reports/${id}/download`)).body).toBe('xxx');
  });

  it('refuses at once what the user may not have, queueing nothing', async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from report_jobs`.execute(t.ctx.db);
    const forbidden = await otherLead.post('/api/v1/reports', {
      kind: 'activities.archive-xlsx',
      params: { communityId: w.community.id, semester },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('out_of_scope');
    // a community lead may not ask for another region's annual report
    expect(
      (await otherLead.post('/api/v1/reports', { kind: 'dashboard.report-pdf', params: { region: '330100' } }))
        .statusCode,
    ).toBe(403);
    const unknown = await lead.post('/api/v1/reports', { kind: 'nothing.here', params: {} });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().details[0].field).toBe('kind');
    const bad = await lead.post('/api/v1/reports', {
      kind: 'activities.archive-pdf',
      params: { communityId: w.community.id },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details[0].field).toBe('params.semester');
    const after = await sql<{ n: number }>`select count(*)::int as n from report_jobs`.execute(t.ctx.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('shows a report only to the user who asked for it', async () => {
    expect((await otherLead.get(`/api/v1/reports/${xlsxId}`)).statusCode).toBe(404);
    expect((await otherLead.get(`/api/v1/reports/${xlsxId}/download`)).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/reports/${xlsxId}/download`)).statusCode).toBe(404);
    expect((await otherLead.get('/api/v1/reports')).json()).toEqual([]);
    const mine = (await lead.get('/api/v1/reports')).json() as { id: string }[];
    expect(mine.map((r) => r.id)).toContain(xlsxId);
  });

  it('ends a report whose generator fails as failed, with the reason', async () => {
    const res = await lead.post('/api/v1/reports', { kind: 'test.failing', params: {} });
    expect(res.statusCode).toBe(202);
    const job = await finished(lead, res.json().id);
    expect(job.status).toBe('failed');
    expect(job.message).toContain('the printer is on fire');
    expect((await lead.get(`/api/v1/reports/${res.json().id}/download`)).statusCode).toBe(409);
  }, 90_000);

  it('deletes expired reports with their files', async () => {
    const row = await sql<{
      file_key: string;
    }>`select file_key from report_jobs where id = ${xlsxId}`.execute(t.ctx.db);
    const key = row.rows[0]!.file_key;
    expect(await t.ctx.storage.stat(key)).not.toBeNull();
    await sql`update report_jobs set expires_at = now() - interval '1 minute' where id = ${xlsxId}`.execute(t.ctx.db);
    expect(await sweepExpiredReports(t.ctx.db, t.ctx.storage)).toBe(1);
    expect(await t.ctx.storage.stat(key)).toBeNull();
    expect((await lead.get(`/api/v1/reports/${xlsxId}`)).statusCode).toBe(404);
  });
});
