import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import type { Actor } from '../../http/actor.js';
import { createTestContext } from '../../test/harness.js';
import type { ActivityListQuery } from '../../../shared/activities.schemas.js';
import { seedActivitiesDemo } from './activities.demo.js';
import * as repo from './activities.repo.js';
import { ActivitiesService } from './activities.service.js';

/**
 * What page 1 of the activities list costs at province scale: its total comes from the maintained
 * activity summaries (exact, whatever the count cap) whenever every filter is one a summary holds,
 * and a title search can be served by an index instead of reading every activity.
 */
let ctx: Awaited<ReturnType<typeof createTestContext>>;
let service: ActivitiesService;
let province: Actor;
let school: { id: number; communityId: number };
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.dbh, {});
  await seedActivitiesDemo(ctx.dbh, {});
  service = new ActivitiesService(ctx.db, ctx.storage);
  const region = await ctx.db
    .selectFrom('regions')
    .select('code')
    .orderBy('level')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  province = {
    userId: 1,
    username: 'admin',
    displayName: 'admin',
    role: 'bureau_admin',
    scope: { kind: 'region', id: region.code },
    teacherId: null,
  };
  const busiest = await ctx.db
    .selectFrom('activity_schools as x')
    .innerJoin('activities as a', 'a.id', 'x.activity_id')
    .select(['x.school_id', 'a.community_id', sql<number>`count(*)::int`.as('n')])
    .groupBy(['x.school_id', 'a.community_id'])
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow();
  school = { id: busiest.school_id, communityId: busiest.community_id };
});
afterAll(async () => {
  await ctx.cleanup();
});

/** The number of activities a filter matches, counted the slow, certain way. */
async function countedOneByOne(q: Partial<ActivityListQuery>) {
  const a = await ctx.db
    .selectFrom('activities as a')
    .select(['a.id', 'a.community_id', 'a.kind', 'a.semester', 'a.starts_at'])
    .execute();
  const inSchool = new Set(
    q.schoolId
      ? (
          await ctx.db
            .selectFrom('activity_schools')
            .select('activity_id')
            .where('school_id', '=', q.schoolId)
            .execute()
        ).map((r) => r.activity_id)
      : [],
  );
  const month = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  return a.filter(
    (r) =>
      (!q.communityId || r.community_id === q.communityId) &&
      (!q.schoolId || inSchool.has(r.id)) &&
      (!q.kind?.length || q.kind.includes(r.kind as never)) &&
      (!q.semester || r.semester === q.semester) &&
      (!q.month || month(new Date(r.starts_at)) === q.month),
  ).length;
}

const page = { page: 1, pageSize: 20 } as ActivityListQuery;

describe('activities list at any size', () => {
  it('gives an exact total above the count cap when the filters are ones the summaries hold', async () => {
    const some = await ctx.db
      .selectFrom('activities')
      .select(['semester', 'kind', sql<string>`to_char(starts_at at time zone 'Asia/Shanghai', 'YYYY-MM')`.as('month')])
      .groupBy(['semester', 'kind', 'month'])
      .orderBy(sql`count(*)`, 'desc')
      .executeTakeFirstOrThrow();
    const filters: Partial<ActivityListQuery>[] = [
      {},
      { semester: some.semester },
      { kind: [some.kind as never] },
      { month: some.month, kind: [some.kind as never, 'observation'] },
      { communityId: school.communityId },
      { schoolId: school.id },
      { schoolId: school.id, semester: some.semester },
    ];
    for (const f of filters) {
      const expected = await countedOneByOne(f);
      // a cap of 3 rows: counting rows would give an estimate here; the summary gives the exact number
      const list = await service.list(province, { ...page, ...f }, 3);
      expect({ f, total: list.total, exact: list.totalExact }).toEqual({ f, total: expected, exact: true });
    }
  });

  it('still counts rows, capped, for filters no summary holds (a search, a date range, mine)', async () => {
    const list = await service.list(province, { ...page, from: '2025-09-01', to: '2026-06-30' }, 3);
    expect(list.totalExact).toBe(false);
    expect(list.total).toBeGreaterThan(3);
  });

  it('finds activities by a Chinese substring of the title through an index', async () => {
    const title = await ctx.db.selectFrom('activities').select('title').orderBy('id').executeTakeFirstOrThrow();
    const term = [...title.title].slice(1, 3).join('');
    const list = await service.list(province, { ...page, search: term });
    expect(list.items.length).toBeGreaterThan(0);
    for (const a of list.items) expect(a.title).toContain(term);
    // with sequential scans priced out, the planner can only answer through an index on the title
    const plan = await ctx.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const r = await sql<Record<string, string>>`explain select id from activities a
        where a.title ilike ${`%${term}%`} and gongjin_grams(a.title) @> gongjin_grams_query(${term})`.execute(tx);
      return r.rows.map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).toContain('activities_title_grams_idx');
  });

  it("reads a school's or a county's page community by community: the same rows, in order, from each community's newest", async () => {
    const schoolAdmin: Actor = {
      userId: 1,
      username: 'admin',
      displayName: 'admin',
      role: 'school_admin',
      scope: { kind: 'school', id: String(school.id) },
      teacherId: null,
    };
    const county = await ctx.db
      .selectFrom('schools')
      .select('region_code')
      .where('id', '=', school.id)
      .executeTakeFirstOrThrow();
    const countyBureau: Actor = { ...province, scope: { kind: 'region', id: county.region_code } };
    const semester = await ctx.db.selectFrom('activities').select('semester').executeTakeFirstOrThrow();
    const filters: Partial<ActivityListQuery>[] = [
      {},
      { kind: ['sync_class'] },
      { semester: semester.semester },
      { schoolId: school.id },
      { communityId: school.communityId },
    ];
    for (const actor of [schoolAdmin, countyBureau]) {
      expect(repo.readsByCommunity(actor, {})).toBe(true);
      for (const f of filters) {
        for (const n of [1, 2, 3]) {
          const q = { page: n, pageSize: 7, ...f } as ActivityListQuery;
          const listed = (await service.list(actor, q)).items.map((a) => a.id);
          // the whole-table read in date order, as a province's page is read
          const expected = (
            await repo
              .activitiesQuery(ctx.db, actor, q)
              .select('a.id')
              .orderBy('a.starts_at', 'desc')
              .orderBy('a.id', 'desc')
              .limit(7)
              .offset((n - 1) * 7)
              .execute()
          ).map((r) => r.id);
          expect({ who: actor.scope, f, n, listed }).toEqual({ who: actor.scope, f, n, listed: expected });
        }
      }
    }
    // a page end of 20 reads at most 20 rows of each visible community, however many it holds
    // (the test's few hundred rows a community are cheaper to read whole; a province's thousands are not)
    const plan = await ctx.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      await sql`set local enable_bitmapscan = off`.execute(tx);
      return sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${repo.pageIdsByCommunity(
        tx,
        schoolAdmin,
        {},
        { limit: 20, offset: 0 },
      )}`.execute(tx);
    });
    const scans: { rows: number; loops: number }[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'activities')
        scans.push({ rows: Number(node['Actual Rows']), loops: Number(node['Actual Loops']) });
      for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    const json = plan.rows[0]!['QUERY PLAN'];
    walk((typeof json === 'string' ? JSON.parse(json) : json)[0]['Plan']);
    const communities = await ctx.db
      .selectFrom('community_memberships')
      .select(sql<number>`count(distinct community_id)::int`.as('n'))
      .where('school_id', '=', school.id)
      .executeTakeFirstOrThrow();
    const inThem = await ctx.db
      .selectFrom('activities')
      .select(sql<number>`count(*)::int`.as('n'))
      .where(
        'community_id',
        'in',
        ctx.db.selectFrom('community_memberships').select('community_id').where('school_id', '=', school.id),
      )
      .executeTakeFirstOrThrow();
    expect(inThem.n).toBeGreaterThan(20 * communities.n);
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) expect(scan.rows * scan.loops).toBeLessThanOrEqual(20 * communities.n + scan.loops);
  });
});
