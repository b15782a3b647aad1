import { nameContains } from '../../db/grams.js';
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { regionPattern } from '../../db/region-pattern.js';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { AssignmentListQuery } from '../../../shared/exchange.schemas.js';
import { privateSchoolCondition, visibleSchoolCondition } from '../registry/index.js';
import { directionSql, yearSql } from './exchange.sql.js';
import type { SchoolFacts } from './exchange.policy.js';

/** SQL only. Every function takes the executor, so services can run them inside a transaction. */
type Tx = Kysely<Database>;

// ---------- schools and teachers as this module needs them ----------
export async function schoolFacts(
  db: Tx,
  ids: number[],
): Promise<Map<number, SchoolFacts & { name: string; location_class: string }>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .selectFrom('schools as s')
    .select(['s.id', 's.name', 's.region_code', 's.location_class'])
    .select(
      sql<number[]>`coalesce((select array_agg(m.community_id order by m.community_id) from community_memberships m
      where m.school_id = s.id and (m.end_date is null or m.end_date >= current_date)), '{}')`.as('communityIds'),
    )
    .where('s.id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, { ...r, communityIds: r.communityIds.map(Number) }]));
}

/** Whether each school id passes a scope condition, in one query. */
export async function schoolsWhere(
  db: Tx,
  ids: number[],
  cond: (col: string) => Expression<SqlBool>,
): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('schools as s')
    .select('s.id')
    .where('s.id', 'in', ids)
    .where(cond('s.id'))
    .execute();
  return new Set(rows.map((r) => r.id));
}

export const privateSchools = (db: Tx, actor: Actor, ids: number[]) =>
  schoolsWhere(db, ids, (c) => privateSchoolCondition(actor, c));
export const visibleSchools = (db: Tx, actor: Actor, ids: number[]) =>
  schoolsWhere(db, ids, (c) => visibleSchoolCondition(actor, c));

export async function findTeacher(db: Tx, id: number) {
  return db
    .selectFrom('teachers')
    .select(['id', 'name', 'school_id', 'gender', 'birth_year', 'status', 'honours'])
    .where('id', '=', id)
    .executeTakeFirst();
}

// ---------- assignments ----------
/**
 * The conditions of an assignment list over `a` (assignment), `t` (teacher), `fs`/`ts` (from/to
 * school): the actor may read an assignment when either end is a school whose private data it sees.
 * Shared by the register (Kysely) and the totals (raw SQL), so both count the same rows.
 */
export function assignmentWhere(actor: Actor, q: Partial<AssignmentListQuery>): RawBuilder<SqlBool> {
  const parts: RawBuilder<unknown>[] = [
    sql`(${privateSchoolCondition(actor, 'a.from_school_id')} or ${privateSchoolCondition(actor, 'a.to_school_id')})`,
  ];
  if (q.search) parts.push(sql`${nameContains('t.name', q.search, 'ilike')}`);
  if (q.teacherId) parts.push(sql`a.teacher_id = ${q.teacherId}`);
  if (q.schoolId) parts.push(sql`(a.from_school_id = ${q.schoolId} or a.to_school_id = ${q.schoolId})`);
  if (q.communityId) {
    const members = sql`(select m.school_id from community_memberships m where m.community_id = ${q.communityId})`;
    parts.push(sql`(a.from_school_id in ${members} or a.to_school_id in ${members})`);
  }
  if (q.kind?.length) parts.push(sql`a.kind in (${sql.join(q.kind)})`);
  if (q.status?.length) parts.push(sql`a.status in (${sql.join(q.status)})`);
  if (q.direction) parts.push(sql`${directionSql} = ${q.direction}`);
  if (q.year) parts.push(sql`${yearSql} = ${q.year}`);
  if (q.region) {
    const p = regionPattern(regionPrefix(q.region));
    parts.push(sql`(fs.region_code like ${p} or ts.region_code like ${p})`);
  }
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

export function assignmentsQuery(db: Tx, actor: Actor, q: Partial<AssignmentListQuery>) {
  return db
    .selectFrom('exchange_assignments as a')
    .innerJoin('teachers as t', 't.id', 'a.teacher_id')
    .innerJoin('schools as fs', 'fs.id', 'a.from_school_id')
    .innerJoin('schools as ts', 'ts.id', 'a.to_school_id')
    .where(assignmentWhere(actor, q));
}

export const assignmentColumns = [
  'a.id',
  'a.teacher_id',
  'a.kind',
  'a.from_school_id',
  'a.to_school_id',
  'a.start_date',
  'a.end_date',
  'a.workload',
  'a.part_time_fraction',
  'a.status',
  'a.post_held',
  'a.allowance_yuan',
  'a.computed_hours',
  'a.hours_override',
  'a.override_reason',
  'a.evaluation_grade',
  'a.evaluation_comment',
  'a.evaluated_at',
  'a.note',
  'a.created_at',
  't.name as teacher_name',
  't.gender as teacher_gender',
  't.honours as teacher_honours',
  'fs.name as from_school_name',
  'fs.location_class as from_location_class',
  'ts.name as to_school_name',
  'ts.location_class as to_location_class',
] as const;

export async function slotsOf(db: Tx, assignmentIds: number[]) {
  if (!assignmentIds.length) return [];
  return db
    .selectFrom('exchange_slots')
    .selectAll()
    .where('assignment_id', 'in', assignmentIds)
    .orderBy('assignment_id')
    .orderBy('weekday')
    .orderBy('start_time')
    .execute();
}

export async function sessionsOf(db: Tx, assignmentIds: number[]) {
  if (!assignmentIds.length) return [];
  return db
    .selectFrom('exchange_sessions')
    .selectAll()
    .where('assignment_id', 'in', assignmentIds)
    .orderBy('assignment_id')
    .orderBy('held_on')
    .execute();
}

export async function findAssignment(db: Tx, id: number) {
  return db.selectFrom('exchange_assignments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The teacher's other assignments, for the overlap rule. */
export async function assignmentsOfTeacher(db: Tx, teacherId: number) {
  return db
    .selectFrom('exchange_assignments')
    .select(['id', 'kind', 'start_date', 'end_date', 'workload', 'status'])
    .where('teacher_id', '=', teacherId)
    .execute();
}

export async function homeTimetable(db: Tx, teacherId: number) {
  return db
    .selectFrom('teacher_timetable_entries as e')
    .innerJoin('schools as s', 's.id', 'e.school_id')
    .select([
      'e.id',
      'e.teacher_id',
      'e.school_id',
      'e.weekday',
      'e.start_time',
      'e.end_time',
      'e.subject',
      'e.class_name',
      's.name as school_name',
    ])
    .where('e.teacher_id', '=', teacherId)
    .orderBy('e.weekday')
    .orderBy('e.start_time')
    .execute();
}

// ---------- settings ----------
/** Codes from the region up to the nation, most specific first (county 330481 → 330400 → 330000 → 000000). */
export function regionChain(code: string): string[] {
  const chain = [code, `${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`, '000000'];
  return [...new Set(chain)];
}

export async function settingsRows(db: Tx, regionCode: string) {
  return db.selectFrom('exchange_settings').selectAll().where('region_code', 'in', regionChain(regionCode)).execute();
}
