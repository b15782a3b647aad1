import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { buildUser, USER_PASSWORD } from '../../test/factories.js';
import { pdfText } from '../../test/pdf-text.js';
import { buildAlliance } from './activities.test-helpers.js';

/** Hand-offs between modules that happen by themselves (issue 22): meetings → the semester archive. */
let t: TestApp;
let lead: Client;
let w: Awaited<ReturnType<typeof buildAlliance>>;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAlliance(t.ctx.db);
  const u = await buildUser(t.ctx.db, 'community_lead', { kind: 'community', id: w.community.id });
  lead = await login(t.app, u.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

describe('joint meetings in the semester archive', () => {
  beforeAll(async () => {
    const meeting = async (title: string, startsAt: string) => {
      const res = await lead.post('/api/v1/meetings', {
        communityId: w.community.id,
        kind: 'regular',
        title,
        startsAt,
        place: '实验小学会议室',
      });
      expect(res.statusCode).toBe(201);
      return res.json().id as number;
    };
    const first = await meeting('秋季学期第一次联席会议', '2025-10-09T06:30:00Z');
    expect((await lead.patch(`/api/v1/meetings/${first}/minutes`, { body: '一、通过秋季教研计划。' })).statusCode).toBe(
      200,
    );
    for (const item of [
      { title: '制定英语同步课堂课表', ownerKind: 'person', ownerName: '张主任', dueDate: '2025-11-15' },
      { title: '组织新教师跟岗', ownerKind: 'school', ownerSchoolId: w.m1.id, dueDate: '2099-01-31' },
    ]) {
      expect((await lead.post(`/api/v1/meetings/${first}/action-items`, item)).statusCode).toBe(201);
    }
    await meeting('期末工作联席会议', '2026-01-12T06:30:00Z');
    // the spring term's meeting belongs to the next archive
    await meeting('春季学期联席会议', '2026-03-10T06:30:00Z');
  });

  it('adds a 联席会议 sheet with the minutes status and every action item to the xlsx', async () => {
    const res = await lead.get(`/api/v1/activity-archive.xlsx?communityId=${w.community.id}&semester=2025-2026-1`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('联席会议');
    expect(sheet).toBeDefined();
    const rows = sheet!
      .getSheetValues()
      .slice(1)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(['日期', '时间', '会议', '类型', '地点', '纪要状态', '事项', '负责人', '期限', '状态']);
    expect(rows.slice(1)).toEqual([
      [
        '2025-10-09',
        '14:30',
        '秋季学期第一次联席会议',
        '例会（半年度）',
        '实验小学会议室',
        '草稿（第 1 稿）',
        '制定英语同步课堂课表',
        '张主任',
        '2025-11-15',
        '已逾期',
      ],
      [
        '2025-10-09',
        '14:30',
        '秋季学期第一次联席会议',
        '例会（半年度）',
        '实验小学会议室',
        '草稿（第 1 稿）',
        '组织新教师跟岗',
        '周王庙镇中心小学',
        '2099-01-31',
        '进行中',
      ],
      ['2026-01-12', '14:30', '期末工作联席会议', '例会（半年度）', '实验小学会议室', '未起草'],
    ]);
  });

  it('adds a joint meetings section to the PDF booklet', async () => {
    const res = await lead.get(`/api/v1/activity-archive.pdf?communityId=${w.community.id}&semester=2025-2026-1`);
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    for (const s of [
      '五、联席会议',
      '秋季学期第一次联席会议',
      '草稿（第 1 稿）',
      '制定英语同步课堂课表',
      '张主任',
      '期末工作联席会议',
    ])
      expect(text).toContain(s);
    expect(text).not.toContain('春季学期联席会议');
  });
});
