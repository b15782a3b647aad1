import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildCommunity, buildSchool } from '../../test/factories.js';
import { pdfText } from '../../test/pdf-text.js';
import { meetingBody, meetingWorld } from './meetings.test-setup.js';

/** Issues 20 and 22: inviting missing principals, carry-over once, attendees, withdraw, agenda order, English texts. */
let t: TestApp;
let admin: Client;
let w: Awaited<ReturnType<typeof meetingWorld>>;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  w = await meetingWorld(t);
});
afterAll(() => t.close());

async function newMeeting(client: Client, communityId: number, o: Record<string, unknown> = {}) {
  const res = await client.post('/api/v1/meetings', meetingBody(communityId, o));
  expect(res.statusCode).toBe(201);
  return res.json();
}
const auditActions = async (entity: string) =>
  (await admin.get(`/api/v1/audit-log?entity=${entity}&pageSize=200`))
    .json()
    .items.map((e: { action: string }) => e.action);

describe('circulation with a school that has no principal account (issue 20)', () => {
  it('lists the school, lets the lead invite its principal with a one-time password, and then circulates', async () => {
    const orphan = await buildSchool(t.ctx.db, { name: '丁桥小学', principal_name: '沈校长', phone: '0573-87000000' });
    const c = await buildCommunity(
      t.ctx.db,
      [
        { schoolId: w.core.id, role: 'core' },
        { schoolId: orphan.id, role: 'member' },
      ],
      { name: '丁桥教共体' },
    );
    const m = await newMeeting(admin, c.id, { title: '邀请校长测试' });
    const url = `/api/v1/meetings/${m.id}`;
    await admin.patch(`${url}/minutes`, { body: '议定：共建书香校园。' });

    const blocked = await admin.post(`${url}/minutes/circulate`, {});
    expect(blocked.statusCode).toBe(422);

    // the flow lists who can sign and who cannot
    const principals = await admin.get(`${url}/principals`);
    expect(principals.statusCode).toBe(200);
    expect(principals.json()).toEqual([
      expect.objectContaining({
        schoolId: w.core.id,
        principal: expect.objectContaining({ userId: w.users.corePrincipal.id }),
      }),
      expect.objectContaining({ schoolId: orphan.id, principal: null, suggestedName: '沈校长' }),
    ]);
    expect((await w.memberPrincipal.get(`${url}/principals`)).statusCode).toBe(403);

    // only a manager invites, only for a member school, with a mobile number
    const invite = { schoolId: orphan.id, displayName: '沈校长', phone: '13800001111' };
    expect((await w.corePrincipal.post(`${url}/principals`, invite)).statusCode).toBe(403);
    expect((await admin.post(`${url}/principals`, { ...invite, phone: '12345' })).statusCode).toBe(400);
    expect((await admin.post(`${url}/principals`, { ...invite, schoolId: w.other.id })).statusCode).toBe(422);
    expect((await admin.post(`${url}/principals`, { ...invite, schoolId: w.core.id })).statusCode).toBe(409);

    const made = await admin.post(`${url}/principals`, invite);
    expect(made.statusCode).toBe(201);
    const account = made.json();
    expect(account).toMatchObject({ schoolId: orphan.id, username: '13800001111', displayName: '沈校长' });
    expect(account.oneTimePassword).toMatch(/^\S{12,}$/);
    // shown once: nothing else returns it
    expect(JSON.stringify((await admin.get(`${url}/principals`)).json())).not.toContain(account.oneTimePassword);
    expect((await admin.post(`${url}/principals`, invite)).statusCode).toBe(409);
    expect(await auditActions('user')).toContain('create');

    // circulation now includes the invited principal
    const circ = await admin.post(`${url}/minutes/circulate`, {});
    expect(circ.statusCode).toBe(200);
    const cur = circ.json().current;
    expect(cur.signers.map((s: { schoolId: number; userId: number }) => [s.schoolId, s.userId])).toEqual([
      [w.core.id, w.users.corePrincipal.id],
      [orphan.id, account.userId],
    ]);

    // the new principal must choose a password first, then signs
    const invited = await login(t.app, '13800001111', account.oneTimePassword);
    expect((await invited.get('/api/v1/auth/me')).json().mustChangePassword).toBe(true);
    expect((await invited.post(`${url}/minutes/sign`, { revision: 1, sha256: cur.sha256 })).statusCode).toBe(403);
    expect(
      (
        await invited.post('/api/v1/auth/password', {
          currentPassword: account.oneTimePassword,
          newPassword: 'shen-own-password-1',
        })
      ).statusCode,
    ).toBe(204);
    expect((await invited.post(`${url}/minutes/sign`, { revision: 1, sha256: cur.sha256 })).statusCode).toBe(200);
    const done = await w.corePrincipal.post(`${url}/minutes/sign`, { revision: 1, sha256: cur.sha256 });
    expect(done.json().current.status).toBe('locked');
  });
});

describe('carry-over (issue 20)', () => {
  it('puts each open item on an agenda once, whatever regenerates the agenda, and not again when it was handled', async () => {
    const c = await buildCommunity(t.ctx.db, [{ schoolId: w.core.id, role: 'core' }], { name: '结转去重教共体' });
    const a = await newMeeting(admin, c.id, { title: '三月会议', startsAt: '2026-03-01T02:00:00Z' });
    const item = (
      await admin.post(`/api/v1/meetings/${a.id}/action-items`, {
        title: '共建科学实验室',
        ownerKind: 'school',
        ownerSchoolId: w.core.id,
        dueDate: '2026-06-30',
      })
    ).json();
    const b = await newMeeting(admin, c.id, { title: '九月会议', startsAt: '2026-09-01T02:00:00Z' });
    const carried = (x: { agenda: { carriedActionItem: { id: number } | null }[] }) =>
      x.agenda.filter((g) => g.carriedActionItem?.id === item.id);
    expect(carried(b)).toHaveLength(1);

    // pressing 结转 twice at once (a double click) neither fails nor doubles
    const both = await Promise.all([
      admin.post(`/api/v1/meetings/${b.id}/agenda/carry-over`),
      admin.post(`/api/v1/meetings/${b.id}/agenda/carry-over`),
    ]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(carried((await admin.get(`/api/v1/meetings/${b.id}`)).json())).toHaveLength(1);

    // the item reported at September's meeting is carried to December's once, not once per earlier agenda
    const d = await newMeeting(admin, c.id, { title: '十二月会议', startsAt: '2026-12-01T02:00:00Z' });
    expect(carried(d)).toHaveLength(1);
    expect((await admin.post(`/api/v1/meetings/${d.id}/agenda/carry-over`)).json()).toHaveLength(d.agenda.length);

    // the lead took the carried item off December's agenda: regenerating does not bring it back
    const onD = carried(d)[0] as unknown as { id: number };
    expect((await admin.delete(`/api/v1/meetings/${d.id}/agenda/${onD.id}`)).statusCode).toBe(204);
    await admin.post(`/api/v1/meetings/${d.id}/agenda/carry-over`);
    expect(carried((await admin.get(`/api/v1/meetings/${d.id}`)).json())).toHaveLength(0);
  });
});

describe('attendees (issue 20)', () => {
  it('pre-fills every member school principal as an attendee when the meeting is created, editable, and the PDF lists them', async () => {
    await t.ctx.db.updateTable('schools').set({ principal_name: '陆建国' }).where('id', '=', w.core.id).execute();
    const m = await newMeeting(w.lead, w.community.id, { title: '参会预填测试' });
    expect(
      m.attendees.map((a: { category: string; personName: string; schoolId: number; position: string }) => [
        a.category,
        a.personName,
        a.schoolId,
        a.position,
      ]),
    ).toEqual([
      ['attendee', '陆建国', w.core.id, '校长'],
      ['attendee', w.users.memberPrincipal.display_name, w.member.id, '校长'],
    ]);
    const second = m.attendees[1];
    expect((await w.lead.delete(`/api/v1/meetings/${m.id}/attendees/${second.id}`)).statusCode).toBe(204);
    const pdf = await w.lead.get(`/api/v1/meetings/${m.id}/export.pdf`);
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, '');
    expect(text).toContain('陆建国');
    expect(text).not.toContain('未登记');
  });
});

describe('withdrawing circulating minutes (issue 22)', () => {
  it('voids the signatures so far, keeps them in the history, tells the signers, and needs a fresh round', async () => {
    const m = await newMeeting(w.lead, w.community.id, { title: '撤回测试' });
    const url = `/api/v1/meetings/${m.id}/minutes`;
    await w.lead.patch(url, { body: '议定：秋季运动会联合举办。' });
    const c1 = (await w.lead.post(`${url}/circulate`, {})).json().current;
    expect((await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c1.sha256 })).statusCode).toBe(200);

    expect((await w.corePrincipal.post(`${url}/withdraw`, {})).statusCode).toBe(403);
    const res = await w.lead.post(`${url}/withdraw`, { sha256: c1.sha256 });
    expect(res.statusCode).toBe(200);
    const back = res.json().current;
    expect(back.status).toBe('draft');
    const round1 = back.signers.filter((s: { round: number }) => s.round === 1);
    expect(
      round1.map((s: { schoolId: number; status: string; sha256: string | null }) => [s.schoolId, s.status, s.sha256]),
    ).toEqual([
      [w.core.id, 'void', c1.sha256],
      [w.member.id, 'void', null],
    ]);
    expect((await w.lead.post(`${url}/withdraw`, {})).statusCode).toBe(409);
    expect(await auditActions('meeting_minutes')).toContain('withdraw');

    // both signers hear of it, in both languages
    for (const p of [w.corePrincipal, w.memberPrincipal]) {
      const items = (await p.get('/api/v1/notifications')).json().items;
      expect(items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ title: '会议纪要已撤回', titleEn: 'Minutes withdrawn', link: `/meetings/${m.id}` }),
        ]),
      );
    }

    // editable again; the next circulation is round 2 and the old signature does not count
    await w.lead.patch(url, { body: '议定：秋季运动会于11月联合举办。', baseSha256: back.sha256 });
    const c2 = (await w.lead.post(`${url}/circulate`, {})).json().current;
    expect(c2).toMatchObject({ status: 'circulated', round: 2 });
    const after = (await w.memberPrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 })).json().current;
    expect(after.status).toBe('circulated');
    const locked = (await w.corePrincipal.post(`${url}/sign`, { revision: 1, sha256: c2.sha256 })).json().current;
    expect(locked.status).toBe('locked');
  });
});

describe('agenda order (issue 22)', () => {
  it('moves agenda items, keeps the order, and the PDF follows it', async () => {
    const m = await newMeeting(w.lead, w.community.id, { title: '议程排序测试' });
    const ids: number[] = [];
    for (const topic of ['议题甲', '议题乙', '议题丙'])
      ids.push((await w.lead.post(`/api/v1/meetings/${m.id}/agenda`, { topic })).json().id);
    const order = `/api/v1/meetings/${m.id}/agenda/order`;
    expect((await w.memberPrincipal.post(order, { itemIds: [ids[2], ids[0], ids[1]] })).statusCode).toBe(403);
    expect((await w.lead.post(order, { itemIds: [ids[2], ids[0]] })).statusCode).toBe(422);
    const res = await w.lead.post(order, { itemIds: [ids[2], ids[0], ids[1]] });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((a: { topic: string; position: number }) => [a.position, a.topic])).toEqual([
      [1, '议题丙'],
      [2, '议题甲'],
      [3, '议题乙'],
    ]);
    const detail = (await w.lead.get(`/api/v1/meetings/${m.id}`)).json();
    expect(detail.agenda.map((a: { topic: string }) => a.topic)).toEqual(['议题丙', '议题甲', '议题乙']);
    const text = (await pdfText((await w.lead.get(`/api/v1/meetings/${m.id}/export.pdf`)).rawPayload)).replace(
      /\s+/g,
      '',
    );
    expect(text.indexOf('1.议题丙')).toBeGreaterThan(-1);
    expect(text.indexOf('议题丙')).toBeLessThan(text.indexOf('议题甲'));
    expect(await auditActions('meeting')).toContain('reorder_agenda');

    // frozen once the minutes circulate
    await w.lead.patch(`/api/v1/meetings/${m.id}/minutes`, { body: '纪要' });
    await w.lead.post(`/api/v1/meetings/${m.id}/minutes/circulate`, {});
    expect((await w.lead.post(order, { itemIds: ids })).statusCode).toBe(409);
  });
});

describe('English texts the server writes (issue 20)', () => {
  it('gives a carried-over agenda item and its proposer in English too', async () => {
    const c = await buildCommunity(t.ctx.db, [{ schoolId: w.core.id, role: 'core' }], { name: '英文结转教共体' });
    const a = await newMeeting(admin, c.id, { title: '春季', startsAt: '2026-03-01T02:00:00Z' });
    await admin.post(`/api/v1/meetings/${a.id}/action-items`, {
      title: '共建创客空间',
      ownerKind: 'person',
      ownerName: '钱老师',
      dueDate: '2026-06-30',
    });
    const b = await newMeeting(admin, c.id, { title: '秋季', startsAt: '2026-09-01T02:00:00Z' });
    expect(b.agenda[0]).toMatchObject({
      topic: expect.stringContaining('上次会议事项落实情况'),
      topicEn: 'Follow-up of the last meeting: 共建创客空间 (owner: 钱老师; due 2026-06-30)',
      proposerName: '系统（自动结转）',
      proposerNameEn: 'System (carried over)',
    });
  });
});
