import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildTeacher, YUNHE } from '../../test/factories.js';

/**
 * A list's total is counted once per list, scope and filter and kept until a table under it is
 * written (db/totals.ts keptTotal): fifty people paging the same list pay for one count. A kept
 * total is planted here with a wrong figure to show when it is read and when it is not. The
 * instance's own memory of totals (GONGJIN_READ_CACHE_MS) is off here: it is tested in
 * registry.remembered-totals.test.ts.
 */
let t: TestApp;
let admin: Client;
let school: { id: number };
let community: { id: number };

const total = async (url: string) => {
  const res = await admin.get(url);
  expect(res.statusCode).toBe(200);
  return (res.json() as { total: number; totalExact: boolean }).total;
};
const plant = (figure: number) => sql`update list_totals set total = ${figure}`.execute(t.ctx.db);

beforeAll(async () => {
  t = await createTestApp({ env: { GONGJIN_READ_CACHE_MS: '0' } });
  admin = await loginAdmin(t.app);
  school = await buildSchool(t.ctx.db, { region_code: YUNHE, name: '云和县保留计数小学' });
  for (let i = 0; i < 3; i++) await buildTeacher(t.ctx.db, school.id, { name: `计数教师${i}` });
  community = await buildCommunity(t.ctx.db, [{ schoolId: school.id, role: 'core' }]);
});
afterAll(() => t.close());

describe('kept list totals', () => {
  it('teachers: a second page view reads the kept total; a new teacher makes it count again', async () => {
    const url = `/api/v1/teachers?schoolId=${school.id}&pageSize=1`;
    expect(await total(url)).toBe(3);
    await plant(99);
    expect(await total(url)).toBe(99); // kept, not counted again
    await buildTeacher(t.ctx.db, school.id, { name: '计数教师新' });
    expect(await total(url)).toBe(4); // the teachers table changed: counted again
  });

  it('a kept total beside its page: rows in the page’s order, none past the end, a search’s total kept too', async () => {
    const list = async (url: string) => {
      const res = await admin.get(url);
      expect(res.statusCode).toBe(200);
      return res.json() as { items: { name: string }[]; total: number };
    };
    const byName = `/api/v1/teachers?schoolId=${school.id}&sort=name&order=desc&pageSize=2`;
    const first = await list(byName); // counted and kept
    const again = await list(byName); // read with its kept total
    expect(again).toEqual(first);
    expect(first.items.map((x) => x.name)).toEqual(
      [...first.items.map((x) => x.name)].sort((a, b) => b.localeCompare(a, 'en')),
    );
    await plant(123);
    const kept = await list(byName);
    expect(kept.total).toBe(123);
    expect(kept.items).toEqual(first.items);
    const pastTheEnd = await list(`${byName}&page=40`);
    expect(pastTheEnd.items).toEqual([]);
    // a search (a statement planned for its term) keeps its total the same way
    const search = `/api/v1/teachers?schoolId=${school.id}&search=${encodeURIComponent('计数教师')}&pageSize=1`;
    const found = await list(search);
    expect(found.items).toHaveLength(1);
    await plant(55);
    expect((await list(search)).total).toBe(55);
  });

  it('a change to a table the scope reads (memberships) also counts again', async () => {
    const url = `/api/v1/schools?communityId=${community.id}`;
    expect(await total(url)).toBe(1);
    await plant(42);
    expect(await total(url)).toBe(42);
    const other = await buildSchool(t.ctx.db, { region_code: YUNHE, name: '云和县保留计数二小' });
    expect(await total(url)).toBe(1); // schools changed
    await plant(42);
    await t.ctx.db
      .insertInto('community_memberships')
      .values({ community_id: community.id, school_id: other.id, role: 'member', start_date: '2025-09-01' })
      .execute();
    expect(await total(url)).toBe(2);
  });

  it('activities by the summaries: kept until an activity is written', async () => {
    const url = `/api/v1/activities?communityId=${community.id}`;
    expect(await total(url)).toBe(0);
    await plant(7);
    expect(await total(url)).toBe(7);
    await t.ctx.db
      .insertInto('activities')
      .values({
        community_id: community.id,
        organizer_school_id: school.id,
        kind: 'research',
        title: '保留计数教研',
        description: null,
        starts_at: '2025-10-10T06:00:00Z',
        ends_at: '2025-10-10T08:00:00Z',
        semester: '2025-2026-1',
        teacher_count: 3,
        student_count: 0,
        details: '{}',
        created_by: null,
      })
      .execute();
    expect(await total(url)).toBe(1);
  });

  it('a kept total is trusted for a bounded time only', async () => {
    const url = `/api/v1/teachers?schoolId=${school.id}&pageSize=1`;
    await total(url);
    await sql`update list_totals set total = 77, computed_at = now() - interval '1 hour'`.execute(t.ctx.db);
    expect(await total(url)).toBe(4);
  });
});

describe('kept answers (db/kept.ts)', () => {
  it('activity statistics are sent as kept until an activity is written', async () => {
    const url = `/api/v1/activity-stats?groupBy=kind&communityId=${community.id}`;
    type Row = { kind: string; activities: number };
    const first = await admin.get(url);
    expect(first.statusCode, first.body).toBe(200);
    const lectures = (rows: Row[]) => rows.find((r) => r.kind === 'lecture')?.activities ?? 0;
    const before = lectures(first.json() as Row[]);
    const planted = [
      { kind: 'lecture', activities: 99, sessions: 99, teacherTimes: 0, studentTimes: 0, participantTimes: 0 },
    ];
    await sql`update kept_results set payload = ${JSON.stringify(planted)}`.execute(t.ctx.db);
    expect((await admin.get(url)).json()).toEqual(planted); // kept, not summed again
    await t.ctx.db
      .insertInto('activities')
      .values({
        community_id: community.id,
        organizer_school_id: school.id,
        kind: 'lecture',
        title: '保留统计讲座',
        description: null,
        starts_at: '2025-10-11T06:00:00Z',
        ends_at: '2025-10-11T08:00:00Z',
        semester: '2025-2026-1',
        teacher_count: 2,
        student_count: 0,
        details: '{}',
        created_by: null,
      })
      .execute();
    expect(lectures((await admin.get(url)).json() as Row[])).toBe(before + 1);
  });

  it('a kept answer is trusted for a bounded time only', async () => {
    const url = `/api/v1/activity-stats?groupBy=kind&communityId=${community.id}`;
    const fresh = (await admin.get(url)).body;
    await sql`update kept_results set payload = '[]', computed_at = now() - interval '1 hour'`.execute(t.ctx.db);
    expect((await admin.get(url)).body).toBe(fresh);
  });
});
