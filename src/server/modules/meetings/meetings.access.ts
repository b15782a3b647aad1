import { todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { AppError, OutOfScopeError, NotFoundError, notPermitted } from '../../http/errors.js';
import { visibleCommunityCondition } from '../registry/index.js';
import { meetingsPolicy, type CommunityRef } from './meetings.policy.js';

/** Errors this module words itself (the shared catalogue has no "meeting" entity). */
export function notFound(zh: string, en: string, id: number | string): AppError {
  return new NotFoundError(zh, id, { zh, en });
}
export const meetingNotFound = (id: number) => notFound('会议', 'Meeting', id);

export const notManager = () =>
  notPermitted(
    '只有本教共体负责人或教育局管理员可以安排会议、编辑纪要和事项',
    'Only the community lead or the bureau administrator may schedule meetings and edit minutes and items',
  );

export interface MeetingAccess {
  meeting: { id: number; community_id: number; starts_at: string; title: string };
  community: CommunityRef & { name: string };
}

/** Loads a meeting the actor may read, or throws 404 / 403 (out of scope). */
export async function readableMeeting(db: Db, actor: Actor, meetingId: number): Promise<MeetingAccess> {
  const row = await db
    .selectFrom('meetings as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select([
      'm.id',
      'm.community_id',
      'm.starts_at',
      'm.title',
      'c.name',
      'c.region_code',
      'c.partner_region_code',
      sql<boolean>`${visibleCommunityCondition(actor, 'c.id')}`.as('visible'),
    ])
    .where('m.id', '=', meetingId)
    .executeTakeFirst();
  if (!row) throw meetingNotFound(meetingId);
  if (!row.visible) throw new OutOfScopeError('community');
  return {
    meeting: { id: row.id, community_id: row.community_id, starts_at: row.starts_at, title: row.title },
    community: {
      id: row.community_id,
      name: row.name,
      region_code: row.region_code,
      partner_region_code: row.partner_region_code,
    },
  };
}

/** A meeting the actor may manage (schedule, edit, circulate), or 404 / 403. */
export async function managedMeeting(db: Db, actor: Actor, meetingId: number): Promise<MeetingAccess> {
  const access = await readableMeeting(db, actor, meetingId);
  if (!meetingsPolicy.manage(actor, access.community)) throw notManager();
  return access;
}

/** The community's core and member schools on a date (default today). */
export async function currentMemberSchools(db: Db, communityId: number, onDate?: string) {
  const day = onDate ?? todayShanghai();
  return db
    .selectFrom('community_memberships as m')
    .innerJoin('schools as s', 's.id', 'm.school_id')
    .select(['s.id as schoolId', 's.name as schoolName', 'm.role'])
    .where('m.community_id', '=', communityId)
    .where('m.start_date', '<=', day)
    .where((eb) => eb.or([eb('m.end_date', 'is', null), eb('m.end_date', '>=', day)]))
    .orderBy(sql`case m.role when 'core' then 0 else 1 end`)
    .orderBy('s.name')
    .execute() as Promise<{ schoolId: number; schoolName: string; role: 'core' | 'member' }[]>;
}
