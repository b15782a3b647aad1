import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { buildSchool, buildUser } from '../../test/factories.js';
import { meetingBody, meetingWorld } from './meetings.test-setup.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof meetingWorld>>;
beforeAll(async () => {
  t = await createTestApp();
  w = await meetingWorld(t);
});
afterAll(() => t.close());

async function newMeeting(o: Record<string, unknown> = {}) {
  const res = await w.lead.post('/api/v1/meetings', meetingBody(w.community.id, o));
  expect(res.statusCode).toBe(201);
  return res.json().id as number;
}

describe('minutes co-signing (会签)', () => {
  it('walks draft → circulate → return → revise → all sign → locked, then a new revision', async () => {
    const id = await newMeeting();
    const url = `/api/v1/meetings/${id}/minutes`;
    expect((await w.lead.get(url)).json().current).toBeNull();

    // draft
    const saved = await w.lead.patch(url, {
      body: '# 会议纪要\n一、通过秋季学期教研计划。\r\n二、英语同步课堂每周二开课。',
    });
    expect(saved.statusCode).toBe(200);
    const draft = saved.json().current;
    expect(draft).toMatchObject({
      revision: 1,
      status: 'draft',
      round: 0,
      body: '# 会议纪要\n一、通过秋季学期教研计划。\n二、英语同步课堂每周二开课。',
    });
    expect(draft.sha256).toMatch(/^[0-9a-f]{64}$/);

    // principals cannot edit; signing a draft is refused
    expect((await w.corePrincipal.patch(url, { body: 'x' })).statusCode).toBe(403);
    const early = await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: draft.sha256 });
    expect(early.statusCode).toBe(409);

    // circulate: signers resolved now, core first
    const circ = await w.lead.post(`${url}/circulate`, { sha256: draft.sha256 });
    expect(circ.statusCode).toBe(200);
    const c1 = circ.json().current;
    expect(c1).toMatchObject({ status: 'circulated', round: 1 });
    expect(
      c1.signers.map((s: { schoolName: string; status: string; userId: number }) => [s.schoolName, s.status, s.userId]),
    ).toEqual([
      ['硖石小学', 'pending', w.users.corePrincipal.id],
      ['周王庙小学', 'pending', w.users.memberPrincipal.id],
    ]);
    // locked for editing while circulating
    const edit = await w.lead.patch(url, { body: '偷偷改一下' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().message).toContain('会签');

    // core signs; the member returns with a comment → back to draft, comment visible, pending voided
    expect((await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c1.sha256 })).statusCode).toBe(200);
    const ret = await w.memberPrincipal.post(`${url}/return`, {
      revision: 1,
      sha256: c1.sha256,
      comment: '第二条请写明开课时间为下午第二节',
    });
    expect(ret.statusCode).toBe(200);
    const r1 = ret.json().current;
    expect(r1.status).toBe('draft');
    expect(r1.signers.find((s: { schoolId: number }) => s.schoolId === w.member.id)).toMatchObject({
      status: 'returned',
      comment: '第二条请写明开课时间为下午第二节',
      sha256: c1.sha256,
    });

    // revise and circulate again: a new round, fresh signatures needed
    const revised = (await w.lead.patch(url, { body: `${r1.body}（下午第二节）`, baseSha256: r1.sha256 })).json()
      .current;
    expect(revised.sha256).not.toBe(c1.sha256);
    const c2 = (await w.lead.post(`${url}/circulate`, {})).json().current;
    expect(c2).toMatchObject({ status: 'circulated', round: 2, revision: 1 });
    // the old hash is refused: the signer must review the text as it is now
    const stale = await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c1.sha256 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().messageEn).toMatch(/hash/i);

    expect((await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 })).statusCode).toBe(200);
    const twice = await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 });
    expect(twice.statusCode).toBe(409);
    const last = await w.memberPrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 });
    const locked = last.json().current;
    expect(locked.status).toBe('locked');
    expect(locked.lockedAt).not.toBeNull();
    const round2 = locked.signers.filter((s: { round: number }) => s.round === 2);
    expect(
      round2.every(
        (s: { status: string; sha256: string; decidedAt: string }) =>
          s.status === 'signed' && s.sha256 === c2.sha256 && s.decidedAt,
      ),
    ).toBe(true);

    // locked: no edits; a new revision keeps revision 1 intact
    const lockedEdit = await w.lead.patch(url, { body: '改' });
    expect(lockedEdit.statusCode).toBe(409);
    expect(lockedEdit.json().messageEn).toMatch(/locked/);
    expect((await w.memberPrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 })).statusCode).toBe(409);
    const rev2 = await w.lead.post(`${url}/revisions`);
    expect(rev2.statusCode).toBe(201);
    expect(rev2.json().current).toMatchObject({ revision: 2, status: 'draft', body: locked.body });
    expect(rev2.json().history[0]).toMatchObject({
      revision: 1,
      status: 'locked',
      sha256: c2.sha256,
      body: locked.body,
    });
    await w.lead.patch(url, { body: `${locked.body}\n三、更正：开课日期改为周三。` });
    const c3 = (await w.lead.post(`${url}/circulate`, {})).json().current;
    // signing the superseded revision 1 is refused
    const superseded = await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 });
    expect(superseded.statusCode).toBe(409);
    expect(superseded.json().messageEn).toMatch(/superseded/);
    expect((await w.corePrincipal.post(`${url}/sign`, { revision: 2, sha256: c3.sha256 })).statusCode).toBe(200);

    // every step is in the audit log
    const admin = await import('../../test/harness.js').then((h) => h.loginAdmin(t.app));
    const log = (await admin.get(`/api/v1/audit-log?entity=meeting_minutes&pageSize=100`))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(log).toEqual(expect.arrayContaining(['create', 'update', 'circulate', 'sign', 'return', 'lock']));
  });

  it('refuses to circulate minutes of a meeting that has not taken place yet, and writes nothing', async () => {
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const id = await newMeeting({ title: '下周的联席会议', startsAt: nextWeek });
    const url = `/api/v1/meetings/${id}/minutes`;
    const draft = (await w.lead.patch(url, { body: '提前写好的纪要' })).json().current;
    const circ = await w.lead.post(`${url}/circulate`, { sha256: draft.sha256 });
    expect(circ.statusCode).toBe(422);
    expect(circ.json().message).toContain('会议尚未召开');
    expect((await w.lead.get(url)).json().current).toMatchObject({ status: 'draft', round: 0 });
  });

  it('refuses signing for another school, by a non-signer, and by an outsider', async () => {
    const id = await newMeeting({ title: '临时会议', kind: 'extraordinary' });
    const url = `/api/v1/meetings/${id}/minutes`;
    await w.lead.patch(url, { body: '议定：联合开展读书节。' });
    const c = (await w.lead.post(`${url}/circulate`, {})).json().current;
    const seen = { revision: 1, sha256: c.sha256 };
    // a second school_admin of the member school is not the resolved signer
    const deputy = await buildUser(t.ctx.db, 'school_admin', { kind: 'school', id: w.member.id });
    const deputyClient = await (await import('../../test/harness.js')).login(t.app, deputy.username, 'password-123');
    expect((await deputyClient.post(`${url}/sign`, seen)).statusCode).toBe(403);
    expect((await w.lead.post(`${url}/sign`, seen)).statusCode).toBe(403);
    expect((await w.teacher.post(`${url}/sign`, seen)).statusCode).toBe(403);
    expect((await w.otherPrincipal.post(`${url}/sign`, seen)).statusCode).toBe(403);
    expect((await w.memberPrincipal.post(`${url}/return`, { ...seen, comment: '' })).statusCode).toBe(400);
    const after = (await w.lead.get(url)).json().current;
    expect(after.signers.every((s: { status: string }) => s.status === 'pending')).toBe(true);
  });

  it('refuses to circulate when a school has no principal account, naming it, and writes nothing', async () => {
    const orphan = await buildSchool(t.ctx.db, { name: '丁桥小学' });
    await t.ctx.db
      .insertInto('community_memberships')
      .values({
        community_id: w.community.id,
        school_id: orphan.id,
        role: 'member',
        start_date: '2022-09-01',
        end_date: null,
        note: null,
      })
      .execute();
    try {
      const id = await newMeeting({ title: '缺校长测试' });
      await w.lead.patch(`/api/v1/meetings/${id}/minutes`, { body: '纪要' });
      const res = await w.lead.post(`/api/v1/meetings/${id}/minutes/circulate`, {});
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toContain('丁桥小学');
      expect((await w.lead.get(`/api/v1/meetings/${id}/minutes`)).json().current).toMatchObject({
        status: 'draft',
        round: 0,
        signers: [],
      });
    } finally {
      await t.ctx.db.deleteFrom('community_memberships').where('school_id', '=', orphan.id).execute();
    }
  });

  it('lets two principals sign at the same moment: both succeed exactly once and the minutes lock', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await newMeeting({ title: `并发会签 ${i}` });
      const url = `/api/v1/meetings/${id}/minutes`;
      await w.lead.patch(url, { body: `并发测试纪要 ${i}` });
      const c = (await w.lead.post(`${url}/circulate`, {})).json().current;
      const seen = { revision: 1, sha256: c.sha256 };
      // each principal also double-clicks: four requests in flight
      const results = await Promise.all([
        w.corePrincipal.post(`${url}/sign`, seen),
        w.memberPrincipal.post(`${url}/sign`, seen),
        w.corePrincipal.post(`${url}/sign`, seen),
        w.memberPrincipal.post(`${url}/sign`, seen),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 409, 409]);
      const final = (await w.lead.get(url)).json().current;
      expect(final.status).toBe('locked');
      expect(final.signers.filter((s: { status: string }) => s.status === 'signed')).toHaveLength(2);
      const rows = await t.ctx.db
        .selectFrom('meeting_minutes_signers')
        .select('id')
        .where('revision_id', '=', c.id)
        .execute();
      expect(rows).toHaveLength(2);
    }
  });
});
