/**
 * Community activities at province scale: seeds the activities demo for every community, then times
 * the activity list, the SQL statistics (by kind, by community × month, by school), one community's
 * sync-class calendar with conflict detection, a plan's compliance, the bureau-wide reminders and
 * the archive exports.
 */
import { seedActivitiesDemo } from '../src/server/modules/activities/activities.demo.js';
import { round, timeGet, type BenchEnv, type BenchFigure } from './lib.js';

const REQUEST_TARGET_MS = 300;
const EXPORT_TARGET_MS = 3000;

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const started = performance.now();
  const counts = await seedActivitiesDemo(env.dbh, {});
  const figures: BenchFigure[] = [
    {
      name: `seedActivitiesDemo ${counts.activities} activities`,
      value: round((performance.now() - started) / 1000),
      unit: 's',
      detail: counts,
    },
  ];
  const plan = await env.db
    .selectFrom('work_plans')
    .select(['id', 'community_id'])
    .where('semester', '=', '2025-2026-1')
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const c = plan.community_id;
  const requests: [string, string, number][] = [
    ['activities page 1', '/api/v1/activities?page=1&pageSize=20', REQUEST_TARGET_MS],
    [
      'activities of a term, filtered',
      '/api/v1/activities?page=1&pageSize=20&semester=2025-2026-1&kind=sync_class,lecture',
      REQUEST_TARGET_MS,
    ],
    ['stats by kind (province)', '/api/v1/activity-stats?groupBy=kind', REQUEST_TARGET_MS],
    [
      'stats by community × month',
      '/api/v1/activity-stats?groupBy=community,month&semester=2025-2026-1',
      REQUEST_TARGET_MS,
    ],
    ['stats by school', '/api/v1/activity-stats?groupBy=school&semester=2025-2026-1', REQUEST_TARGET_MS],
    [
      'sync calendar, one community, one month',
      `/api/v1/sync-calendar?communityId=${c}&from=2025-10-01&to=2025-10-31`,
      REQUEST_TARGET_MS,
    ],
    ['plan compliance', `/api/v1/work-plans/${plan.id}/compliance?asOf=2025-12-15T00:00:00Z`, REQUEST_TARGET_MS],
    [
      'archive xlsx, one community term',
      `/api/v1/activity-archive.xlsx?communityId=${c}&semester=2025-2026-1`,
      EXPORT_TARGET_MS,
    ],
    [
      'archive PDF, one community term',
      `/api/v1/activity-archive.pdf?communityId=${c}&semester=2025-2026-1`,
      EXPORT_TARGET_MS,
    ],
  ];
  for (const [name, url, target] of requests) {
    const f = await timeGet(env, name, url, target);
    figures.push(f);
    console.log(`  ${name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }
  return figures;
}
