import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * A county bureau imports a small exam file through the wizard (check → preview → commit, with a
 * progress bar) and then sees each school's statistics and the urban–rural gap; the rural school
 * opens a student's report from its class report.
 */
let e: E2E;
let examId: number;
let ruralClassId: number;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const db = ctx.db;
      const urban = await buildSchool(db, { code: 'E2EURB', name: '海宁市城东实验小学', location_class: 'urban' });
      const rural = await buildSchool(db, { code: 'E2ERUR', name: '海宁市双山村小学', location_class: 'rural' });
      await buildCommunity(db, [
        { schoolId: urban.id, role: 'core' },
        { schoolId: rural.id, role: 'member' },
      ]);
      for (const s of [urban, rural]) {
        const cls = await db
          .insertInto('quality_classes')
          .values({ school_id: s.id, school_year: 2025, grade: 6, name: '1班' })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (s === rural) ruralClassId = cls.id;
      }
      await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'bureau_e2e' });
      await buildUser(db, 'school_admin', { kind: 'school', id: rural.id }, { username: 'rural_e2e' });
      const exam = await db
        .insertInto('quality_exams')
        .values({
          name: '2025学年第一学期六年级期末质量检测',
          exam_date: '2026-01-20',
          school_year: 2025,
          term: 1,
          grade: 6,
          region_code: HAINING,
          owner_school_id: null,
          created_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      examId = exam.id;
      await db
        .insertInto('quality_exam_subjects')
        .values({ exam_id: exam.id, subject: 'math', full_mark: 100, pass_line: 60, excellent_line: 85, low_line: 55 })
        .execute();
      await db
        .insertInto('quality_exam_schools')
        .values([
          { exam_id: exam.id, school_id: urban.id },
          { exam_id: exam.id, school_id: rural.id },
        ])
        .execute();
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('quality in the browser', () => {
  it('imports a small exam file and shows the school statistics', async () => {
    const { page } = e;
    await e.login('bureau_e2e', USER_PASSWORD);
    await page.goto('/quality');
    await page.getByTestId('exam-table').getByText('2025学年第一学期六年级期末质量检测').click();
    await page.waitForURL(`**/quality/exams/${examId}`);
    await page.getByRole('tab', { name: '导入成绩' }).click();

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gj-quality-'));
    const file = path.join(dir, '期末成绩.csv');
    fs.writeFileSync(
      file,
      [
        '学校代码,班级,学生编号,姓名,科目,成绩',
        'E2EURB,1班,U1,张一,数学,90',
        'E2EURB,1班,U2,张二,数学,80',
        'E2ERUR,1班,R1,李一,数学,70',
        'E2ERUR,1班,R2,李二,数学,50',
      ].join('\n'),
    );
    await page.getByTestId('import-wizard').locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('import-commit').click({ timeout: 90_000 });
    await expect
      .poll(() => page.getByTestId('import-done').textContent(), { timeout: 90_000 })
      .toContain('已写入 4 条成绩');
    await e.screenshot('quality-import');

    await page.getByRole('tab', { name: '成绩统计' }).click();
    const table = page.getByTestId('stats-table');
    await expect.poll(() => table.textContent(), { timeout: 90_000 }).toContain('海宁市城东实验小学');
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('海宁市双山村小学');
    expect(text).toContain('85.00'); // urban mean (90 + 80) / 2
    expect(text).toContain('60.00'); // rural mean (70 + 50) / 2
    expect(text).not.toContain('张一'); // a bureau sees aggregates only
    await e.screenshot('quality-stats');
  });

  it('shows the gap on the gaps page', async () => {
    const { page } = e;
    await page.goto('/quality/gaps');
    const table = page.getByTestId('gaps-table');
    await expect.poll(() => table.textContent(), { timeout: 90_000 }).toContain('25.00');
    await expect.poll(() => page.getByTestId('did-card').textContent()).toContain('至少需要两次考试');
    await e.screenshot('quality-gaps');
  });

  it("lets the school open a low-scoring student's report from the class report", async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('rural_e2e', USER_PASSWORD);
    await page.goto(`/quality/exams/${examId}/classes/${ruralClassId}?subject=math`);
    // 李二 (50) is below the low line of 55; a school sees its own students by name
    const low = page.getByTestId('report-low-students');
    await expect.poll(() => low.textContent(), { timeout: 90_000 }).toContain('李二');
    await page.getByTestId('student-link-R2').click();
    await page.waitForURL(/\/quality\/students\/\d+$/);
    await expect
      .poll(() => page.getByTestId('student-trend').locator('canvas').count(), { timeout: 90_000 })
      .toBeGreaterThan(0);
    const table = page.getByTestId('student-scores');
    await expect.poll(() => table.textContent(), { timeout: 90_000 }).toContain('50 / 100');
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('2025学年第一学期六年级期末质量检测');
    expect(text).toContain('60.00'); // class mean (70 + 50) / 2
    expect(text).toContain('-10.00'); // against the class mean
    // the PDF button downloads with the same session
    const href = await page.getByTestId('student-report-pdf').getAttribute('href');
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await e.screenshot('quality-student-report');
  });

  it('headlines the latest exam with both rural and urban schools, keeps to one grade, and reads the DiD plainly', async () => {
    const { page } = e;
    const db = e.ctx.db;
    const region = await db
      .selectFrom('quality_exams')
      .select('region_code')
      .where('id', '=', examId)
      .executeTakeFirstOrThrow();
    const urban = await db.selectFrom('schools').select('id').where('code', '=', 'E2EURB').executeTakeFirstOrThrow();
    // a later grade-6 exam only the urban school sat, and an older grade-5 exam
    for (const x of [
      { name: '2025学年第二学期六年级期中检测', exam_date: '2026-04-20', grade: 6, term: 2 },
      { name: '2024学年第二学期五年级期末检测', exam_date: '2025-06-20', grade: 5, term: 2 },
    ]) {
      const exam = await db
        .insertInto('quality_exams')
        .values({ ...x, school_year: 2025, region_code: region.region_code, owner_school_id: null, created_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('quality_exam_subjects')
        .values({ exam_id: exam.id, subject: 'math', full_mark: 100, pass_line: 60, excellent_line: 85, low_line: 55 })
        .execute();
      await db.insertInto('quality_exam_schools').values({ exam_id: exam.id, school_id: urban.id }).execute();
    }
    await e.context.clearCookies();
    await e.login('bureau_e2e', USER_PASSWORD);
    await page.goto('/quality/gaps');
    const headline = page.getByTestId('gaps-headline');
    await expect.poll(() => headline.textContent(), { timeout: 90_000 }).toContain('没有农村学校参加');
    const said = (await headline.textContent()) ?? '';
    expect(said).toContain('25.00');
    expect(said).toContain('2025学年第一学期六年级期末质量检测');
    expect(await page.locator('body').textContent()).not.toContain('— 分');
    // one grade by default: the grade-5 exam is not mixed in
    expect(await page.getByTestId('gaps-grade').textContent()).toContain('六年级');
    expect(await page.getByTestId('gaps-exams').textContent()).not.toContain('五年级期末检测');
    // the DiD card says what it compares and which way is good
    const explain = page.getByTestId('did-explain');
    await expect.poll(() => explain.textContent()).toContain('负数表示差距缩小');
    expect(await explain.textContent()).toContain('身份未变');
  });
});
