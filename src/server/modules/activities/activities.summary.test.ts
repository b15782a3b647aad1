import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestContext } from '../../test/harness.js';
import { buildCommunity, buildSchool } from '../../test/factories.js';
import type { StatDimension } from '../../../shared/activities.schemas.js';
import { seedActivitiesDemo } from './activities.demo.js';
import { activitySchoolsReached, activityStats, type ActivityStatsFilter } from './activities.stats.js';
import { activitiesSources } from './activities.assessment.js';

let ctx: Awaited<ReturnType<typeof createTestContext>>;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.dbh, {});
  await seedActivitiesDemo(ctx.dbh, {}); // a bulk import: thousands of activities and participant rows
});
afterAll(async () => {
  await ctx.cleanup();
});

const MONTH = `date_trunc('month', a.starts_at at time zone 'Asia/Shanghai')::date`;
const SESSIONS = `case when a.kind = 'sync_class' then greatest(jsonb_array_length(coalesce(a.details->'receiving', '[]'::jsonb)), 1) else 1 end`;

/** The summaries as they are, and as a GROUP BY over the activities computes them from scratch. */
async function summariesAndScratch() {
  const q = async (text: string) =>
    (await sql.raw<Record<string, unknown>>(text).execute(ctx.db)).rows.map((r) => JSON.stringify(r));
  const cols = 'activities::int, sessions::int, teacher_times::int, student_times::int';
  const aggs = `count(*)::int as activities, sum(${SESSIONS})::int as sessions, sum(a.teacher_count)::int as teacher_times, sum(a.student_count)::int as student_times`;
  return {
    community: await q(
      `select community_id, organizer_school_id, kind, semester, month::text, ${cols} from activity_summary order by 1, 2, 3, 4, 5`,
    ),
    communityScratch: await q(
      `select a.community_id, a.organizer_school_id, a.kind, a.semester, ${MONTH}::text as month, ${aggs}
       from activities a group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
    ),
    school: await q(
      `select school_id, community_id, organizer_school_id, kind, semester, month::text, ${cols} from activity_school_summary order by 1, 2, 3, 4, 5, 6`,
    ),
    schoolScratch: await q(
      `select x.school_id, a.community_id, a.organizer_school_id, a.kind, a.semester, ${MONTH}::text as month, ${aggs}
       from activity_schools x join activities a on a.id = x.activity_id group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
    ),
  };
}

async function expectSummariesCurrent() {
  const s = await summariesAndScratch();
  expect(s.community.length).toBeGreaterThan(0);
  expect(s.community).toEqual(s.communityScratch);
  expect(s.school).toEqual(s.schoolScratch);
}

async function someActivities(n: number) {
  return ctx.db.selectFrom('activities').select(['id', 'community_id']).orderBy('id').limit(n).execute();
}

describe('activity summaries', () => {
  it('equal a GROUP BY over the activities after the bulk import', async () => {
    await expectSummariesCurrent();
  });

  it('follow inserts, including an activity at midnight Beijing time on the first of a month', async () => {
    const [a] = await someActivities(1);
    const src = await ctx.db.selectFrom('activities').selectAll().where('id', '=', a!.id).executeTakeFirstOrThrow();
    const { id: _id, created_at: _c, updated_at: _u, ...rest } = src;
    const inserted = await ctx.db
      .insertInto('activities')
      .values([
        // 2025-10-01 00:00 in Beijing is still September in UTC: it belongs to October
        {
          ...rest,
          details: JSON.stringify(rest.details),
          starts_at: '2025-09-30T16:00:00Z',
          ends_at: '2025-09-30T17:00:00Z',
        },
        {
          ...rest,
          details: JSON.stringify(rest.details),
          starts_at: '2025-09-30T15:59:59Z',
          ends_at: '2025-09-30T17:00:00Z',
        },
      ])
      .returning('id')
      .execute();
    await ctx.db
      .insertInto('activity_schools')
      .values(inserted.map((r) => ({ activity_id: r.id, school_id: src.organizer_school_id, role: 'organizer' })))
      .execute();
    await expectSummariesCurrent();
  });

  it('follow updates that move activities to another month, community, kind or size', async () => {
    const rows = await someActivities(40);
    const other = await ctx.db
      .selectFrom('communities')
      .select('id')
      .where('id', '<>', rows[0]!.community_id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const ids = (k: number) => rows.filter((_, i) => i % 4 === k).map((r) => r.id);
    await ctx.db
      .updateTable('activities')
      .set({
        starts_at: sql`starts_at + interval '31 days'`,
        ends_at: sql`ends_at + interval '31 days'`,
      } as never)
      .where('id', 'in', ids(0))
      .execute();
    await ctx.db.updateTable('activities').set({ community_id: other.id }).where('id', 'in', ids(1)).execute();
    await ctx.db
      .updateTable('activities')
      .set({ kind: 'sync_class', details: JSON.stringify({ receiving: [{}, {}, {}] }) })
      .where('id', 'in', ids(2))
      .execute();
    await ctx.db
      .updateTable('activities')
      .set({ teacher_count: sql`teacher_count + 7`, student_count: 0 } as never)
      .where('id', 'in', ids(3))
      .execute();
    // a change the summaries do not carry
    await ctx.db.updateTable('activities').set({ title: '改名' }).where('id', 'in', ids(0)).execute();
    await expectSummariesCurrent();
  });

  it('follow participant changes and deletes (the participant rows go by cascade)', async () => {
    const rows = await someActivities(60);
    const school = await buildSchool(ctx.db, { name: '新参与学校' });
    await buildCommunity(ctx.db, [{ schoolId: school.id, role: 'core' }], { name: '新教共体' });
    await ctx.db
      .insertInto('activity_schools')
      .values(rows.slice(0, 20).map((r) => ({ activity_id: r.id, school_id: school.id, role: 'participant' })))
      .execute();
    await expectSummariesCurrent();
    await ctx.db
      .updateTable('activity_schools')
      .set({ role: 'participant' })
      .where(
        'activity_id',
        'in',
        rows.slice(20, 30).map((r) => r.id),
      )
      .execute();
    await ctx.db
      .deleteFrom('activity_schools')
      .where('school_id', '=', school.id)
      .where(
        'activity_id',
        'in',
        rows.slice(0, 5).map((r) => r.id),
      )
      .execute();
    await expectSummariesCurrent();
    await ctx.db
      .deleteFrom('activities')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    await expectSummariesCurrent();
  });

  it('follow a second bulk import into the same keys, and removing a whole community', async () => {
    await sql`insert into activities (community_id, organizer_school_id, kind, title, starts_at, ends_at, semester,
        teacher_count, student_count, details)
      select community_id, organizer_school_id, kind, title || '（复制）', starts_at, ends_at, semester, teacher_count,
        student_count, details from activities where id % 3 = 0`.execute(ctx.db);
    await expectSummariesCurrent();
    const c = await ctx.db.selectFrom('activities').select('community_id').orderBy('id').executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('activities').where('community_id', '=', c.community_id).execute();
    await expectSummariesCurrent();
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from activity_summary where community_id = ${c.community_id}`.execute(ctx.db);
    expect(left.rows[0]!.n).toBe(0);
  });
});

describe('statistics read from the summaries', () => {
  const filters = async (): Promise<ActivityStatsFilter[]> => {
    const c = await ctx.db
      .selectFrom('activities')
      .select(['community_id', 'organizer_school_id'])
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const region = await ctx.db
      .selectFrom('schools')
      .select('region_code')
      .where('id', '=', c.organizer_school_id)
      .executeTakeFirstOrThrow();
    return [
      {},
      { semester: '2025-2026-1' },
      { from: '2025-09-01', to: '2026-08-31' },
      { from: '2025-10-01', to: '2025-12-31', kinds: ['sync_class', 'lecture'] },
      { from: '2026-02-01' },
      { to: '2025-11-30' },
      { communityIds: [c.community_id] },
      { communityIds: [] },
      { schoolId: c.organizer_school_id, from: '2025-09-01', to: '2026-01-31' },
      { region: region.region_code },
      { region: region.region_code.slice(0, 4), semester: '2025-2026-2' },
      // not whole months: read from the activities, the same either way
      { from: '2025-09-15', to: '2025-10-20' },
    ];
  };
  const groupings: StatDimension[][] = [
    [],
    ['kind'],
    ['kind', 'month'],
    ['community', 'kind'],
    ['community', 'month'],
    ['school'],
    ['school', 'kind'],
    ['region'],
    ['month', 'region', 'kind'],
  ];

  it('are the figures the activities give, for every grouping and filter', async () => {
    for (const f of await filters())
      for (const g of groupings) {
        const fromSummary = await activityStats(ctx.db, g, f);
        expect(fromSummary, JSON.stringify({ g, f })).toEqual(await activityStats(ctx.db, g, f, 'activities'));
      }
  });

  it('count the same schools reached', async () => {
    for (const f of await filters())
      for (const kinds of [undefined, ['sync_class' as const], ['joint_prep' as const, 'research' as const]]) {
        const q = { ...f, ...(kinds ? { kinds } : {}) };
        const n = await activitySchoolsReached(ctx.db, q);
        expect(n, JSON.stringify(q)).toBe(await activitySchoolsReached(ctx.db, q, 'activities'));
      }
  });

  it('give the assessment the counts a scan of the activities gives', async () => {
    const communities = (await ctx.db.selectFrom('communities').select('id').execute()).map((r) => r.id);
    const schools = (await ctx.db.selectFrom('schools').select('id').execute()).map((r) => r.id);
    for (const year of [2024, 2025, 2026])
      for (const src of activitiesSources)
        for (const [scope, ids] of [
          ['community', communities],
          ['school', schools],
        ] as const) {
          const got = await src.compute(ctx.db, { year, scope, ids });
          const want = await scanCount(src.key, year, scope, ids);
          expect([...got], `${src.key} ${year} ${scope}`).toEqual([...want]);
        }
  });
});

/** The assessment's definition, straight from the activities (the query it ran before the summaries). */
async function scanCount(key: string, year: number, scope: 'community' | 'school', ids: number[]) {
  const kind = key.startsWith('activities_') && key !== 'activities_all' ? key.slice('activities_'.length) : null;
  const what = key === 'activity_teacher_times' ? sql`coalesce(sum(a.teacher_count), 0)` : sql`count(*)`;
  const held = sql`a.starts_at >= ${`${year}-09-01`}::date and a.starts_at < least(${`${year + 1}-09-01`}::date, now())`;
  const kindCond = kind ? sql`and a.kind = ${kind}` : sql``;
  const rows =
    scope === 'community'
      ? await sql<{ id: number; v: number }>`select a.community_id as id, ${what}::float8 as v from activities a
          where a.community_id = any(${ids}::int[]) and ${held} ${kindCond} group by a.community_id`.execute(ctx.db)
      : await sql<{ id: number; v: number }>`select x.school_id as id, ${what}::float8 as v from activities a
          join activity_schools x on x.activity_id = a.id
          where x.school_id = any(${ids}::int[]) and ${held} ${kindCond} group by x.school_id`.execute(ctx.db);
  const out = new Map<number, number | null>(ids.map((id) => [id, 0]));
  for (const r of rows.rows) out.set(Number(r.id), Number(r.v));
  return out;
}
