import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { buildUser, USER_PASSWORD } from '../../test/factories.js';
import { pdfText } from '../../test/pdf-text.js';
import { buildAlliance, pdfBytes, upload } from './activities.test-helpers.js';

/**
 * Hand-offs between modules that happen by themselves (issue 22): a recorded sync class → the
 * resources library; joint meetings → the semester archive.
 */
let t: TestApp;
let lead: Client;
let memberAdmin: Client;
let outsider: Client;
let w: Awaited<ReturnType<typeof buildAlliance>>;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAlliance(t.ctx.db);
  const as = async (role: Parameters<typeof buildUser>[1], scope: Parameters<typeof buildUser>[2]) =>
    login(t.app, (await buildUser(t.ctx.db, role, scope)).username, USER_PASSWORD);
  lead = await as('community_lead', { kind: 'community', id: w.community.id });
  memberAdmin = await as('school_admin', { kind: 'school', id: w.m2.id });
  outsider = await as('school_admin', { kind: 'school', id: w.other.id });
});

/** A few bytes that are an MP4 by their content (an ftyp box), enough for a recording upload. */
function mp4(fill = 1): Buffer {
  const box = (type: string, body: Buffer) => {
    const b = Buffer.alloc(8 + body.length);
    b.writeUInt32BE(8 + body.length);
    b.write(type, 4, 'latin1');
    body.copy(b, 8);
    return b;
  };
  const brands = Buffer.concat([Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41')]);
  return Buffer.concat([box('ftyp', brands), box('free', Buffer.alloc(256, fill))]);
}

const syncClass = (title: string, day: number, d: Record<string, unknown> = {}) => ({
  kind: 'sync_class',
  communityId: w.community.id,
  organizerSchoolId: w.core.id,
  title,
  startsAt: `2025-11-${day}T09:00:00+08:00`,
  endsAt: `2025-11-${day}T09:40:00+08:00`,
  semester: '2025-2026-1',
  teacherCount: 2,
  details: {
    mode: 'sync',
    hostTeacherId: w.host.id,
    hostClass: '四(2)班',
    subject: 'english',
    grade: 4,
    durationMinutes: 40,
    receiving: [{ schoolId: w.m1.id, className: '四(1)班', expectedStudents: 30 }],
    ...d,
  },
});

interface Listed {
  id: number;
  title: string;
  kind: string;
  subject: string;
  grade: number | null;
  visibility: string;
  communityId: number | null;
  schoolId: number;
  activityId: number | null;
}
const recordingsOf = async (c: Client, activityId: number): Promise<Listed[]> => {
  const res = await c.get('/api/v1/resources?kind=recorded_lesson&pageSize=100');
  expect(res.statusCode).toBe(200);
  return (res.json().items as Listed[]).filter((r) => r.activityId === activityId);
};

describe('a recorded sync class goes to the resources library', () => {
  it('publishes a video attached as evidence once, with subject, grade, community visibility and the class', async () => {
    const a = await lead.post('/api/v1/activities', syncClass('四年级英语同步课堂：My school', 11));
    expect(a.statusCode).toBe(201);
    const id = a.json().id as number;
    const video = mp4();
    const att = await upload(lead, `/api/v1/activities/${id}/attachments`, '英语同步课堂实录.mp4', video);
    expect(att.statusCode).toBe(201);
    expect(att.json()).toMatchObject({ category: 'video', mimeType: 'video/mp4' });

    // a member school's staff finds it in the library
    const found = await recordingsOf(memberAdmin, id);
    expect(found).toEqual([
      expect.objectContaining({
        title: '四年级英语同步课堂：My school',
        kind: 'recorded_lesson',
        subject: 'english',
        grade: 4,
        visibility: 'community',
        communityId: w.community.id,
        schoolId: w.core.id,
        activityId: id,
      }),
    ]);
    const resourceId = found[0]!.id;
    const detail = (await memberAdmin.get(`/api/v1/resources/${resourceId}`)).json();
    expect(detail.current).toMatchObject({ source: 'file', mediaClass: 'video', fileName: '英语同步课堂实录.mp4' });
    const file = await memberAdmin.get(`/api/v1/resources/${resourceId}/file`);
    expect(file.statusCode).toBe(200);
    expect(Buffer.compare(file.rawPayload, video)).toBe(0);
    // and the class says where its recording went
    expect((await lead.get(`/api/v1/activities/${id}`)).json().libraryResources).toEqual([
      { id: resourceId, title: '四年级英语同步课堂：My school' },
    ]);

    // attaching the same recording again (a retry, a correction) adds no second resource
    expect((await upload(lead, `/api/v1/activities/${id}/attachments`, '实录.mp4', video)).statusCode).toBe(201);
    const fix = await upload(lead, `/api/v1/activities/${id}/attachments/${att.json().id}/versions`, '实录.mp4', video);
    expect(fix.statusCode).toBe(201);
    expect((await recordingsOf(memberAdmin, id)).map((r) => r.id)).toEqual([resourceId]);
    // a second, different recording of the class is a resource of its own
    expect((await upload(lead, `/api/v1/activities/${id}/attachments`, '第二机位.mp4', mp4(2))).statusCode).toBe(201);
    expect(await recordingsOf(memberAdmin, id)).toHaveLength(2);
    // nobody outside the community sees them
    expect(await recordingsOf(outsider, id)).toEqual([]);
  });

  it('publishes the recording link filled in after class, once', async () => {
    const id = (await lead.post('/api/v1/activities', syncClass('四年级英语同步课堂：Colours', 12))).json().id;
    expect(await recordingsOf(memberAdmin, id)).toEqual([]);
    const result = {
      attendance: [{ schoolId: w.m1.id, className: '四(1)班', attended: 29 }],
      recordingUrl: 'https://vod.example.cn/colours.mp4',
    };
    expect((await lead.post(`/api/v1/activities/${id}/sync-result`, result)).statusCode).toBe(200);
    expect((await lead.post(`/api/v1/activities/${id}/sync-result`, result)).statusCode).toBe(200);
    const found = await recordingsOf(memberAdmin, id);
    expect(found).toEqual([expect.objectContaining({ subject: 'english', grade: 4, visibility: 'community' })]);
    const detail = (await memberAdmin.get(`/api/v1/resources/${found[0]!.id}`)).json();
    expect(detail.current).toMatchObject({ source: 'link', url: 'https://vod.example.cn/colours.mp4' });
  });

  it('publishes nothing for other evidence or other kinds of activity', async () => {
    const sync = (await lead.post('/api/v1/activities', syncClass('四年级英语同步课堂：Numbers', 13))).json().id;
    expect((await upload(lead, `/api/v1/activities/${sync}/attachments`, '教案.pdf', pdfBytes())).statusCode).toBe(201);
    expect(await recordingsOf(memberAdmin, sync)).toEqual([]);
    const lecture = await lead.post('/api/v1/activities', {
      kind: 'lecture',
      communityId: w.community.id,
      organizerSchoolId: w.core.id,
      title: '专题讲座：课堂观察',
      startsAt: '2025-11-14T14:00:00+08:00',
      endsAt: '2025-11-14T15:30:00+08:00',
      teacherCount: 20,
      details: { speaker: '陈老师', topic: '课堂观察', audience: '全体教师' },
    });
    expect(lecture.statusCode).toBe(201);
    const lid = lecture.json().id;
    expect((await upload(lead, `/api/v1/activities/${lid}/attachments`, '讲座.mp4', mp4(3))).statusCode).toBe(201);
    expect(await recordingsOf(memberAdmin, lid)).toEqual([]);
    expect((await lead.get(`/api/v1/activities/${lid}`)).json().libraryResources).toEqual([]);
  });
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
