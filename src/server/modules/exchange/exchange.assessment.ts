import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import {
  memberIn,
  toMap,
  yearEnd,
  yearStart,
  type DataSource,
  type SourceQuery,
} from '../../contracts/assessment-source.js';

/**
 * Series of the exchange module: teacher exchange (支教, 交流轮岗, 走教 …) counted by the receiving
 * school, and mentor–apprentice pairs. An assignment counts in the school year it starts in; its
 * hours are the module's computed hours unless the bureau overrode them. Cancelled ones never count.
 */
const requires = [
  {
    table: 'exchange_assignments',
    columns: ['teacher_id', 'to_school_id', 'start_date', 'status', 'computed_hours', 'hours_override'],
  },
];
const inYear = (y: number) =>
  sql`x.start_date >= ${yearStart(y)}::date and x.start_date < ${yearEnd(y)}::date and x.status <> 'cancelled'`;

function exchange(measure: 'hours' | 'teachers') {
  const what =
    measure === 'hours'
      ? sql`coalesce(sum(coalesce(x.hours_override, x.computed_hours)), 0)::float8`
      : sql`count(distinct x.teacher_id)::float8`;
  return async (db: Db, q: SourceQuery) => {
    if (!q.ids.length) return new Map<number, number | null>();
    const rows =
      q.scope === 'school'
        ? await sql<{ id: number; v: number }>`select x.to_school_id as id, ${what} as v from exchange_assignments x
          where x.to_school_id = any(${q.ids}::int[]) and ${inYear(q.year)} group by x.to_school_id`.execute(db)
        : await sql<{ id: number; v: number }>`select m.community_id as id, ${what} as v from exchange_assignments x
          join community_memberships m on m.school_id = x.to_school_id
          where m.community_id = any(${q.ids}::int[]) and ${memberIn(q.year)} and ${inYear(q.year)} group by m.community_id`.execute(
            db,
          );
    return toMap(rows.rows, q.ids, 0);
  };
}

export const exchangeSources: DataSource[] = [
  {
    key: 'exchange_hours',
    label: { zh: '教师交流时长（接收校计）', en: 'Teacher exchange hours (at the receiving school)' },
    unit: 'hour',
    unitLabel: { zh: '小时', en: 'hours' },
    module: 'exchange',
    requires,
    schoolScope: true,
    compute: exchange('hours'),
  },
  {
    key: 'exchange_teachers',
    label: { zh: '交流教师人数（接收校计）', en: 'Teachers exchanged (at the receiving school)' },
    unit: 'person',
    unitLabel: { zh: '人', en: 'teachers' },
    module: 'exchange',
    requires,
    schoolScope: true,
    compute: exchange('teachers'),
  },
  {
    key: 'mentor_pairs',
    label: { zh: '师徒结对数', en: 'Mentor–apprentice pairs' },
    unit: 'pair',
    unitLabel: { zh: '对', en: 'pairs' },
    module: 'exchange',
    requires: [{ table: 'mentorships', columns: ['community_id', 'signed_on', 'ends_on', 'status'] }],
    schoolScope: false,
    async compute(db, q) {
      const rows = await sql<{ id: number; v: number }>`select community_id as id, count(*)::int as v from mentorships
        where community_id = any(${q.ids}::int[]) and status <> 'terminated' and signed_on < ${yearEnd(q.year)}::date
          and (ends_on is null or ends_on >= ${yearStart(q.year)}::date) group by community_id`.execute(db);
      return toMap(rows.rows, q.ids, 0);
    },
  },
];
