import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, USER_PASSWORD } from '../src/server/test/factories.js';
import { startE2E, type E2E } from './harness.js';

/**
 * Settings that had only an API get a screen: a county bureau edits its exchange cycle rule and its
 * regional settings and sees them saved; a viewer of the same county reads them without a form.
 */
let e: E2E;
let ruleId: number;
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 200 });

beforeAll(async () => {
  e = await startE2E({
    seed: async (ctx) => {
      await buildSchool(ctx.db, { name: '海宁市设置测试小学', location_class: 'urban' });
      const rule = await ctx.db
        .insertInto('exchange_rules')
        .values({
          region_code: HAINING,
          name: '海宁市交流轮岗规则',
          kinds: ['rotation'],
          cycle_years: 6,
          cycle_start_year: 2024,
          male_max_age: 55,
          female_max_age: 50,
          location_classes: ['urban', 'town'],
          is_active: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ruleId = rule.id;
      await buildUser(ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'bureau_settings' });
      await buildUser(ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'viewer_settings' });
    },
  });
});
afterAll(async () => {
  await e?.close();
});

describe('exchange settings', () => {
  it('a bureau edits its cycle rule and its regional settings and sees them saved', async () => {
    const { page } = e;
    await e.login('bureau_settings', USER_PASSWORD);
    await page.goto('/exchange');
    await page.getByTestId('exchange-tab-settings').click();
    await page.waitForURL((u) => u.pathname === '/exchange/settings');
    const table = page.getByTestId('rules-table');
    await poll(() => table.textContent()).toContain('海宁市交流轮岗规则');
    await page.getByTestId(`rule-edit-${ruleId}`).click();
    const name = page.getByTestId('rule-name');
    await name.fill('海宁市交流轮岗规则（2026修订）');
    const years = page.getByTestId('rule-cycle-years');
    await years.fill('5');
    await page.getByTestId('rule-form-submit').click();
    await poll(() => table.textContent()).toContain('海宁市交流轮岗规则（2026修订）');
    await poll(() => table.textContent()).toContain('每 5 年一轮');
    const saved = await e.ctx.db
      .selectFrom('exchange_rules')
      .select(['name', 'cycle_years'])
      .where('id', '=', ruleId)
      .executeTakeFirstOrThrow();
    expect(saved).toEqual({ name: '海宁市交流轮岗规则（2026修订）', cycle_years: 5 });
    expect(
      await e.ctx.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity', '=', 'exchange_rule')
        .where('action', '=', 'update')
        .execute(),
    ).toHaveLength(1);

    // regional settings: the defaults until the bureau sets its own
    const settings = page.getByTestId('region-settings');
    await poll(() => settings.textContent()).toContain('系统默认');
    await page.getByTestId('region-settings-edit').click();
    await page.getByTestId('settings-observations').fill('3');
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-observations-value').textContent()).toBe('3');
    await poll(() => settings.textContent()).toContain('本地区设置');
    await e.screenshot('settings-exchange');
  });

  it('a viewer reads the rules and settings without a form', async () => {
    const { page } = e;
    await e.context.clearCookies();
    await e.login('viewer_settings', USER_PASSWORD);
    await page.goto('/exchange/settings');
    await poll(() => page.getByTestId('rules-table').textContent()).toContain('海宁市交流轮岗规则（2026修订）');
    await poll(() => page.getByTestId('settings-observations-value').textContent()).toBe('3');
    expect(await page.getByTestId('rule-create').count()).toBe(0);
    expect(await page.getByTestId(`rule-edit-${ruleId}`).count()).toBe(0);
    expect(await page.getByTestId('region-settings-edit').count()).toBe(0);
  });
});
