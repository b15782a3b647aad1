import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { resourceBody, SAMPLES, uploadFile } from './resources.test-helpers.js';
import { publishRecording } from './resources.service.js';

/**
 * The library through the HTTP API: publishing, visibility (lists, detail and direct file URLs),
 * Chinese search, ranges, view counting, curation. World: community C1 = core A + member B,
 * community C2 = X (same county), school Y in another county, no community.
 */
let t: TestApp;
const ids = { A: 0, B: 0, X: 0, Y: 0, C1: 0, C2: 0 };
let teacherA: Client,
  teacherB: Client,
  teacherX: Client,
  teacherY: Client,
  leadC1: Client,
  leadC2: Client,
  bureau: Client,
  viewer: Client;
let teacherAUserId = 0;

async function userClient(
  role: Parameters<typeof buildUser>[1],
  scope: { kind: 'region' | 'community' | 'school'; id: string | number },
) {
  const u = await buildUser(t.ctx.db, role, scope);
  return { client: await login(t.app, u.username, USER_PASSWORD), user: u };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const [A, B, X, Y] = [
    await buildSchool(db, { name: '海宁市第一中学' }),
    await buildSchool(db, { name: '袁花镇中学', location_class: 'rural' }),
    await buildSchool(db, { name: '硖石中学' }),
    await buildSchool(db, { name: '桐乡市实验中学', region_code: TONGXIANG }),
  ];
  const C1 = await buildCommunity(
    db,
    [
      { schoolId: A.id, role: 'core' },
      { schoolId: B.id, role: 'member' },
    ],
    { name: '一中教共体' },
  );
  const C2 = await buildCommunity(db, [{ schoolId: X.id, role: 'core' }], { name: '硖石教共体' });
  Object.assign(ids, { A: A.id, B: B.id, X: X.id, Y: Y.id, C1: C1.id, C2: C2.id });
  const a = await userClient('teacher', { kind: 'school', id: A.id });
  teacherA = a.client;
  teacherAUserId = a.user.id;
  teacherB = (await userClient('teacher', { kind: 'school', id: B.id })).client;
  teacherX = (await userClient('teacher', { kind: 'school', id: X.id })).client;
  teacherY = (await userClient('teacher', { kind: 'school', id: Y.id })).client;
  leadC1 = (await userClient('community_lead', { kind: 'community', id: C1.id })).client;
  leadC2 = (await userClient('community_lead', { kind: 'community', id: C2.id })).client;
  bureau = (await userClient('bureau_admin', { kind: 'region', id: HAINING })).client;
  viewer = (await userClient('viewer', { kind: 'region', id: HAINING })).client;
});
afterAll(async () => {
  await t.close();
});

async function publish(c: Client, body: Record<string, unknown>) {
  const res = await c.post(
    '/api/v1/resources',
    resourceBody({ schoolId: ids.A, communityId: ids.C1, url: 'https://video.example.cn/lesson/1', ...body }),
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; current: { id: number } };
}
const put = (c: Client, url: string, body: object) =>
  t.app.inject({ method: 'PUT', url, headers: { cookie: c.cookie }, payload: body });
const searchIds = async (c: Client, query: string) => {
  const res = await c.get(`/api/v1/resources?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { id: number }[]).map((r) => r.id);
};

describe('visibility: lists, detail and direct file URLs agree', () => {
  const r = { school: 0, community: 0, region: 0, public: 0 };
  beforeAll(async () => {
    for (const visibility of ['school', 'community', 'region', 'public'] as const) {
      const uploadId = await uploadFile(t.app, teacherA, `可见性-${visibility}.pdf`, 'application/pdf', SAMPLES.pdf());
      r[visibility] = (
        await publish(teacherA, { title: `可见性测试 ${visibility}`, visibility, uploadId, url: undefined })
      ).id;
    }
  });

  it.each([
    ['teacher of the same school', () => teacherA, ['school', 'community', 'region', 'public']],
    ['teacher of a member school', () => teacherB, ['community', 'region', 'public']],
    ['teacher of another community, same county', () => teacherX, ['region', 'public']],
    ['teacher in another county', () => teacherY, ['public']],
    ['lead of the community', () => leadC1, ['school', 'community', 'region', 'public']],
    ['lead of another community', () => leadC2, ['region', 'public']],
    ['bureau of the county', () => bureau, ['school', 'community', 'region', 'public']],
  ] as const)('%s', async (_who, client, visible) => {
    const c = client();
    const found = await searchIds(c, 'q=可见性测试&pageSize=50');
    for (const v of ['school', 'community', 'region', 'public'] as const) {
      const shouldSee = (visible as readonly string[]).includes(v);
      expect(found.includes(r[v]), `${v} in search`).toBe(shouldSee);
      const detail = await c.get(`/api/v1/resources/${r[v]}`);
      expect(detail.statusCode, `${v} detail`).toBe(shouldSee ? 200 : 404);
      const file = await c.get(`/api/v1/resources/${r[v]}/file?download=true`);
      expect(file.statusCode, `${v} file`).toBe(shouldSee ? 200 : 404);
      if (!shouldSee) expect(file.json().code).toBe('not_found');
    }
  });

  it('refuses publishing for another school or into a community the school is not in, storing nothing', async () => {
    const before = await t.ctx.db
      .selectFrom('resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const other = await teacherA.post(
      '/api/v1/resources',
      resourceBody({ schoolId: ids.X, communityId: ids.C2, url: 'https://x.cn/a' }),
    );
    expect(other.statusCode).toBe(403);
    const wrongCommunity = await teacherA.post(
      '/api/v1/resources',
      resourceBody({ schoolId: ids.A, communityId: ids.C2, url: 'https://x.cn/a' }),
    );
    expect(wrongCommunity.statusCode).toBe(422);
    expect(wrongCommunity.json().details[0]).toMatchObject({ field: 'body.communityId' });
    const noCommunity = await teacherA.post(
      '/api/v1/resources',
      resourceBody({ schoolId: ids.A, communityId: null, url: 'https://x.cn/a' }),
    );
    expect(noCommunity.statusCode).toBe(422);
    const leadElsewhere = await leadC2.post(
      '/api/v1/resources',
      resourceBody({ schoolId: ids.A, communityId: ids.C1, url: 'https://x.cn/a' }),
    );
    expect(leadElsewhere.statusCode).toBe(403);
    const viewerTry = await viewer.post(
      '/api/v1/resources',
      resourceBody({ schoolId: ids.A, communityId: ids.C1, url: 'https://x.cn/a' }),
    );
    expect(viewerTry.statusCode).toBe(403);
    const both = await teacherA.post(
      '/api/v1/resources',
      resourceBody({
        schoolId: ids.A,
        communityId: ids.C1,
        url: 'https://x.cn/a',
        uploadId: '3b241101-e2bb-4255-8caf-4136c566a962',
      }),
    );
    expect(both.statusCode).toBe(400);
    const ftp = await teacherA.post(
      '/api/v1/resources',
      resourceBody({ schoolId: ids.A, communityId: ids.C1, url: 'ftp://x.cn/a' }),
    );
    expect(ftp.statusCode).toBe(400);
    const after = await t.ctx.db
      .selectFrom('resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('lets only editors change or delete, and only the community’s reviewers recommend', async () => {
    expect((await teacherB.patch(`/api/v1/resources/${r.community}`, { title: '改名' })).statusCode).toBe(403);
    expect((await teacherX.patch(`/api/v1/resources/${r.community}`, { title: '改名' })).statusCode).toBe(404);
    expect((await leadC1.patch(`/api/v1/resources/${r.community}`, { tags: ['复习'] })).statusCode).toBe(200);
    expect(
      (await teacherA.post(`/api/v1/resources/${r.community}/recommendation`, { recommended: true })).statusCode,
    ).toBe(403);
    expect((await leadC2.post(`/api/v1/resources/${r.region}/recommendation`, { recommended: true })).statusCode).toBe(
      403,
    );
    const rec = await leadC1.post(`/api/v1/resources/${r.community}/recommendation`, { recommended: true });
    expect(rec.statusCode).toBe(200);
    expect(rec.json()).toMatchObject({ recommended: true });
    expect(await searchIds(teacherB, 'recommended=true')).toEqual([r.community]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity', '=', 'resource')
      .where('entity_id', '=', String(r.community))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'update', 'recommend']));
  });
});

describe('Chinese search', () => {
  const r = {} as Record<'review' | 'unit3' | 'english' | 'exam' | 'science' | 'poem', number>;
  beforeAll(async () => {
    const items: [keyof typeof r, Record<string, unknown>][] = [
      ['review', { title: '初中数学复习课件', subject: 'math', grade: 9, tags: ['中考'] }],
      ['unit3', { title: '小学数学第三单元练习', kind: 'exercise', subject: 'math', grade: 3, schoolId: ids.B }],
      [
        'english',
        {
          title: 'Unit 3 英语听说课',
          kind: 'recorded_lesson',
          subject: 'english',
          grade: 7,
          textbookEdition: '人教版',
          unit: 'Unit 3',
        },
      ],
      [
        'exam',
        { title: '2025学年第一学期期中试卷（数学）', kind: 'exercise', subject: 'math', grade: 8, tags: ['期中'] },
      ],
      ['science', { title: '科学实验：浮力', subject: 'science', grade: 8, description: '实验数据用到数学统计方法' }],
      ['poem', { title: '古诗词微课', kind: 'micro_lesson', subject: 'chinese', grade: 5, tags: ['数学'] }],
    ];
    // a lead may publish for any member school; a teacher only for their own
    for (const [key, body] of items)
      r[key] = (await publish(body.schoolId === ids.B ? leadC1 : teacherA, { visibility: 'community', ...body })).id;
  });

  it('finds 数学 inside 初中数学复习课件 and ranks title over tags over description', async () => {
    const found = await searchIds(teacherB, `q=${encodeURIComponent('数学')}&pageSize=50`);
    expect(found).toEqual(expect.arrayContaining([r.review, r.unit3, r.exam, r.science, r.poem]));
    expect(found).not.toContain(r.english);
    // title hits first, then the tag hit, then the description-only hit
    expect(found.indexOf(r.poem)).toBeGreaterThan(Math.max(found.indexOf(r.review), found.indexOf(r.unit3)));
    expect(found.indexOf(r.science)).toBeGreaterThan(found.indexOf(r.poem));
  });

  it.each([
    ['数学复习', ['review']],
    ['Unit 3 英语', ['english']],
    ['unit 3', ['english']],
    ['2025 期中', ['exam']],
    ['期中 2025', ['exam']],
    ['浮力', ['science']],
    ['复习课件', ['review']],
    ['数学 中考', ['review']],
  ] as const)('%s', async (q, expected) => {
    const found = await searchIds(teacherB, `q=${encodeURIComponent(q)}&pageSize=50`);
    expect(found.sort()).toEqual(expected.map((k) => r[k]).sort());
  });

  it('finds a single character by prefix, including at the end of a word', async () => {
    expect(await searchIds(teacherB, `q=${encodeURIComponent('浮')}`)).toContain(r.science);
    expect(await searchIds(teacherB, `q=${encodeURIComponent('件')}`)).toContain(r.review);
  });

  it('combines the text with facets and counts each facet without its own filter', async () => {
    const res = await teacherB.get(`/api/v1/resources?q=${encodeURIComponent('数学')}&subject=math&pageSize=50`);
    const body = res.json();
    expect(body.items.map((i: { id: number }) => i.id).sort()).toEqual([r.review, r.unit3, r.exam].sort());
    expect(body.total).toBe(3);
    // subject facet ignores the subject filter: math 3, science 1, chinese 1
    expect(body.facets.subject).toEqual(
      expect.arrayContaining([
        { value: 'math', label: null, count: 3 },
        { value: 'science', label: null, count: 1 },
        { value: 'chinese', label: null, count: 1 },
      ]),
    );
    expect(body.facets.grade).toEqual(
      expect.arrayContaining([
        { value: '9', label: null, count: 1 },
        { value: '8', label: null, count: 1 },
        { value: '3', label: null, count: 1 },
      ]),
    );
    expect(body.facets.school).toEqual(
      expect.arrayContaining([
        { value: String(ids.B), label: '袁花镇中学', count: 1 },
        { value: String(ids.A), label: '海宁市第一中学', count: 2 },
      ]),
    );
    expect(body.facets.community).toEqual([{ value: String(ids.C1), label: '一中教共体', count: 3 }]);
    const byGrade = await searchIds(teacherB, `q=${encodeURIComponent('数学')}&grade=3,9`);
    expect(byGrade.sort()).toEqual([r.review, r.unit3].sort());
    const byUnit = await searchIds(
      teacherB,
      `textbookEdition=${encodeURIComponent('人教版')}&unit=${encodeURIComponent('Unit 3')}`,
    );
    expect(byUnit).toEqual([r.english]);
  });

  it('finds nothing outside the community and treats punctuation-only queries as no query', async () => {
    expect(await searchIds(teacherX, `q=${encodeURIComponent('数学复习')}`)).toEqual([]);
    const all = await teacherB.get(`/api/v1/resources?q=${encodeURIComponent('？！')}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBeGreaterThan(5);
  });

  it('re-indexes on edit', async () => {
    await teacherA.patch(`/api/v1/resources/${r.poem}`, { title: '唐诗三百首微课', tags: [] });
    expect(await searchIds(teacherB, `q=${encodeURIComponent('唐诗')}`)).toEqual([r.poem]);
    expect(await searchIds(teacherB, `q=${encodeURIComponent('古诗词')}`)).toEqual([]);
  });
});

describe('playback with ranges and view counting', () => {
  let id = 0;
  const video = SAMPLES.webm(1000);
  beforeAll(async () => {
    const uploadId = await uploadFile(t.app, teacherA, '第三单元 同步课堂.webm', 'video/webm', video, 300);
    id = (await publish(teacherA, { title: '同步课堂实录', kind: 'recorded_lesson', uploadId, url: undefined })).id;
  });
  const views = async () =>
    await t.ctx.db
      .selectFrom('resources')
      .select(['view_count', 'download_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('serves the whole file, a range, a suffix range, and refuses an unsatisfiable one', async () => {
    const whole = await teacherB.get(`/api/v1/resources/${id}/file`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/webm');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(video)).toBe(true);
    const part = await teacherB.get(`/api/v1/resources/${id}/file`, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${video.length}`);
    expect(part.headers['content-length']).toBe('100');
    expect(part.rawPayload.equals(video.subarray(100, 200))).toBe(true);
    const tail = await teacherB.get(`/api/v1/resources/${id}/file`, { range: 'bytes=-10' });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(video.subarray(video.length - 10))).toBe(true);
    const bad = await teacherB.get(`/api/v1/resources/${id}/file`, { range: `bytes=${video.length}-` });
    expect(bad.statusCode).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${video.length}`);
    const dl = await teacherB.get(`/api/v1/resources/${id}/file?download=1`);
    expect(dl.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('第三单元 同步课堂.webm')}`,
    );
  });

  it('counts a play, not a HEAD request or a range continuing a play', async () => {
    await t.ctx.db.deleteFrom('resource_view_marks').where('resource_id', '=', id).execute();
    await t.ctx.db.updateTable('resources').set({ view_count: 0, download_count: 0 }).where('id', '=', id).execute();
    const head = await t.app.inject({
      method: 'HEAD',
      url: `/api/v1/resources/${id}/file`,
      headers: { cookie: teacherB.cookie },
    });
    expect(head.statusCode).toBe(200);
    await t.app.inject({
      method: 'HEAD',
      url: `/api/v1/resources/${id}/file`,
      headers: { cookie: teacherB.cookie, range: 'bytes=0-' },
    });
    await teacherB.get(`/api/v1/resources/${id}/file`, { range: 'bytes=300-' });
    expect(await views()).toEqual({ view_count: 0, download_count: 0 });
    // the player's first request starts at byte 0: that is the play
    await teacherB.get(`/api/v1/resources/${id}/file`, { range: 'bytes=0-' });
    expect(await views()).toEqual({ view_count: 1, download_count: 0 });
  });

  it('counts a view once per user within the window, ignores seeks, counts downloads apart', async () => {
    await t.ctx.db.deleteFrom('resource_view_marks').where('resource_id', '=', id).execute();
    await t.ctx.db.deleteFrom('resource_usage_daily').where('resource_id', '=', id).execute();
    await t.ctx.db.updateTable('resources').set({ view_count: 0, download_count: 0 }).where('id', '=', id).execute();
    await teacherB.get(`/api/v1/resources/${id}/file`, { range: 'bytes=0-' });
    await teacherB.get(`/api/v1/resources/${id}/file`, { range: 'bytes=500-' }); // a seek
    await teacherB.get(`/api/v1/resources/${id}/file`); // a reload
    expect(await views()).toEqual({ view_count: 1, download_count: 0 });
    await leadC1.get(`/api/v1/resources/${id}/file`);
    await teacherB.get(`/api/v1/resources/${id}/file?download=true`);
    await teacherB.get(`/api/v1/resources/${id}/file?download=true`);
    expect(await views()).toEqual({ view_count: 2, download_count: 1 });
    // after the window the same user counts again
    await t.ctx.db
      .updateTable('resource_view_marks')
      .set({ last_at: new Date(Date.now() - 31 * 60_000).toISOString() })
      .where('resource_id', '=', id)
      .execute();
    await teacherB.get(`/api/v1/resources/${id}/file`);
    expect(await views()).toEqual({ view_count: 3, download_count: 1 });
    // someone who cannot see it counts nothing
    expect((await teacherX.get(`/api/v1/resources/${id}/file`)).statusCode).toBe(404);
    expect(await views()).toEqual({ view_count: 3, download_count: 1 });
  });

  it('lists the most used per community and region, within what the caller may see', async () => {
    const res = await teacherB.get(`/api/v1/resources/most-used?communityId=${ids.C1}&days=7`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { resource: { id: number }; views: number; downloads: number }[];
    expect(items.find((i) => i.resource.id === id)).toMatchObject({ views: 3, downloads: 1 });
    // ordered by views + downloads
    const used = items.map((i) => i.views + i.downloads);
    expect(used).toEqual([...used].sort((a, b) => b - a));
    const region = await bureau.get(`/api/v1/resources/most-used?regionCode=${HAINING}`);
    expect(region.json().items.map((i: { resource: { id: number } }) => i.resource.id)).toContain(id);
    const outside = await teacherX.get(`/api/v1/resources/most-used?regionCode=${HAINING}`);
    expect(outside.json().items.map((i: { resource: { id: number } }) => i.resource.id)).not.toContain(id);
  });

  it('keeps versions: a new version becomes current, old ones stay downloadable', async () => {
    const uploadId = await uploadFile(t.app, teacherA, '第三单元 v2.mp4', 'video/mp4', SAMPLES.mp4(500));
    const res = await teacherA.post(`/api/v1/resources/${id}/versions`, { uploadId, note: '重新剪辑' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.versions.map((v: { versionNo: number }) => v.versionNo)).toEqual([2, 1]);
    expect(body.current).toMatchObject({ versionNo: 2, mimeType: 'video/mp4', mediaClass: 'video', note: '重新剪辑' });
    const old = await teacherB.get(`/api/v1/resources/${id}/file?version=${body.versions[1].id}`);
    expect(old.rawPayload.equals(video)).toBe(true);
    expect((await teacherB.post(`/api/v1/resources/${id}/versions`, { url: 'https://x.cn/v3' })).statusCode).toBe(403);
    // the same upload cannot be used twice
    expect((await teacherA.post(`/api/v1/resources/${id}/versions`, { uploadId })).statusCode).toBe(409);
  });

  it('redirects external links and counts them', async () => {
    const link = await publish(teacherA, { title: '外链资源', url: 'https://www.zxx.edu.cn/lesson/42' });
    const res = await teacherB.get(`/api/v1/resources/${link.id}/open`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://www.zxx.edu.cn/lesson/42');
    expect((await teacherB.get(`/api/v1/resources/${link.id}/file`)).statusCode).toBe(409);
  });
});

describe('ratings and comments', () => {
  let id = 0;
  beforeAll(async () => {
    id = (await publish(teacherA, { title: '评分测试' })).id;
  });
  it('averages one rating per user and refuses viewers and outsiders', async () => {
    expect((await put(teacherB, `/api/v1/resources/${id}/rating`, { stars: 5 })).statusCode).toBe(200);
    expect((await put(teacherB, `/api/v1/resources/${id}/rating`, { stars: 4 })).statusCode).toBe(200);
    const res = await put(leadC1, `/api/v1/resources/${id}/rating`, { stars: 3 });
    expect(res.json()).toMatchObject({ ratingAvg: 3.5, ratingCount: 2, myRating: 3 });
    expect((await put(viewer, `/api/v1/resources/${id}/rating`, { stars: 5 })).statusCode).toBe(403);
    expect((await put(teacherX, `/api/v1/resources/${id}/rating`, { stars: 1 })).statusCode).toBe(404);
    expect((await put(teacherB, `/api/v1/resources/${id}/rating`, { stars: 6 })).statusCode).toBe(400);
  });
  it('lets teachers in scope comment and delete their own', async () => {
    const k = await teacherB.post(`/api/v1/resources/${id}/comments`, { body: '很实用，谢谢分享！' });
    expect(k.statusCode).toBe(201);
    expect((await teacherX.post(`/api/v1/resources/${id}/comments`, { body: '看不到' })).statusCode).toBe(404);
    expect((await leadC2.get(`/api/v1/resources/${id}/comments`)).statusCode).toBe(404);
    const list = await teacherA.get(`/api/v1/resources/${id}/comments`);
    expect(list.json()).toHaveLength(1);
    expect(list.json()[0]).toMatchObject({ body: '很实用，谢谢分享！', canDelete: true });
    expect((await teacherB.delete(`/api/v1/resources/${id}/comments/${k.json().id}`)).statusCode).toBe(204);
    expect((await teacherA.get(`/api/v1/resources/${id}`)).json().commentCount).toBe(0);
  });
});

describe('publishRecording (for the activities module)', () => {
  it('publishes a sync-class recording into the community library once', async () => {
    const caller = {
      actor: {
        userId: teacherAUserId,
        username: 'a',
        displayName: 'a',
        role: 'teacher' as const,
        scope: { kind: 'school' as const, id: String(ids.A) },
        teacherId: null,
      },
      requestId: 'r',
      ip: '127.0.0.1',
    };
    const input = {
      communityId: ids.C1,
      schoolId: ids.A,
      title: '同步课堂：分数的意义',
      subject: 'math' as const,
      grade: 5,
      url: 'https://rec.example.cn/a/1.mp4',
      activityId: 77,
    };
    const { id, created } = await publishRecording(t.ctx.db, t.ctx.storage, caller, input);
    expect(created).toBe(true);
    const first = (await teacherA.get(`/api/v1/resources/${id}`)).json();
    expect(first).toMatchObject({
      kind: 'recorded_lesson',
      visibility: 'community',
      activityId: 77,
      communityId: ids.C1,
    });
    expect(await publishRecording(t.ctx.db, t.ctx.storage, caller, input)).toEqual({ id, created: false });
    expect(await searchIds(teacherB, `q=${encodeURIComponent('分数的意义')}`)).toEqual([first.id]);
    expect(await searchIds(teacherX, `q=${encodeURIComponent('分数的意义')}`)).toEqual([]);
    await expect(
      publishRecording(t.ctx.db, t.ctx.storage, caller, { ...input, communityId: ids.C2, activityId: 78 }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe('a bureau publishes for its county, with no school', () => {
  it('stores the region as owner, visible to the county, and refuses a school-only visibility', async () => {
    const uploadId = await uploadFile(t.app, bureau, '县级教研通知.pdf', 'application/pdf', SAMPLES.pdf());
    const res = await bureau.post(
      '/api/v1/resources',
      resourceBody({ title: '县级教研资源', visibility: 'region', uploadId }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ schoolId: null, schoolName: null, communityId: null, regionCode: HAINING });
    expect(created.can.edit).toBe(true);
    // 本县: teachers of the county see it, a teacher in another county does not
    expect((await teacherX.get(`/api/v1/resources/${created.id}`)).statusCode).toBe(200);
    expect((await teacherA.get(`/api/v1/resources/${created.id}/file?download=true`)).statusCode).toBe(200);
    expect((await teacherY.get(`/api/v1/resources/${created.id}`)).statusCode).toBe(404);
    expect(await searchIds(teacherB, 'q=县级教研资源')).toContain(created.id);

    // 本校 needs a school: refused on the field (422, as the other rules that depend on who asks)
    const schoolOnly = await bureau.post(
      '/api/v1/resources',
      resourceBody({ title: '无学校的本校资源', visibility: 'school', url: 'https://video.example.cn/x' }),
    );
    expect(schoolOnly.statusCode).toBe(422);
    expect(schoolOnly.json().details[0]).toMatchObject({ field: 'body.visibility' });
  });

  it('tells a school user without a school which field is missing', async () => {
    const res = await teacherA.post(
      '/api/v1/resources',
      resourceBody({ title: '缺学校', visibility: 'region', url: 'https://video.example.cn/y' }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0]).toMatchObject({ field: 'body.schoolId', code: 'required' });
    const lead = await leadC1.post(
      '/api/v1/resources',
      resourceBody({ title: '缺学校', visibility: 'region', url: 'https://video.example.cn/y' }),
    );
    expect(lead.statusCode).toBe(422);
    expect(lead.json().details[0]).toMatchObject({ field: 'body.schoolId' });
  });
});
