import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  USER_PASSWORD,
} from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * The assessment walk-through: the bureau builds a two-dimension scheme in the builder (a computed
 * indicator with its formula checked and previewed, a rubric indicator), opens it; the community
 * lead self-assesses, the assigned assessor scores, the bureau publishes and reads the explanation.
 */
let e: E2E;
let communityId = 0;
let assessorId = 0;

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      const core = await buildSchool(ctx.db, { name: '海宁市实验小学', location_class: 'urban' });
      const rural = await buildSchool(ctx.db, {
        name: '黄湾镇中心小学',
        location_class: 'rural',
        quality_tier: 'weak',
      });
      await buildTeacher(ctx.db, core.id, { honours: ['famous_city'] });
      await buildTeacher(ctx.db, rural.id);
      const c = await buildCommunity(
        ctx.db,
        [
          { schoolId: core.id, role: 'core' },
          { schoolId: rural.id, role: 'member' },
        ],
        { name: '实验小学教共体' },
      );
      communityId = c.id;
      // an activity of the community in the assessed school year (2025), to pick as evidence
      await ctx.db
        .insertInto('activities')
        .values({
          community_id: c.id,
          organizer_school_id: core.id,
          kind: 'research',
          title: '城乡联合教研',
          starts_at: '2025-11-12T02:00:00Z',
          ends_at: '2025-11-12T04:00:00Z',
          semester: '2025-2026-1',
          details: '{}',
          teacher_count: 0,
          student_count: 0,
        })
        .execute();
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'e2e-bureau' });
      await buildUser(ctx.db, 'community_lead', { kind: 'community', id: c.id }, { username: 'e2e-lead' });
      assessorId = (await buildUser(ctx.db, 'assessor', { kind: 'region', id: HAINING }, { username: 'e2e-assessor' }))
        .id;
    },
  });
});
afterAll(async () => {
  await e?.close();
});

async function fill(page: Page, testId: string, value: string) {
  const el = page.getByTestId(testId);
  const isInput = await el.evaluate((x) => x.tagName === 'INPUT' || x.tagName === 'TEXTAREA');
  await (isInput ? el : el.locator('input').first()).fill(value);
}
async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option })
    .first()
    .click();
}
/**
 * A server-searched picker: waits until no other list is open (one fading out covers the fields
 * below it), types the option's text so the server is asked for it, and picks it once it is listed.
 * A picker re-mounted meanwhile (the record type changed) closes its list: it is opened again.
 */
async function pickRemote(page: Page, testId: string, option: string) {
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden):visible');
  await expect.poll(() => open.count(), { timeout: 90_000 }).toBe(0);
  const listed = open.locator('.ant-select-item-option', { hasText: option });
  await expect
    .poll(
      async () => {
        if (await listed.count()) return true;
        if (!(await open.count())) {
          await page.getByTestId(testId).click();
          await page.keyboard.type(option.slice(0, 4));
        }
        return false;
      },
      { timeout: 90_000, interval: 500 },
    )
    .toBe(true);
  await listed.first().click();
}
async function confirm(page: Page) {
  await page.locator('.ant-popconfirm:not(.ant-popover-hidden) .ant-btn-primary').click();
}
async function signInAs(username: string) {
  await e.context.clearCookies();
  await e.login(username, USER_PASSWORD);
}
async function openEvaluation(page: Page) {
  await page.goto('/assessment');
  await page.getByTestId('evaluation-table').getByText('实验小学教共体').click();
  await page.waitForURL(/\/assessment\/evaluations\/\d+/);
}

describe('assessment in the browser', () => {
  it('builds a two-dimension scheme with a checked formula and a rubric', async () => {
    const { page } = e;
    await signInAs('e2e-bureau');
    await page.goto('/assessment/schemes/new');
    await fill(page, 'scheme-name', '海宁市 2025 学年教共体考核');
    await fill(page, 'scheme-year', '2025');
    await expect.poll(() => page.getByTestId('scheme-region').inputValue()).toBe(HAINING);

    await page.getByTestId('add-dimension').click();
    await fill(page, 'dimension-name-0', '师资联培');
    await fill(page, 'dimension-weight-0', '60');
    await page.getByTestId('add-indicator-0').click();
    await fill(page, 'indicator-name', '名师数');
    await fill(page, 'indicator-points', '60');
    // an unguarded division is refused with the reason, then fixed
    await fill(page, 'indicator-formula', 'master_teachers / member_schools');
    await expect
      .poll(() => page.getByTestId('formula-issues').textContent(), { timeout: 90_000 })
      .toContain('除数可能为零');
    await fill(page, 'indicator-formula', 'master_teachers');
    await fill(page, 'rule-target', '2');
    await expect
      .poll(() => page.getByTestId('formula-preview').textContent(), { timeout: 90_000 })
      .toContain('实验小学教共体');
    await e.screenshot('assessment-formula-preview');
    await page.getByTestId('indicator-save').click();

    await page.getByTestId('add-dimension').click();
    await fill(page, 'dimension-name-1', '管理贯通');
    await fill(page, 'dimension-weight-1', '40');
    await page.getByTestId('add-indicator-1').click();
    await pick(page, 'indicator-kind', '评分细则');
    await fill(page, 'indicator-name', '章程与计划');
    await fill(page, 'indicator-points', '40');
    await page.getByTestId('level-add').click();
    await fill(page, 'level-label-0', '优秀');
    await fill(page, 'level-points-0', '40');
    await page.getByTestId('level-add').click();
    await fill(page, 'level-label-1', '良好');
    await fill(page, 'level-points-1', '30');
    await page.getByTestId('indicator-save').click();

    await expect.poll(() => page.getByTestId('weight-sum').textContent()).toContain('100');
    await page.getByTestId('scheme-save').click();
    await page.waitForURL(/\/assessment\/schemes\/\d+$/);
    await page.getByTestId('scheme-open').click();
    await confirm(page);
    await expect
      .poll(async () => (await e.ctx.db.selectFrom('assessment_evaluations').select('id').execute()).length)
      .toBe(1);
    const scheme = await e.ctx.db.selectFrom('assessment_schemes').select('id').executeTakeFirstOrThrow();
    await e.ctx.db
      .insertInto('assessment_assignments')
      .values({ scheme_id: scheme.id, community_id: communityId, assessor_user_id: assessorId })
      .execute();
    await e.screenshot('assessment-scheme');
  });

  it('lets the lead self-assess and the assessor score', async () => {
    const { page } = e;
    await signInAs('e2e-lead');
    await openEvaluation(page);
    await page.getByTestId('score-i2').click();
    await pick(page, 'score-level', '优秀');
    // evidence picked from the community's archive, not typed
    await page.getByTestId('archive-type').getByText('活动').click();
    await pickRemote(page, 'archive-select', '城乡联合教研');
    await expect
      .poll(() => page.getByTestId('evidence-record').textContent())
      .toContain('活动：城乡联合教研 (2025-11-12)');
    await page.getByTestId('score-save').click();
    await expect.poll(() => page.locator('.ant-modal:visible').count()).toBe(0);
    // saved: the modal opened again lists the link to the activity's page
    await page.getByTestId('score-i2').click();
    const record = page.getByTestId('evidence-record').locator('a');
    await expect.poll(() => record.textContent()).toBe('活动：城乡联合教研 (2025-11-12)');
    expect(await record.getAttribute('href')).toMatch(/^\/activities\/\d+$/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.ant-modal:visible').count()).toBe(0);
    await page.getByTestId('evaluation-submit').click();
    await confirm(page);
    await expect.poll(() => page.getByTestId('evaluation-status').textContent()).toContain('考核员评分');

    await signInAs('e2e-assessor');
    await openEvaluation(page);
    await page.getByTestId('score-i2').click();
    await pick(page, 'score-level', '良好');
    await fill(page, 'score-comment', '计划执行记录不全');
    await page.getByTestId('score-save').click();
    await page.getByTestId('evaluation-submit').click();
    await confirm(page);
    await expect.poll(() => page.getByTestId('evaluation-status').textContent()).toContain('待审核');
  });

  it('publishes and reads the explanation', async () => {
    const { page } = e;
    await signInAs('e2e-bureau');
    await openEvaluation(page);
    await page.getByTestId('evaluation-publish').click();
    await confirm(page);
    await expect.poll(() => page.getByTestId('evaluation-status').textContent()).toContain('已发布');
    const tree = page.getByTestId('explanation-tree');
    // 名师数: 1 master teacher of a target of 2 → 30 of 60; 章程与计划: 良好 30 → index 60
    await expect.poll(() => tree.textContent()).toContain('发展指数 60 分');
    const text = (await tree.textContent()) ?? '';
    expect(text).toContain('实际 1，目标 2，完成 50%，得 30 分');
    expect(text).toContain('考核员评定为“良好”，得 30 分');
    expect(text).toContain('计划执行记录不全');
    await e.screenshot('assessment-explanation');
  });

  it('shows the assessor the scheme to read, not a form titled 编辑考核方案', async () => {
    const { page } = e;
    await signInAs('e2e-assessor');
    const scheme = await e.ctx.db.selectFrom('assessment_schemes').select('id').executeTakeFirstOrThrow();
    await page.goto(`/assessment/schemes/${scheme.id}`);
    await page.getByTestId('scheme-name').waitFor();
    await expect.poll(() => page.locator('h4').first().textContent()).toBe('考核方案');
    expect(await page.locator('body').textContent()).not.toContain('编辑考核方案');
    expect(await page.getByTestId('scheme-save').count()).toBe(0);
    expect(await page.getByTestId('scheme-name').isDisabled()).toBe(true);
    await signInAs('e2e-bureau');
  });

  it('opens the results on the year just published, with the community named in full', async () => {
    const { page } = e;
    await page.goto('/assessment/results');
    const table = page.getByTestId('results-table');
    await expect.poll(() => table.textContent(), { timeout: 90_000 }).toContain('实验小学教共体');
    expect(await page.getByTestId('results-year').textContent()).toContain('2025');
    const cell = table.locator('td', { hasText: '实验小学教共体' }).first();
    expect((await cell.boundingBox())!.width).toBeGreaterThan(150);
  });

  it('explains a year-on-year change of more than 20 points: the previous year used another scheme version', async () => {
    const { page } = e;
    const db = e.ctx.db;
    const now = await db
      .selectFrom('assessment_results as r')
      .innerJoin('assessment_evaluations as ev', 'ev.id', 'r.evaluation_id')
      .innerJoin('assessment_schemes as s', 's.id', 'ev.scheme_id')
      .selectAll('r')
      .select(['s.region_code', 's.year'])
      .where('ev.community_id', '=', communityId)
      .orderBy('r.id', 'desc')
      .executeTakeFirstOrThrow();
    const previousTotal = now.total >= 30 ? now.total - 30 : now.total + 30;
    const scheme = await db
      .insertInto('assessment_schemes')
      .values({
        region_code: now.region_code,
        year: now.year - 1,
        name: '上一学年考核方案（旧版）',
        description: null,
        version: now.scheme_version + 2,
        definition: JSON.stringify(now.scheme_snapshot),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ev = await db
      .insertInto('assessment_evaluations')
      .values({
        scheme_id: scheme.id,
        community_id: communityId,
        status: 'published',
        revision: 1,
        total: previousTotal,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('assessment_results')
      .values({
        evaluation_id: ev.id,
        revision: 1,
        scheme_version: now.scheme_version + 2,
        scheme_snapshot: JSON.stringify(now.scheme_snapshot),
        total: previousTotal,
        // the previous year scored only the first dimension
        dimensions: JSON.stringify(now.dimensions.slice(0, 1)),
        schools: JSON.stringify(now.schools),
        explanation: JSON.stringify(now.explanation),
        series_values: JSON.stringify(now.series_values),
        published_by: null,
      })
      .execute();

    await page.goto('/assessment/results');
    const table = page.getByTestId('results-table');
    await expect.poll(() => table.textContent(), { timeout: 90_000 }).toContain(String(previousTotal));
    const hint = table.getByTestId(`yoy-hint-${now.evaluation_id}`);
    await hint.hover();
    const tip = page.locator('.ant-tooltip:not(.ant-tooltip-hidden)').first();
    await expect.poll(() => tip.textContent()).toContain('方案版本不同');
    const text = (await tip.textContent()) ?? '';
    expect(text).toContain(`第 ${now.scheme_version + 2} 版`);
    expect(text).toContain('上一学年考核方案（旧版）');
    expect(text).toContain(now.dimensions[1]!.name);
  });
});
