import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_TEST_PASSWORD, login, type TestApp } from '../test/harness.js';
import { DEMO_COUNTY } from './demo.generator.js';
import { seedDemo, type DemoSummary } from './demo.service.js';

describe('seedDemo', () => {
  let t: TestApp;
  let summary: DemoSummary;

  beforeAll(async () => {
    t = await createTestApp(); // fresh database, migrated, regions loaded
    summary = await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
  });
  afterAll(() => t.close());

  it('writes what it reports', async () => {
    const count = async (
      table:
        'schools' | 'teachers' | 'communities' | 'community_memberships' | 'leadership_members' | 'school_year_stats',
    ) =>
      (
        await t.ctx.db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await count('schools')).toBe(summary.schools);
    expect(await count('teachers')).toBe(summary.teachers);
    expect(await count('communities')).toBe(summary.communities);
    expect(await count('community_memberships')).toBe(summary.memberships);
    expect(await count('leadership_members')).toBe(summary.leadership);
    expect(await count('school_year_stats')).toBe(summary.stats);
    expect(summary.schools).toBeGreaterThanOrEqual(40);
    expect(summary.teachers).toBeGreaterThan(1200);
    expect(summary.communities).toBeGreaterThanOrEqual(12);
    expect(summary.stats).toBe(summary.schools * 3);
    expect(summary.users).toBe(6);
  });

  it('links rows by id and loads the townships', async () => {
    const tps = await t.ctx.db
      .selectFrom('schools as s')
      .innerJoin('schools as p', 'p.id', 's.parent_school_id')
      .select(['s.name', 'p.name as parent'])
      .where('s.is_teaching_point', '=', true)
      .execute();
    expect(tps.length).toBeGreaterThanOrEqual(2);
    const townships = await t.ctx.db
      .selectFrom('regions')
      .select('code')
      .where('parent_code', '=', DEMO_COUNTY)
      .execute();
    expect(townships.length).toBeGreaterThanOrEqual(10);
    const leaders = await t.ctx.db
      .selectFrom('leadership_members')
      .select(['teacher_id', 'school_id'])
      .where('role', '=', 'leader')
      .execute();
    expect(leaders.length).toBe(summary.communities);
    for (const l of leaders) {
      expect(l.teacher_id).not.toBeNull();
      expect(l.school_id).not.toBeNull();
    }
    const t1 = await t.ctx.db
      .selectFrom('teachers')
      .select(['subjects', 'honours', 'posts'])
      .where('posts', '@>', sql<string[]>`array['principal']::text[]`)
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Array.isArray(t1.subjects)).toBe(true);
    const stats = await t.ctx.db
      .selectFrom('school_year_stats')
      .select(['students_by_grade', 'students_total'])
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Object.values(stats.students_by_grade).reduce((a, b) => a + b, 0)).toBe(stats.students_total);
  });

  it('creates demo accounts that can sign in within their scope', async () => {
    const users = await t.ctx.db
      .selectFrom('users')
      .select(['username', 'role', 'scope_kind', 'scope_id', 'teacher_id'])
      .where('username', '!=', 'admin')
      .orderBy('id')
      .execute();
    expect(users.map((u) => u.username)).toEqual(['bureau', 'assessor', 'lead', 'principal', 'teacher', 'viewer']);
    const teacher = users.find((u) => u.username === 'teacher');
    const principal = users.find((u) => u.username === 'principal');
    expect(teacher?.scope_id).toBe(principal?.scope_id);
    const row = await t.ctx.db
      .selectFrom('teachers')
      .select('school_id')
      .where('id', '=', teacher?.teacher_id ?? 0)
      .executeTakeFirstOrThrow();
    expect(String(row.school_id)).toBe(teacher?.scope_id);
    const lead = users.find((u) => u.username === 'lead');
    const member = await t.ctx.db
      .selectFrom('community_memberships')
      .select('id')
      .where('community_id', '=', Number(lead?.scope_id))
      .where('school_id', '=', Number(principal?.scope_id))
      .where('role', '=', 'member')
      .executeTakeFirst();
    expect(member).toBeDefined();

    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const res = await bureau.get('/api/v1/schools?page=1&pageSize=5');
    expect(res.statusCode).toBe(200);
    // Haining's schools (plus, depending on scope rules, the Yunhe partners of its cross-region community)
    expect(res.json().total).toBeGreaterThanOrEqual(40);
    expect(res.json().total).toBeLessThanOrEqual(summary.schools);
    await login(t.app, 'teacher', DEMO_TEST_PASSWORD);
  });

  it('refuses to load twice', async () => {
    await expect(seedDemo(t.ctx.dbh, {})).rejects.toThrow(/already present/);
  });
});
