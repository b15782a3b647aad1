import { sql } from 'kysely';
import type { TodoSource } from '../../contracts/todo.js';
import type { Db } from '../../db/connection.js';
import { MentorshipsService } from './mentorships.service.js';

/** Exchanges this many days before they end (the 待办 panel and the reminder). */
export const EXCHANGE_NOTICE_DAYS = 14;

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);

/**
 * Postings ending between today and `until`: the teacher, and the principals of both schools. The
 * notifications scan reads them for everyone (userId absent), the 待办 panel for one user.
 */
export async function exchangesEnding(db: Db, today: string, until: string, userId?: number) {
  const r = await sql<{ user_id: number; id: number; teacher_name: string; to_school: string; end_date: string }>`
    select distinct u.id as user_id, a.id, t.name as teacher_name, s.name as to_school, a.end_date::text as end_date
    from exchange_assignments a
    join teachers t on t.id = a.teacher_id
    join schools s on s.id = a.to_school_id
    join users u on u.is_active and (u.teacher_id = a.teacher_id
      or (u.role = 'school_admin' and u.scope_kind = 'school' and u.scope_id in (a.from_school_id::text, a.to_school_id::text)))
    where a.status = 'active' and a.end_date >= ${today}::date and a.end_date <= ${until}::date
      and ${userId === undefined ? sql`true` : sql`u.id = ${userId}`}
    order by end_date, a.id`.execute(db);
  return r.rows;
}

export const exchangeTodo: readonly TodoSource[] = [
  {
    kind: 'exchange_ending',
    async load({ db, actor, today }) {
      return (await exchangesEnding(db, today, addDays(today, EXCHANGE_NOTICE_DAYS), actor.userId)).map((a) => ({
        kind: 'exchange_ending' as const,
        title: `交流即将结束：${a.teacher_name} 在${a.to_school}`,
        titleEn: `Exchange ending: ${a.teacher_name} at ${a.to_school}`,
        dueDate: a.end_date,
        count: 1,
        link: `/exchange?search=${encodeURIComponent(a.teacher_name)}&status=active`,
      }));
    },
  },
  {
    // a mentor hears about their own pairs, a principal about their school's mentors, a lead about the community's
    kind: 'mentor_behind',
    async load({ db, actor, today }) {
      if (actor.role !== 'community_lead' && actor.role !== 'school_admin' && actor.teacherId === null) return [];
      const pairs = (
        await new MentorshipsService(db).list(actor, { page: 1, pageSize: 500, behind: true, on: today })
      ).items.filter((p) =>
        actor.role === 'community_lead'
          ? true
          : actor.role === 'school_admin'
            ? String(p.mentorSchoolId) === actor.scope.id
            : p.mentorTeacherId === actor.teacherId,
      );
      return pairs.map((p) => ({
        kind: 'mentor_behind' as const,
        title: `师徒听课未达标：${p.mentorName} → ${p.apprenticeName}（每月 ${p.observationsPerMonth} 节）`,
        titleEn: `Mentor behind quota: ${p.mentorName} → ${p.apprenticeName} (${p.observationsPerMonth}/month)`,
        dueDate: null,
        count: 1,
        link: `/exchange/mentorships?search=${encodeURIComponent(p.mentorName)}`,
      }));
    },
  },
];
