import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.js';
import { buildCommunity, buildSchool, buildUser, USER_PASSWORD } from '../src/server/test/factories.js';

/**
 * A joint meeting from agenda to locked minutes in the browser: the community lead schedules it,
 * proposes a topic and writes the minutes; one principal signs, the other returns them with a
 * comment; the lead revises and circulates again; both principals sign and the minutes lock.
 */
let e: E2E;
let ids: { communityId: number; community2Id: number; orphanId: number };
const users = { lead: 'e2e-lead', a: 'e2e-principal-a', b: 'e2e-principal-b', lead2: 'e2e-lead-2' };

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const core = await buildSchool(ctx.db, { name: '海宁市硖石实验小学' });
      const member = await buildSchool(ctx.db, {
        name: '海宁市周王庙镇小学',
        location_class: 'rural',
        quality_tier: 'weak',
      });
      const c = await buildCommunity(
        ctx.db,
        [
          { schoolId: core.id, role: 'core' },
          { schoolId: member.id, role: 'member' },
        ],
        { name: '硖石—周王庙教共体' },
      );
      await buildUser(ctx.db, 'community_lead', { kind: 'community', id: c.id }, { username: users.lead });
      await buildUser(ctx.db, 'school_admin', { kind: 'school', id: core.id }, { username: users.a });
      await buildUser(ctx.db, 'school_admin', { kind: 'school', id: member.id }, { username: users.b });
      // a second community whose member school has no principal account yet (issue 20)
      const orphan = await buildSchool(ctx.db, { name: '海宁市丁桥镇小学', principal_name: '沈建华' });
      const c2 = await buildCommunity(
        ctx.db,
        [
          { schoolId: core.id, role: 'core' },
          { schoolId: orphan.id, role: 'member' },
        ],
        { name: '硖石—丁桥教共体' },
      );
      await buildUser(ctx.db, 'community_lead', { kind: 'community', id: c2.id }, { username: users.lead2 });
      ids = { communityId: c.id, community2Id: c2.id, orphanId: orphan.id };
    },
  });
});
afterAll(() => e?.close());

/** The machine running CI is shared and slow at times: wait generously for the UI to settle. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

async function as(username: string) {
  await e.context.clearCookies();
  await e.login(username, USER_PASSWORD);
}
async function confirmPop(page: Page) {
  await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
}
/** Schedules a meeting through the form (the time typed on the Beijing clock); returns its page's path. */
async function scheduleMeeting(page: Page, communityId: number, title: string, startsAt: string, place: string) {
  await page.goto(`/meetings?communityId=${communityId}`);
  await page.getByTestId('meeting-create').click();
  await page.getByTestId('meeting-title').fill(title);
  const starts = page.getByTestId('meeting-starts');
  await starts.click();
  await starts.fill(startsAt);
  await starts.press('Enter');
  await page.getByTestId('meeting-place').fill(place);
  await page.getByTestId('meeting-form-submit').click();
  await page.waitForURL(/\/meetings\/\d+$/);
  const meetingUrl = new URL(page.url()).pathname;
  await poll(() => page.getByTestId('meeting-heading').textContent()).toBe(title);
  return meetingUrl;
}
async function openMinutes(page: Page, meetingUrl: string) {
  await page.goto(meetingUrl);
  await page.getByTestId('tab-minutes').click();
}

describe('meetings in the browser', () => {
  it('walks a meeting from agenda to locked minutes with two principals', async () => {
    const page = e.page;
    await as(users.lead);
    const meetingUrl = await scheduleMeeting(
      page,
      ids.communityId,
      '2026年秋季学期联席会议',
      '2026-11-20 14:30',
      '硖石实验小学会议室',
    );

    // agenda
    await page.getByTestId('agenda-topic').fill('审议英语走教安排');
    await page.getByTestId('agenda-add').click();
    await poll(() => page.getByTestId('agenda-table').textContent()).toContain('审议英语走教安排');
    // the toast says what happened, not a bare 已保存
    await poll(() => page.locator('.ant-message-success').allTextContents()).toContain('已添加议程');

    // minutes: draft and circulate
    await page.getByTestId('tab-minutes').click();
    await page.getByTestId('minutes-editor').fill('# 会议纪要\n一、**同意**英语教师每周五到周王庙镇小学走教。');
    await page.getByTestId('minutes-save').click();
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('草稿');
    await page.getByTestId('minutes-circulate').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('会签中');
    await poll(() => page.locator('.ant-message-success').allTextContents()).toContain('已发起传阅会签');
    await e.screenshot('meetings-circulated');

    // principal A signs
    await as(users.a);
    await openMinutes(page, meetingUrl);
    await page.getByTestId('minutes-sign').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('signers-table').textContent()).toContain('已签');
    await poll(() => page.locator('.ant-message-success').allTextContents()).toContain('已签署');

    // principal B returns with a comment
    await as(users.b);
    await openMinutes(page, meetingUrl);
    await page.getByTestId('minutes-return').click();
    await page.getByTestId('return-comment').fill('请写明走教从12月开始');
    await page.getByTestId('return-submit').click();
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('草稿');

    // the lead sees the comment, revises and circulates again
    await as(users.lead);
    await openMinutes(page, meetingUrl);
    await poll(() => page.getByTestId('minutes-returned').textContent()).toContain('请写明走教从12月开始');
    await page.getByTestId('minutes-editor').fill('# 会议纪要\n一、**同意**英语教师自12月起每周五到周王庙镇小学走教。');
    await page.getByTestId('minutes-save').click();
    await poll(async () => page.getByTestId('minutes-circulate').isEnabled()).toBe(true);
    await page.getByTestId('minutes-circulate').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('会签中');

    // both sign the revised text; the minutes lock
    for (const u of [users.a, users.b]) {
      await as(u);
      await openMinutes(page, meetingUrl);
      await page.getByTestId('minutes-sign').click();
      await confirmPop(page);
      await poll(async () => page.getByTestId('minutes-sign').count()).toBe(0);
    }
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('已会签锁定');
    await poll(() => page.getByTestId('minutes-view').textContent()).toContain('自12月起');
    await e.screenshot('meetings-locked');

    // the lead can no longer edit; the record exports
    await as(users.lead);
    await openMinutes(page, meetingUrl);
    // wait for the locked minutes to render before asking what they offer: count() does not wait
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('已会签锁定');
    await poll(() => page.getByTestId('minutes-new-revision').count()).toBe(1);
    expect(await page.getByTestId('minutes-editor').count()).toBe(0);
    const pdf = await page.request.get(`/api/v1${meetingUrl}/export.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
  });

  it('minutes from draft to locked with every principal signing, a principal invited from the flow', async () => {
    const page = e.page;
    await as(users.lead2);
    const meetingUrl = await scheduleMeeting(
      page,
      ids.community2Id,
      '丁桥结对联席会议',
      '2026-11-25 14:00',
      '丁桥镇小学会议室',
    );
    // the time typed is Beijing time, whatever the device's zone (this browser runs in UTC)
    expect(await page.getByTestId('meeting-starts-at').textContent()).toBe('2026-11-25 14:00');

    // agenda: two topics, the second moved to the top
    for (const topic of ['审议科学走教安排', '通报读书节筹备']) {
      await page.getByTestId('agenda-topic').fill(topic);
      await page.getByTestId('agenda-add').click();
      await poll(() => page.getByTestId('agenda-table').textContent()).toContain(topic);
    }
    await page.locator('[data-testid^="agenda-up-"]:not([disabled])').first().click();
    await poll(
      async () => (await page.getByTestId('agenda-table').locator('tbody tr').first().textContent()) ?? '',
    ).toContain('通报读书节筹备');

    // 参会人员 came pre-filled with the principals the registry knows
    await page.getByTestId('tab-attendees').click();
    await poll(() => page.locator('body').textContent()).toContain('沈建华');

    // minutes: the orphan school blocks circulation; the lead opens its principal account from here
    await page.getByTestId('tab-minutes').click();
    await page.getByTestId('minutes-editor').fill('# 会议纪要\n一、**同意**科学教师每周三到丁桥镇小学走教。');
    await page.getByTestId('minutes-save').click();
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('草稿');
    await poll(() => page.getByTestId('missing-principals').textContent()).toContain('海宁市丁桥镇小学');
    await page.getByTestId(`invite-principal-${ids.orphanId}`).click();
    await poll(() => page.getByTestId('invite-name').inputValue()).toBe('沈建华');
    await page.getByTestId('invite-phone').fill('13900002222');
    await page.getByTestId('invite-submit').click();
    await poll(() => page.getByTestId('invited-username').textContent()).toContain('13900002222');
    const oneTime = ((await page.getByTestId('invited-password').textContent()) ?? '').trim();
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    await e.screenshot('meetings-principal-invited');
    await page.getByTestId('invited-close').click();
    await poll(async () => page.getByTestId('missing-principals').count()).toBe(0);

    await page.getByTestId('minutes-circulate').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('会签中');

    // principal A signs, then the lead withdraws: A's signature is void and the minutes are a draft again
    await as(users.a);
    await openMinutes(page, meetingUrl);
    await page.getByTestId('minutes-sign').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('signers-table').textContent()).toContain('已签');
    await as(users.lead2);
    await openMinutes(page, meetingUrl);
    await page.getByTestId('minutes-withdraw').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('草稿');
    await poll(() => page.getByTestId('signers-table').textContent()).toContain('已作废');
    await page.getByTestId('minutes-editor').fill('# 会议纪要\n一、**同意**科学教师自12月起每周三到丁桥镇小学走教。');
    await page.getByTestId('minutes-save').click();
    await poll(async () => page.getByTestId('minutes-circulate').isEnabled()).toBe(true);
    await page.getByTestId('minutes-circulate').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('会签中');

    // every principal signs, the invited one after choosing a password
    await as(users.a);
    await openMinutes(page, meetingUrl);
    await page.getByTestId('minutes-sign').click();
    await confirmPop(page);
    await poll(async () => page.getByTestId('minutes-sign').count()).toBe(0);

    await e.context.clearCookies();
    await e.login('13900002222', oneTime);
    await page.getByTestId('forced-current').fill(oneTime);
    await page.getByTestId('forced-new').fill('shen-jianhua-2026');
    await page.getByTestId('forced-confirm').fill('shen-jianhua-2026');
    await page.getByTestId('forced-submit').click();
    await poll(async () => page.getByTestId('forced-password').count()).toBe(0);
    await openMinutes(page, meetingUrl);
    await page.getByTestId('minutes-sign').click();
    await confirmPop(page);
    await poll(() => page.getByTestId('minutes-status').textContent()).toBe('已会签锁定');
    await poll(() => page.getByTestId('minutes-view').textContent()).toContain('自12月起');
    await e.screenshot('meetings-invited-locked');
  });
});
