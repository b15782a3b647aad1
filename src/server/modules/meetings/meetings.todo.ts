import { sql } from 'kysely';
import type { TodoSource } from '../../contracts/todo.js';
import type { Db } from '../../db/connection.js';

/**
 * Who must act on a meeting: minutes circulated for signature and open action items. The
 * notifications scan reads them for everyone (userId absent), the 待办 panel for one user.
 */

/** Action items this many days before their due date (the 待办 panel and the reminder). */
export const ACTION_ITEM_NOTICE_DAYS = 3;

const forUser = (userId: number | undefined) => (userId === undefined ? sql`true` : sql`u.id = ${userId}`);

/** Minutes circulated for signature: the signer's own account, else the principals of the signing school. */
export async function pendingSignatures(db: Db, userId?: number) {
  const r = await sql<{
    user_id: number;
    signer_id: number;
    meeting_id: number;
    title: string;
    revision: number;
    community_name: string;
    circulated_at: string | null;
  }>`
    select u.id as user_id, s.id as signer_id, m.id as meeting_id, m.title, r.revision, c.name as community_name,
      r.circulated_at::text as circulated_at
    from meeting_minutes_signers s
    join meeting_minutes_revisions r on r.id = s.revision_id
    join meetings m on m.id = r.meeting_id
    join communities c on c.id = m.community_id
    join users u on u.is_active and (u.id = s.user_id
      or (s.user_id is null and u.role = 'school_admin' and u.scope_kind = 'school' and u.scope_id = s.school_id::text))
    where r.status = 'circulated' and s.round = r.round and s.status = 'pending' and ${forUser(userId)}
    order by r.circulated_at, m.id`.execute(db);
  return r.rows;
}

/**
 * Open action items due by `until` (or overdue): the owning teacher, the principals of the owning
 * school, and the leads of the community.
 */
export async function actionItemsDue(db: Db, today: string, until: string, userId?: number) {
  const r = await sql<{
    user_id: number;
    id: number;
    meeting_id: number;
    title: string;
    due_date: string;
    community_name: string;
    overdue: boolean;
  }>`
    select distinct u.id as user_id, i.id, i.meeting_id, i.title, i.due_date::text as due_date, c.name as community_name,
      i.due_date < ${today}::date as overdue
    from meeting_action_items i
    join communities c on c.id = i.community_id
    join users u on u.is_active and (
      (u.teacher_id is not null and u.teacher_id = i.owner_teacher_id)
      or (u.role = 'school_admin' and u.scope_kind = 'school' and u.scope_id = i.owner_school_id::text)
      or (u.role = 'community_lead' and u.scope_kind = 'community' and u.scope_id = i.community_id::text))
    where i.done_at is null and i.due_date <= ${until}::date and ${forUser(userId)}
    order by due_date, i.id`.execute(db);
  return r.rows;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);

export const meetingsTodo: readonly TodoSource[] = [
  {
    kind: 'minutes_signature',
    async load({ db, actor }) {
      return (await pendingSignatures(db, actor.userId)).map((s) => ({
        kind: 'minutes_signature' as const,
        title: `签署会议纪要：${s.community_name}「${s.title}」第 ${s.revision} 版`,
        titleEn: `Sign the minutes: ${s.community_name}, “${s.title}”, revision ${s.revision}`,
        dueDate: null,
        count: 1,
        link: `/meetings/${s.meeting_id}?tab=minutes`,
      }));
    },
  },
  {
    kind: 'action_item_due',
    async load({ db, actor, today }) {
      return (await actionItemsDue(db, today, addDays(today, ACTION_ITEM_NOTICE_DAYS), actor.userId)).map((i) => ({
        kind: 'action_item_due' as const,
        title: `${i.overdue ? '已逾期' : '即将到期'}：${i.community_name}「${i.title}」`,
        titleEn: `${i.overdue ? 'Overdue' : 'Due soon'}: ${i.community_name}, “${i.title}”`,
        dueDate: i.due_date,
        count: 1,
        link: `/meetings/${i.meeting_id}?tab=items`,
      }));
    },
  },
];
