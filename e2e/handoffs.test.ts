import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { semesterOfDate, shanghaiDate } from '../src/shared/activities.semester.js';
import { buildUser, USER_PASSWORD } from '../src/server/test/factories.js';
import { login, type Client } from '../src/server/test/harness.js';
import { buildAlliance } from '../src/server/modules/activities/activities.test-helpers.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Hand-offs between modules that happen by themselves (issue 22), seen in the browser: a video
 * attached to a sync class appears in the resources library and links back to the class; the
 * semester archive downloaded from the plans page has the community's joint meetings.
 */
let e: E2E;
let lead: Client;
let classId: number;
const day = shanghaiDate(new Date(Date.now() - 86400_000));
const semester = semesterOfDate(day)!;
const title = '五年级英语同步课堂：Seasons';
const meetingTitle = '本学期教共体联席会议';

beforeAll(async () => {
  let w!: Awaited<ReturnType<typeof buildAlliance>>;
  e = await startE2E({
    seed: async (ctx) => {
      w = await buildAlliance(ctx.db);
      await buildUser(ctx.db, 'community_lead', { kind: 'community', id: w.community.id }, { username: 'lead_h' });
    },
  });
  lead = await login(e.app, 'lead_h', USER_PASSWORD);
  const a = await lead.post('/api/v1/activities', {
    kind: 'sync_class',
    communityId: w.community.id,
    organizerSchoolId: w.core.id,
    title,
    startsAt: `${day}T10:00:00+08:00`,
    endsAt: `${day}T10:40:00+08:00`,
    teacherCount: 2,
    details: {
      mode: 'sync',
      hostTeacherId: w.host.id,
      hostClass: '五(1)班',
      subject: 'english',
      grade: 5,
      durationMinutes: 40,
      receiving: [{ schoolId: w.m1.id, className: '五(2)班', expectedStudents: 35 }],
    },
  });
  expect(a.statusCode).toBe(201);
  classId = a.json().id;
  const m = await lead.post('/api/v1/meetings', {
    communityId: w.community.id,
    kind: 'regular',
    title: meetingTitle,
    startsAt: `${day}T06:30:00Z`,
    place: '实验小学会议室',
  });
  expect(m.statusCode).toBe(201);
  const mid = m.json().id;
  expect((await lead.patch(`/api/v1/meetings/${mid}/minutes`, { body: '一、通过本学期计划。' })).statusCode).toBe(200);
  const item = await lead.post(`/api/v1/meetings/${mid}/action-items`, {
    title: '排定下月同步课堂课表',
    ownerKind: 'person',
    ownerName: '李主任',
    dueDate: '2099-06-30',
  });
  expect(item.statusCode).toBe(201);
});
afterAll(async () => {
  await e?.close();
});

/** A few bytes that are an MP4 by their content (an ftyp box). */
function mp4(): Buffer {
  const box = (type: string, body: Buffer) => {
    const b = Buffer.alloc(8 + body.length);
    b.writeUInt32BE(8 + body.length);
    b.write(type, 4, 'latin1');
    body.copy(b, 8);
    return b;
  };
  const brands = Buffer.concat([Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41')]);
  return Buffer.concat([box('ftyp', brands), box('free', Buffer.alloc(1024, 7))]);
}

describe('hand-offs in the browser', () => {
  it('publishes a sync class video to the library, linked both ways', async () => {
    const { page } = e;
    await e.login('lead_h', USER_PASSWORD);
    await page.goto(`/activities/${classId}`);
    const detail = page.getByTestId('activity-detail');
    await expect.poll(() => detail.textContent(), { timeout: 90_000 }).toContain(title);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-')), '课堂实录.mp4');
    fs.writeFileSync(file, mp4());
    await detail.locator('input[type=file]').first().setInputFiles(file);
    await expect.poll(() => detail.textContent(), { timeout: 90_000 }).toContain('课堂实录.mp4');
    await expect.poll(() => detail.textContent(), { timeout: 90_000 }).toContain('已发布到资源库');
    await e.screenshot('handoffs-activity-published');

    // the library lists it
    await page.goto('/resources');
    await expect.poll(() => page.locator('body').textContent(), { timeout: 90_000 }).toContain(title);
    // its page shows subject and grade, and links back to the class
    await page.goto(`/activities/${classId}`);
    await page.getByTestId('library-resource-link').click();
    await page.waitForURL(/\/resources\/\d+$/);
    await expect.poll(() => page.getByTestId('resource-detail-title').textContent(), { timeout: 90_000 }).toBe(title);
    await page.getByTestId('activity-detail').waitFor({ state: 'detached' });
    const body = page.locator('body');
    for (const s of ['课堂实录', '英语', '五年级', '本教共体', '来源活动'])
      expect(await body.textContent()).toContain(s);
    await e.screenshot('handoffs-resource');
    await page.getByTestId('resource-activity-link').click();
    await page.waitForURL(new RegExp(`/activities/${classId}$`));
    await expect.poll(() => page.getByTestId('activity-detail').textContent(), { timeout: 90_000 }).toContain(title);
  });

  it('downloads the archive with the joint meetings sheet', async () => {
    const { page } = e;
    await page.goto(`/activities/plans?semester=${semester}`);
    const download = page.waitForEvent('download');
    await page.getByTestId('plan-archive-xlsx').click();
    const buf = fs.readFileSync((await (await download).path())!);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('联席会议');
    expect(sheet).toBeDefined();
    const rows = sheet!
      .getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows).toEqual([
      [
        day,
        '14:30',
        meetingTitle,
        '例会（半年度）',
        '实验小学会议室',
        '草稿（第 1 稿）',
        '排定下月同步课堂课表',
        '李主任',
        '2099-06-30',
        '进行中',
      ],
    ]);
  });
});
