import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { semesterOfDate, shanghaiDate } from '../src/shared/activities.semester.js';
import { buildUser, USER_PASSWORD } from '../src/server/test/factories.js';
import { pdfText } from '../src/server/test/pdf-text.js';
import { buildAlliance } from '../src/server/modules/activities/activities.test-helpers.js';
import { startE2E, type E2E } from './harness.js';

/**
 * A community lead asks for the semester archive on the work-plan page: the report is made on the
 * job queue while a dialog shows its progress, and the browser downloads the file when it is ready.
 */
let e: E2E;
const semester = semesterOfDate(shanghaiDate(new Date()))!;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const w = await buildAlliance(ctx.db);
      await buildUser(
        ctx.db,
        'community_lead',
        { kind: 'community', id: w.community.id },
        { username: 'lead_reports' },
      );
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('background reports in the browser', () => {
  it('shows the archive workbook’s progress and downloads it when done', async () => {
    const { page } = e;
    await e.login('lead_reports', USER_PASSWORD);
    await page.goto(`/activities/plans?semester=${semester}`);
    const button = page.getByTestId('plan-archive-xlsx');
    const download = page.waitForEvent('download');
    await button.click();
    const progress = page.getByTestId('plan-archive-xlsx-progress');
    await progress.waitFor({ state: 'visible' });
    await expect.poll(() => progress.textContent(), { timeout: 90_000 }).toContain('100%');
    expect(await page.locator('.ant-modal-title').textContent()).toContain('活动档案（Excel）');
    await e.screenshot('reports-progress-done');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/活动档案\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await file.path())!) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.name).toBe('概况');

    // the dialog's button downloads it again
    const again = page.waitForEvent('download');
    await page.getByTestId('plan-archive-xlsx-download').click();
    expect((await again).suggestedFilename()).toBe(file.suggestedFilename());
  });

  it('downloads the archive booklet the same way', async () => {
    const { page } = e;
    await page.getByTestId('plan-archive-xlsx-close').click();
    await page.getByTestId('plan-archive-xlsx-dialog').waitFor({ state: 'hidden' });
    const download = page.waitForEvent('download');
    await page.getByTestId('plan-archive-pdf').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/工作档案\.pdf$/);
    const bytes = fs.readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(bytes)).toContain('教共体工作档案');
  });
});
