import { nameContains } from '../../db/grams.js';
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import type { MentorshipListQuery } from '../../../shared/exchange-mentorship.schemas.js';
import { privateSchoolCondition } from '../registry/index.js';
import type { MonthCount } from './mentorship.compliance.js';

type Tx = Kysely<Database>;

/** Pairs the actor may read: the mentor's or the apprentice's school is within the actor's private scope. */
export function mentorshipsQuery(db: Tx, actor: Actor, q: Partial<MentorshipListQuery>) {
  let query = db
    .selectFrom('mentorships as p')
    .innerJoin('teachers as mt', 'mt.id', 'p.mentor_teacher_id')
    .innerJoin('teachers as at', 'at.id', 'p.apprentice_teacher_id')
    .innerJoin('schools as ms', 'ms.id', 'mt.school_id')
    .innerJoin('schools as as', 'as.id', 'at.school_id')
    .leftJoin('communities as c', 'c.id', 'p.community_id')
    .where((eb) =>
      eb.or([privateSchoolCondition(actor, 'mt.school_id'), privateSchoolCondition(actor, 'at.school_id')]),
    );
  if (q.search)
    query = query.where((eb) =>
      eb.or([nameContains('mt.name', q.search!, 'ilike'), nameContains('at.name', q.search!, 'ilike')]),
    );
  if (q.communityId) query = query.where('p.community_id', '=', q.communityId);
  if (q.teacherId)
    query = query.where((eb) =>
      eb.or([eb('p.mentor_teacher_id', '=', q.teacherId!), eb('p.apprentice_teacher_id', '=', q.teacherId!)]),
    );
  if (q.status) query = query.where('p.status', '=', q.status);
  return query;
}

export const mentorshipColumns = [
  'p.id',
  'p.community_id',
  'c.name as community_name',
  'p.mentor_teacher_id',
  'mt.name as mentor_name',
  'ms.id as mentor_school_id',
  'ms.name as mentor_school_name',
  'p.apprentice_teacher_id',
  'at.name as apprentice_name',
  'as.id as apprentice_school_id',
  'as.name as apprentice_school_name',
  'p.signed_on',
  'p.ends_on',
  'p.goals',
  'p.observations_per_month',
  'p.status',
] as const;

/**
 * Observations per pair per month, from the activities linked to the pair (kind 'observation',
 * months in Asia/Shanghai), for every month from signing to the reference date — zero months included.
 */
export async function monthlyObservations(db: Tx, ids: number[], on: string): Promise<Map<number, MonthCount[]>> {
  const out = new Map<number, MonthCount[]>();
  if (!ids.length) return out;
  const rows = await sql<{ id: number; month: string; n: number }>`
    select p.id, to_char(mon, 'YYYY-MM') as month, count(a.id)::int as n
    from mentorships p
    cross join lateral generate_series(date_trunc('month', p.signed_on::timestamp),
      date_trunc('month', least(coalesce(p.ends_on, ${on}::date), ${on}::date)::timestamp), interval '1 month') as mon
    left join activities a on a.mentorship_id = p.id and a.kind = 'observation'
      and date_trunc('month', a.starts_at at time zone 'Asia/Shanghai') = mon
    where p.id in (${sql.join(ids)})
    group by p.id, mon order by p.id, mon`.execute(db);
  for (const r of rows.rows) out.set(r.id, [...(out.get(r.id) ?? []), { month: r.month, observations: r.n }]);
  return out;
}

/**
 * `compliance(...).behind` of an active pair in SQL: the last judged month (before the month of
 * `on`, not February, July or August, from signing to the end or `on`) has fewer linked
 * observations (months in Asia/Shanghai) than the pair's quota.
 */
export const behindCondition = (on: string) => sql<SqlBool>`(p.status = 'active' and coalesce((
    select count(a.id) < p.observations_per_month
    from (select mon from generate_series(date_trunc('month', p.signed_on::timestamp),
            date_trunc('month', least(coalesce(p.ends_on, ${on}::date), ${on}::date)::timestamp), interval '1 month') as mon
          where to_char(mon, 'YYYY-MM') < ${on.slice(0, 7)} and to_char(mon, 'MM') not in ('02', '07', '08')
          order by mon desc limit 1) lm
    left join activities a on a.mentorship_id = p.id and a.kind = 'observation'
      and a.starts_at >= (lm.mon at time zone 'Asia/Shanghai') and a.starts_at < ((lm.mon + interval '1 month') at time zone 'Asia/Shanghai')
    group by lm.mon), false))`;

/** Linked activities by kind per pair (all time). */
export async function linkedCounts(
  db: Tx,
  ids: number[],
): Promise<Map<number, { observations: number; demoLessons: number }>> {
  const out = new Map<number, { observations: number; demoLessons: number }>();
  if (!ids.length) return out;
  const rows = await sql<{ id: number; obs: number; demo: number }>`
    select a.mentorship_id as id, (count(*) filter (where a.kind = 'observation'))::int as obs, (count(*) filter (where a.kind = 'demo_lesson'))::int as demo
    from activities a where a.mentorship_id in (${sql.join(ids)}) group by a.mentorship_id`.execute(db);
  for (const r of rows.rows) out.set(r.id, { observations: r.obs, demoLessons: r.demo });
  return out;
}

export async function linkedActivities(db: Tx, id: number) {
  const rows = await sql<{ id: number; kind: string; title: string; starts_at: string; semester: string }>`
    select a.id, a.kind, a.title, a.starts_at, a.semester from activities a where a.mentorship_id = ${id} order by a.starts_at desc`.execute(
    db,
  );
  return rows.rows;
}

export async function activityForLink(db: Tx, activityId: number) {
  const rows = await sql<{
    id: number;
    kind: string;
    details: Record<string, unknown>;
    mentorship_id: number | null;
    community_id: number;
  }>`
    select a.id, a.kind, a.details, a.mentorship_id, a.community_id from activities a where a.id = ${activityId}`.execute(
    db,
  );
  return rows.rows[0];
}

export const setActivityPair = (db: Tx, activityId: number, mentorshipId: number | null) =>
  sql`update activities set mentorship_id = ${mentorshipId} where id = ${activityId}`.execute(db);

export const withinScopeSql = (actor: Actor, col: string) => sql<SqlBool>`${privateSchoolCondition(actor, col)}`;
