import { sql } from 'kysely';
import { ACTIVITY_KIND_LABELS, ACTIVITY_KINDS } from '../../../shared/activities.schemas.js';
import { toMap, yearEnd, yearStart, type DataSource, type SourceQuery } from '../../contracts/assessment-source.js';
import type { Db } from '../../db/connection.js';

/**
 * Series from the activities module: one count per activity kind (同步课堂 sessions, 集体备课 …) and
 * participating teacher-times, for activities held during the school year (not merely scheduled).
 * A school's count is the activities it took part in (organiser or participant).
 */
const requires = [
  { table: 'activities', columns: ['community_id', 'kind', 'starts_at', 'teacher_count'] },
  { table: 'activity_schools', columns: ['activity_id', 'school_id'] },
];
const held = (y: number) =>
  sql`a.starts_at >= ${yearStart(y)}::date and a.starts_at < least(${yearEnd(y)}::date, now())`;

const HOUR = 3600_000;
const SHANGHAI = 8 * HOUR; // UTC+8 all year since 1991
/** The start of the Shanghai month holding instant `t` (ms), and of the `add`-th month after it. */
function monthStart(t: number, add = 0): number {
  const d = new Date(t + SHANGHAI);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1) - SHANGHAI;
}
const shanghaiDate = (t: number) => new Date(t + SHANGHAI).toISOString().slice(0, 10);

/**
 * How the held period [lo, hi) is read: whole Shanghai months from the summaries, corrected by the
 * activities between the nearest month start and each end (added or taken away, whichever slice is
 * shorter). The period's ends are the database's, as `held` reads them: the year's dates in the
 * session's time zone and now().
 */
type Plan = { months: [string, string] | null; add: [string, string][]; subtract: [string, string][] };
function plan(lo: number, hi: number): Plan {
  const iso = (t: number) => new Date(t).toISOString();
  const empty: Plan = { months: null, add: [], subtract: [] };
  if (hi <= lo) return empty;
  const out: Plan = { months: null, add: [], subtract: [] };
  const snap = (t: number, atStart: boolean): number => {
    const m0 = monthStart(t);
    if (m0 === t) return t;
    const m1 = monthStart(t, 1);
    const down = t - m0 <= m1 - t;
    const to = down ? m0 : m1;
    // the months read start (end) at `to`: the slice between it and t is added or taken away
    const slice: [string, string] = to < t ? [iso(to), iso(t)] : [iso(t), iso(to)];
    (atStart === to < t ? out.subtract : out.add).push(slice);
    return to;
  };
  const from = snap(lo, true);
  const to = snap(hi, false);
  if (to <= from) return { ...empty, add: [[iso(lo), iso(hi)]] };
  out.months = [shanghaiDate(from), shanghaiDate(to)];
  return out;
}

function activityCount(kind: string | null, measure: 'count' | 'teachers') {
  const kindCond = kind ? sql`and a.kind = ${kind}` : sql``;
  return async (db: Db, q: SourceQuery) => {
    if (!q.ids.length) return new Map<number, number | null>();
    const ends = await sql<{ lo: number; hi: number }>`
      select (extract(epoch from ${yearStart(q.year)}::date::timestamptz) * 1000)::float8 as lo,
        (extract(epoch from least(${yearEnd(q.year)}::date, now())) * 1000)::float8 as hi`.execute(db);
    const p = plan(Number(ends.rows[0]!.lo), Number(ends.rows[0]!.hi));
    const community = q.scope === 'community';
    const raw = (range: [string, string], sign: number) => {
      const what = measure === 'count' ? sql`${sign} * count(*)` : sql`${sign} * coalesce(sum(a.teacher_count), 0)`;
      return community
        ? sql`select a.community_id as id, ${what} as v from activities a
            where a.community_id = any(${q.ids}::int[]) and a.starts_at >= ${range[0]}::timestamptz
              and a.starts_at < ${range[1]}::timestamptz ${kindCond} group by 1`
        : sql`select x.school_id as id, ${what} as v from activities a join activity_schools x on x.activity_id = a.id
            where x.school_id = any(${q.ids}::int[]) and a.starts_at >= ${range[0]}::timestamptz
              and a.starts_at < ${range[1]}::timestamptz ${kindCond} group by 1`;
    };
    const parts = [...p.add.map((r) => raw(r, 1)), ...p.subtract.map((r) => raw(r, -1))];
    if (p.months) {
      const what = measure === 'count' ? sql`sum(a.activities)` : sql`sum(a.teacher_times)`;
      parts.unshift(sql`select ${community ? sql.raw('a.community_id') : sql.raw('a.school_id')} as id, ${what} as v
        from ${sql.table(community ? 'activity_summary' : 'activity_school_summary')} a
        where ${community ? sql.raw('a.community_id') : sql.raw('a.school_id')} = any(${q.ids}::int[])
          and a.month >= ${p.months[0]}::date and a.month < ${p.months[1]}::date ${kindCond} group by 1`);
    }
    const rows = await sql<{ id: number; v: number }>`select t.id, sum(t.v)::float8 as v
      from (${sql.join(parts, sql` union all `)}) t group by t.id`.execute(db);
    return toMap(rows.rows, q.ids, 0);
  };
}

function recordsOf(kind: string) {
  return async (db: Db, q: { year: number; communityId: number; limit: number }) => {
    const rows = await sql<{
      id: number;
      title: string;
      day: string;
    }>`select a.id, a.title, to_char(a.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day
      from activities a where a.community_id = ${q.communityId} and a.kind = ${kind} and ${held(q.year)} order by a.starts_at desc limit ${q.limit}`.execute(
      db,
    );
    return rows.rows.map((r) => ({ label: r.title, date: r.day, href: `/activities/${r.id}` }));
  };
}

export const activitiesSources: DataSource[] = [
  ...ACTIVITY_KINDS.map((kind): DataSource => ({
    key: `activities_${kind}`,
    label: { zh: `${ACTIVITY_KIND_LABELS[kind].zh}次数`, en: `${ACTIVITY_KIND_LABELS[kind].en} sessions` },
    unit: 'session',
    unitLabel: { zh: '次', en: 'sessions' },
    module: 'activities',
    requires,
    schoolScope: true,
    compute: activityCount(kind, 'count'),
    records: recordsOf(kind),
  })),
  {
    key: 'activities_all',
    label: { zh: '各类活动总次数', en: 'All activities' },
    unit: 'session',
    unitLabel: { zh: '次', en: 'sessions' },
    module: 'activities',
    requires,
    schoolScope: true,
    compute: activityCount(null, 'count'),
  },
  {
    key: 'activity_teacher_times',
    label: { zh: '活动参与教师人次', en: 'Teacher participations' },
    unit: 'person',
    unitLabel: { zh: '人次', en: 'teacher-times' },
    module: 'activities',
    requires,
    schoolScope: true,
    compute: activityCount(null, 'teachers'),
  },
];
