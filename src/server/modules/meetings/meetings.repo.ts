import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { MeetingListQuery } from '../../../shared/meetings.schemas.js';
import { visibleCommunityCondition } from '../registry/index.js';

/** SQL of the meetings module. Lists aggregate in SQL; nothing here decides rights beyond row visibility. */

/** Latest revision's status, or 'none' when no minutes were drafted. */
const minutesStatusSql = sql<string>`coalesce((select r.status from meeting_minutes_revisions r where r.meeting_id = m.id order by r.revision desc limit 1), 'none')`;

export function meetingsQuery(db: Db, actor: Actor, q: Partial<MeetingListQuery>) {
  let query = db
    .selectFrom('meetings as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .where(visibleCommunityCondition(actor, 'm.community_id'));
  if (q.communityId) query = query.where('m.community_id', '=', q.communityId);
  if (q.kind?.length) query = query.where('m.kind', 'in', q.kind);
  if (q.minutesStatus?.length) query = query.where(minutesStatusSql, 'in', q.minutesStatus);
  // dates are China calendar days
  if (q.from) query = query.where('m.starts_at', '>=', `${q.from}T00:00:00+08:00`);
  if (q.to) query = query.where('m.starts_at', '<=', `${q.to}T23:59:59.999+08:00`);
  if (q.search) {
    const s = `%${q.search}%`;
    query = query.where((eb) => eb.or([eb('m.title', 'ilike', s), eb('c.name', 'ilike', s)]));
  }
  return query;
}

export function withMeetingColumns<Q extends ReturnType<typeof meetingsQuery>>(q: Q) {
  return q.select([
    'm.id',
    'm.community_id',
    'm.kind',
    'm.title',
    'm.starts_at',
    'm.ends_at',
    'm.place',
    'm.link',
    'm.note',
    'm.created_at',
    'c.name as community_name',
    'c.region_code as community_region_code',
    minutesStatusSql.as('minutes_status'),
    sql<number | null>`(select max(r.revision) from meeting_minutes_revisions r where r.meeting_id = m.id)`.as(
      'revision',
    ),
    sql<number>`(select count(*) from meeting_agenda_items a where a.meeting_id = m.id)`.as('agenda_count'),
    sql<number>`(select count(*) from meeting_action_items i where i.meeting_id = m.id and i.done_at is null)`.as(
      'open_items',
    ),
  ]);
}
export type MeetingListRow = Awaited<ReturnType<ReturnType<typeof withMeetingColumns>['executeTakeFirstOrThrow']>>;

export async function agendaOf(db: Db, meetingId: number, asOf: string) {
  return db
    .selectFrom('meeting_agenda_items as a')
    .leftJoin('schools as s', 's.id', 'a.proposer_school_id')
    .leftJoin('meeting_action_items as i', 'i.id', 'a.carried_action_item_id')
    .select([
      'a.id',
      'a.position',
      'a.topic',
      'a.topic_en',
      'a.proposer_name',
      'a.proposer_user_id',
      'a.proposer_school_id',
      's.name as proposer_school_name',
      'a.note',
      'i.id as item_id',
      'i.title as item_title',
      'i.owner_name as item_owner',
      'i.due_date as item_due',
      'i.done_at as item_done_at',
      'i.meeting_id as item_meeting_id',
    ])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('a.position')
    .orderBy('a.id')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, asOf })));
}

export async function attendeesOf(db: Db, meetingId: number) {
  return db
    .selectFrom('meeting_attendees as a')
    .leftJoin('schools as s', 's.id', 'a.school_id')
    .select([
      'a.id',
      'a.category',
      'a.person_name',
      'a.teacher_id',
      'a.school_id',
      's.name as school_name',
      'a.position',
    ])
    .where('a.meeting_id', '=', meetingId)
    .orderBy(sql`case a.category when 'attendee' then 0 else 1 end`)
    .orderBy('a.id')
    .execute();
}

export async function attachmentsOf(db: Db, meetingId: number) {
  return db.selectFrom('meeting_attachments').selectAll().where('meeting_id', '=', meetingId).orderBy('id').execute();
}

export async function revisionsOf(db: Db, meetingId: number) {
  return db
    .selectFrom('meeting_minutes_revisions')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('revision', 'desc')
    .execute();
}

export async function signersOf(db: Db, revisionIds: number[]) {
  if (!revisionIds.length) return [];
  return db
    .selectFrom('meeting_minutes_signers')
    .selectAll()
    .where('revision_id', 'in', revisionIds)
    .orderBy('round', 'desc')
    .orderBy(sql`case school_role when 'core' then 0 else 1 end`)
    .orderBy('school_name')
    .execute();
}

/** Status of an action item in SQL, the twin of actionItemStatus() in meetings.rules.ts. */
export function actionStatusSql(asOf: string) {
  return sql<
    'open' | 'done' | 'overdue'
  >`(case when i.done_at is not null then 'done' when i.due_date < ${asOf}::date then 'overdue' else 'open' end)`;
}

export function actionItemsQuery(db: Db, visible: Expression<SqlBool>) {
  return db
    .selectFrom('meeting_action_items as i')
    .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
    .innerJoin('communities as c', 'c.id', 'i.community_id')
    .where(visible);
}

export async function notesOf(db: Db, itemIds: number[]) {
  if (!itemIds.length) return [];
  return db
    .selectFrom('meeting_action_notes')
    .selectAll()
    .where('action_item_id', 'in', itemIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
