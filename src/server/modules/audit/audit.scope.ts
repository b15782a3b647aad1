import { sql, type RawBuilder } from 'kysely';

/**
 * Where an audited entity lives: its region code, and its school and community when it has them.
 * recordAudit stores this on the row, so a bureau reads only the entries about its own region.
 *
 * Each resolver is one SQL select of (region_code, school_id, community_id) for an entity id
 * expression: a bound number when recording, `log_row.entity_id::int` when the migration backfills old
 * rows. Entities without a resolver (or whose row is gone, after a delete) are placed from the
 * schoolId / communityId / regionCode fields of their before/after data; the rest stay unplaced and
 * only the national administrator sees them.
 */
type Resolver = (id: RawBuilder<unknown>) => RawBuilder<unknown>;

const viaCommunity =
  (table: string, alias: string, schoolCol: string | null): Resolver =>
  (id) =>
    sql`select c.region_code, ${schoolCol ? sql.ref(`${alias}.${schoolCol}`) : sql`null::int`} as school_id, c.id as community_id
      from ${sql.table(table)} ${sql.raw(alias)} join communities c on c.id = ${sql.ref(`${alias}.community_id`)} where ${sql.ref(`${alias}.id`)} = ${id}`;
const viaSchool =
  (table: string, alias: string, schoolCol: string): Resolver =>
  (id) =>
    sql`select s.region_code, s.id as school_id, null::int as community_id
      from ${sql.table(table)} ${sql.raw(alias)} join schools s on s.id = ${sql.ref(`${alias}.${schoolCol}`)} where ${sql.ref(`${alias}.id`)} = ${id}`;
const viaMeeting =
  (table: string): Resolver =>
  (id) =>
    sql`select c.region_code, null::int as school_id, c.id as community_id
      from ${sql.table(table)} x join meetings m on m.id = x.meeting_id join communities c on c.id = m.community_id where x.id = ${id}`;
const ownRegion =
  (table: string): Resolver =>
  (id) =>
    sql`select x.region_code, null::int as school_id, null::int as community_id from ${sql.table(table)} x where x.id = ${id}`;
/** A scope_kind / scope_id pair (users, display links). */
const viaScopeColumns =
  (table: string): Resolver =>
  (id) =>
    sql`select case x.scope_kind when 'region' then x.scope_id
            when 'community' then (select c.region_code from communities c
              where c.id = (case when x.scope_kind = 'community' then x.scope_id::int end))
            else (select s.region_code from schools s
              where s.id = (case when x.scope_kind = 'school' then x.scope_id::int end)) end as region_code,
          case when x.scope_kind = 'school' then x.scope_id::int end as school_id,
          case when x.scope_kind = 'community' then x.scope_id::int end as community_id
      from ${sql.table(table)} x where x.id = ${id}`;

/** Entities identified by a numeric id. */
export const AUDIT_SCOPE_RESOLVERS: Record<string, Resolver> = {
  school: (id) =>
    sql`select s.region_code, s.id as school_id, null::int as community_id from schools s where s.id = ${id}`,
  teacher: viaSchool('teachers', 't', 'school_id'),
  school_year_stats: viaSchool('school_year_stats', 'y', 'school_id'),
  class: viaSchool('quality_classes', 'q', 'school_id'),
  teacher_timetable_entry: viaSchool('teacher_timetable_entries', 'e', 'school_id'),
  exchange_assignment: viaSchool('exchange_assignments', 'e', 'from_school_id'),
  exchange_session: (id) => sql`select s.region_code, s.id as school_id, null::int as community_id
      from exchange_sessions x join exchange_assignments e on e.id = x.assignment_id join schools s on s.id = e.from_school_id where x.id = ${id}`,
  community: (id) =>
    sql`select c.region_code, null::int as school_id, c.id as community_id from communities c where c.id = ${id}`,
  membership: viaCommunity('community_memberships', 'm', 'school_id'),
  leadership_member: viaCommunity('leadership_members', 'l', 'school_id'),
  activity: viaCommunity('activities', 'a', 'organizer_school_id'),
  activity_attachment: (id) => sql`select c.region_code, a.organizer_school_id as school_id, c.id as community_id
      from activity_attachments x join activities a on a.id = x.activity_id join communities c on c.id = a.community_id where x.id = ${id}`,
  work_plan: viaCommunity('work_plans', 'w', null),
  support_entry: viaCommunity('support_ledger', 'l', 'recipient_school_id'),
  meeting: viaCommunity('meetings', 'm', null),
  meeting_action_item: viaCommunity('meeting_action_items', 'i', null),
  meeting_minutes: viaMeeting('meeting_minutes_revisions'),
  meeting_agenda_item: viaMeeting('meeting_agenda_items'),
  meeting_attendee: viaMeeting('meeting_attendees'),
  meeting_attachment: viaMeeting('meeting_attachments'),
  assessment_evaluation: viaCommunity('assessment_evaluations', 'e', null),
  assessment_assignment: viaCommunity('assessment_assignments', 'e', null),
  assessment_appeal: (id) => sql`select c.region_code, null::int as school_id, c.id as community_id
      from assessment_appeals x join assessment_evaluations e on e.id = x.evaluation_id join communities c on c.id = e.community_id where x.id = ${id}`,
  resource: (id) => sql`select r.region_code, r.school_id, r.community_id from resources r where r.id = ${id}`,
  shared_course: (id) => sql`select s.region_code, s.id as school_id, x.community_id
      from shared_courses x join schools s on s.id = x.owner_school_id where x.id = ${id}`,
  mentorship: (id) => sql`select s.region_code, s.id as school_id, x.community_id
      from mentorships x join teachers t on t.id = x.mentor_teacher_id join schools s on s.id = t.school_id where x.id = ${id}`,
  master_studio: (id) =>
    sql`select x.region_code, null::int as school_id, x.community_id from master_studios x where x.id = ${id}`,
  exchange_rule: ownRegion('exchange_rules'),
  assessment_scheme: ownRegion('assessment_schemes'),
  planner_plan: ownRegion('planner_plans'),
  exam: (id) =>
    sql`select x.region_code, x.owner_school_id as school_id, null::int as community_id from quality_exams x where x.id = ${id}`,
  exam_scores: (id) =>
    sql`select x.region_code, x.owner_school_id as school_id, null::int as community_id from quality_exams x where x.id = ${id}`,
  user: viaScopeColumns('users'),
  display_link: viaScopeColumns('dashboard_display_links'),
};

/** Entities whose id is itself a region code. */
export const REGION_CODE_ENTITIES = new Set(['region', 'exchange_settings']);

export interface PlacedAudit {
  regionCode: string | null;
  schoolId: number | null;
  communityId: number | null;
}

const pick = (o: unknown, ...keys: string[]): unknown => {
  if (!o || typeof o !== 'object') return undefined;
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
};
const asId = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : null;

/** Scope fields named in the entry's own data (the fallback when no resolver places it). */
export function scopeFromData(...data: unknown[]): {
  regionCode: string | null;
  schoolId: number | null;
  communityId: number | null;
} {
  let regionCode: string | null = null;
  let schoolId: number | null = null;
  let communityId: number | null = null;
  for (const d of data) {
    const r = pick(d, 'regionCode', 'region_code');
    if (regionCode === null && typeof r === 'string' && /^\d{6,9}$/.test(r)) regionCode = r;
    schoolId ??= asId(
      pick(d, 'schoolId', 'school_id', 'organizerSchoolId', 'organizer_school_id', 'ownerSchoolId', 'owner_school_id'),
    );
    communityId ??= asId(pick(d, 'communityId', 'community_id'));
  }
  return { regionCode, schoolId, communityId };
}
