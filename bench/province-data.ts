/**
 * Data a province benchmark needs beyond seedDemo: a million activities spread over every
 * community's core school across the 2025–2026 school year, generated in the database.
 */
import { sql } from 'kysely';
import type { Db } from '../src/server/db/connection.js';

export const ACTIVITIES = 1_000_000;

/**
 * Loads the province's million activities unless they are there (a --seed-cache template has them).
 * Returns how long the load took, or null when nothing was loaded.
 */
export async function ensureProvinceActivities(db: Db): Promise<number | null> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from (select 1 from activities limit ${ACTIVITIES / 2}) a`.execute(db);
  if ((rows[0]?.n ?? 0) >= ACTIVITIES / 2) return null;
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
    select c.community_id, c.school_id, g.kind,
      -- titles as bureaus write them (subject, kind, a number), the kind's word spread over the year by a
      -- hash (not by g, which also sets the date): a search's selectivity and the planner's statistics
      -- of the title grams are those of real data, not of one repeated title
      (array['语文','数学','英语','科学','道德与法治','音乐','美术','体育','信息科技'])[1 + g % 9]
        || (array['同步课堂','联合备课','主题教研','专题讲座','示范课','听课评课','共享课程','学生交流','教师培训',
                  '课例研讨','送教下乡'])[1 + abs(hashint4(g)) % 11] || '（第' || (1 + g % 40) || '期）',
      g.ts, g.ts + interval '45 minutes',
      case when g.ts < timestamptz '2026-02-01 00:00+08' then '2025-2026-1' else '2025-2026-2' end,
      1 + g % 5, case when g.kind = 'sync_class' then 30 + g % 20 else 0 end,
      case when g.kind = 'sync_class' then '{"receiving":[{"classId":1},{"classId":2}]}'::jsonb else '{}'::jsonb end
    from g join n on true join cores c on c.i = g.g % n.n
  `.execute(db);
  await sql`analyze activities`.execute(db);
  return performance.now() - started;
}
