/**
 * The region dashboard at province scale: ~5,000 schools, ~300,000 teachers (seedDemo) plus a
 * million activities inserted here, spread over every community's core school across the
 * 2025–2026 school year. Target: the region dashboard answers in under 300 ms (p95). Panels are
 * served from snapshots kept current by triggers (dashboard.cache.ts); the first view of a filter
 * combination is computed and reported separately.
 */
import { sql } from 'kysely';
import { round, timeGet, type BenchEnv, type BenchFigure } from './lib.js';

const TARGET_MS = 300;
const ACTIVITIES = 1_000_000;

async function loadActivities(env: BenchEnv): Promise<number> {
  const started = performance.now();
  // one statement, generated in the database: cheap to load and independent of the client
  await sql`
    with cores as (
      select (row_number() over (order by m.community_id) - 1)::int as i, m.community_id, m.school_id
      from community_memberships m where m.role = 'core' and m.end_date is null
    ), n as (select count(*)::int as n from cores),
    g as (
      select g, (timestamptz '2025-09-01 08:00+08' + ((g::bigint * 7919) % 330) * interval '1 day') as ts,
        (array['sync_class','sync_class','sync_class','joint_prep','research','lecture','demo_lesson','observation','shared_course','student_exchange','training'])[1 + g % 11] as kind
      from generate_series(1, ${ACTIVITIES}) g
    )
    insert into activities (community_id, organizer_school_id, kind, title, starts_at, ends_at, semester, teacher_count, student_count, details)
    select c.community_id, c.school_id, g.kind, '基准活动', g.ts, g.ts + interval '45 minutes',
      case when g.ts < timestamptz '2026-02-01 00:00+08' then '2025-2026-1' else '2025-2026-2' end,
      1 + g % 5, case when g.kind = 'sync_class' then 30 + g % 20 else 0 end,
      case when g.kind = 'sync_class' then '{"receiving":[{"classId":1},{"classId":2}]}'::jsonb else '{}'::jsonb end
    from g join n on true join cores c on c.i = g.g % n.n
  `.execute(env.db);
  await sql`analyze activities`.execute(env.db);
  return performance.now() - started;
}

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const loadMs = await loadActivities(env);
  const count = await env.db
    .selectFrom('activities')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const figures: BenchFigure[] = [
    { name: `load ${Number(count.n)} activities`, value: round(loadMs / 1000), unit: 's' },
  ];
  const county = await env.db
    .selectFrom('schools')
    .select('region_code')
    .groupBy('region_code')
    .orderBy(sql`count(*)`, 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const community = await env.db
    .selectFrom('community_memberships')
    .select('community_id')
    .where('role', '=', 'core')
    .orderBy('community_id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const requests: [string, string, number | undefined][] = [
    ['region dashboard, province (330000)', '/api/v1/dashboard?schoolYear=2025', TARGET_MS],
    [
      'region dashboard, province, primary + rural',
      '/api/v1/dashboard?schoolYear=2025&level=primary&locationClass=rural',
      TARGET_MS,
    ],
    ['region dashboard, province, autumn term', '/api/v1/dashboard?semester=2025-2026-1', TARGET_MS],
    [
      `region dashboard, county ${county.region_code}`,
      `/api/v1/dashboard?schoolYear=2025&region=${county.region_code}`,
      TARGET_MS,
    ],
    ['community dashboard', `/api/v1/dashboard?schoolYear=2025&communityId=${community.community_id}`, TARGET_MS],
    ['map, province', '/api/v1/dashboard/map', undefined],
    ['alerts, province', '/api/v1/dashboard/alerts?schoolYear=2025', undefined],
  ];
  // a filter nobody asked for yet: computed while the user waits (reported, not a target)
  const cold = performance.now();
  const res = await fetch(`${env.baseUrl}/api/v1/dashboard?schoolYear=2025&level=nine_year&locationClass=town`, {
    headers: { cookie: env.cookie },
  });
  await res.arrayBuffer();
  figures.push({
    name: 'region dashboard, province, first view of a new filter (computed)',
    value: round(performance.now() - cold),
    unit: 'ms',
    detail: { status: res.status },
  });
  for (const [name, path, target] of requests) {
    const f = await timeGet(env, name, path, target ?? 10_000);
    if (target === undefined) {
      delete f.target;
      delete f.pass;
    }
    figures.push(f);
    console.log(`  ${name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }
  return figures;
}
