import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { modules } from '../modules/index.js';
import ExcelJS from 'exceljs';
import { createTestApp, loginAdmin, type TestApp } from '../test/harness.js';
import { noticeboardModule } from '../test/noticeboard/noticeboard.module.js';

const TOKEN = 'scrape-token-0123456789';

/** A sample's value from the Prometheus text format (0 when the series is absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { GONGJIN_METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => t?.close());

  const scrape = () => t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });

  it('answers Prometheus text to the holder of the token only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: 'Bearer wrong-token-0123456789' },
        })
      ).statusCode,
    ).toBe(401);
    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
    expect(res.body).toContain('process_resident_memory_bytes');
    expect(res.body).toContain('# TYPE gongjin_import_jobs gauge');
    expect(res.body).toContain('gongjin_jobs_overdue_seconds 0');
  });

  it('counts requests by route template and status, never by raw URL', async () => {
    const ok = 'http_request_duration_seconds_count{method="GET",route="/api/health",status="200"}';
    const missing = 'http_request_duration_seconds_count{method="GET",route="/api/v1/schools/:id",status="401"}';
    const before = await scrape();
    await t.app.inject({ method: 'GET', url: '/api/health' });
    await t.app.inject({ method: 'GET', url: '/api/health' });
    await t.app.inject({ method: 'GET', url: '/api/v1/schools/123?search=%E5%BC%A0%E4%B8%89' });
    const after = await scrape();
    expect(sample(after.body, ok) - sample(before.body, ok)).toBe(2);
    expect(sample(after.body, missing) - sample(before.body, missing)).toBe(1);
    // no label carries the id (a sample's value may well contain 123: only the labels are checked)
    const labels = after.body.split('\n').map((l) => /\{.*\}/.exec(l)?.[0] ?? '');
    expect(labels.filter((l) => l.includes('123'))).toEqual([]);
    expect(after.body).not.toContain('search=');
  });

  it('shows import jobs by state', async () => {
    const admin = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto('import_jobs')
      .values({
        id: randomUUID(),
        kind: 'schools',
        status: 'failed',
        file_name: 'x.xlsx',
        file_key: 'k',
        file_size: 1,
        created_by: admin.id,
        scope_kind: 'region',
        scope_id: '100000',
      })
      .execute();
    expect(sample((await scrape()).body, 'gongjin_import_jobs{importer="registry",status="failed"}')).toBe(1);
  });
});

describe('job metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { GONGJIN_METRICS_TOKEN: TOKEN }, worker: true });
  });
  afterAll(async () => t?.close());

  it('times each job run by kind and outcome, and counts the rows an import wrote', async () => {
    const scrape = async () =>
      (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
    const runs = 'gongjin_job_duration_seconds_count{kind="io.import-commit",outcome="done"}';
    const rows = 'gongjin_job_rows_total{kind="io.import-commit"}';
    const before = await scrape();
    const admin = await loginAdmin(t.app);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('学校');
    ws.addRow(['学校代码', '学校名称', '区县代码', '学段', '城乡类别']);
    ws.addRow(['3304819901', '海宁市指标测试小学', '330481', '小学', '乡村']);
    ws.addRow(['3304819902', '海宁市指标测试中学', '330481', '初中', '城区']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const boundary = '----metrics-boundary';
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=schools',
      headers: { cookie: admin.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(up.json(), up.body).toMatchObject({ status: 'validated' });
    expect((await admin.post(`/api/v1/imports/${up.json().id}/commit`)).json()).toMatchObject({ status: 'committed' });
    // the worker reports the run when it has recorded it: poll the scrape, not a clock
    await expect.poll(async () => sample(await scrape(), runs)).toBe(sample(before, runs) + 1);
    expect(sample(await scrape(), rows)).toBe(sample(before, rows) + 2);
    expect(await scrape()).toContain(
      'gongjin_job_duration_seconds_bucket{le="1",kind="io.import-commit",outcome="done"}',
    );
  });
});

describe('readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('is ready when the database answers and every migration is applied; there is no /metrics without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('is not ready while a module’s migration is pending (a new version waiting for its migration)', async () => {
    const newer = await buildApp(t.ctx, {
      logger: false,
      webRoot: '/nonexistent',
      modules: [...modules, noticeboardModule],
    });
    try {
      const res = await newer.inject({ method: 'GET', url: '/api/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'not_ready', message: '服务尚未就绪：1 项数据库迁移尚未执行' });
    } finally {
      await newer.close();
    }
  });
});
