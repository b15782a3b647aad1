import { z } from 'zod';
import type { JobKind } from '../../contracts/job.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { NATION_CODE } from '../../../shared/regions.js';
import { shanghaiDate } from '../../../shared/beijing-time.js';
import { PlansService } from '../activities/index.js';
import { EXCHANGE_NOTICE_DAYS, exchangesEnding, MentorshipsService } from '../exchange/index.js';
import { ACTION_ITEM_NOTICE_DAYS, actionItemsDue, pendingSignatures } from '../meetings/index.js';
import * as repo from './notifications.repo.js';
import { addDays } from './notifications.rules.js';
import { notify, type NotifyInput } from './notifications.service.js';
import { gradeName } from '../../../shared/grades.js';

/** Action items are told this many days before their due date, exchanges before they end (the owning modules say). */
export { ACTION_ITEM_NOTICE_DAYS, EXCHANGE_NOTICE_DAYS };

/**
 * The scan reads the other modules as the system (the whole country) and hands each finding to the
 * people it concerns, by scope: a teacher hears about their own items, pairs and postings; a
 * principal about their school's; a community lead about their community's. Bureau accounts get
 * nothing from the scan: their view is the cockpit.
 */
const SYSTEM: Actor = {
  userId: 0,
  username: 'system',
  displayName: '系统',
  role: 'bureau_admin',
  scope: { kind: 'region', id: NATION_CODE },
  teacherId: null,
};

export async function scanForNotifications(db: Db, now: Date): Promise<Record<string, number>> {
  const today = shanghaiDate(now);
  const found: NotifyInput[] = [];

  for (const s of await pendingSignatures(db))
    found.push({
      userId: s.user_id,
      kind: 'minutes_signature',
      dedupeKey: `minutes-signer:${s.signer_id}`,
      title: '会议纪要待您签署',
      titleEn: 'Minutes await your signature',
      body: `${s.community_name}「${s.title}」第 ${s.revision} 版纪要待签署`,
      bodyEn: `${s.community_name}: revision ${s.revision} of the minutes of “${s.title}” awaits signature`,
      link: `/meetings/${s.meeting_id}`,
    });

  for (const i of await actionItemsDue(db, today, addDays(today, ACTION_ITEM_NOTICE_DAYS)))
    found.push(
      i.overdue
        ? {
            userId: i.user_id,
            kind: 'action_item_overdue',
            dedupeKey: `action-item:${i.id}:overdue`,
            title: '待办事项已逾期',
            titleEn: 'Action item overdue',
            body: `${i.community_name}：「${i.title}」应于 ${i.due_date} 完成`,
            bodyEn: `${i.community_name}: “${i.title}” was due on ${i.due_date}`,
            link: `/meetings/${i.meeting_id}`,
          }
        : {
            userId: i.user_id,
            kind: 'action_item_due',
            dedupeKey: `action-item:${i.id}:due`,
            title: '待办事项即将到期',
            titleEn: 'Action item due soon',
            body: `${i.community_name}：「${i.title}」将于 ${i.due_date} 到期`,
            bodyEn: `${i.community_name}: “${i.title}” is due on ${i.due_date}`,
            link: `/meetings/${i.meeting_id}`,
          },
    );

  // work plans: the activities module judges what is behind
  const behind = await new PlansService(db, () => now).reminders(SYSTEM, {});
  const planPeople = await repo.planRecipients(db, [...new Set(behind.map((r) => r.communityId))]);
  for (const r of behind) {
    const what = [r.schoolName, r.grade ? gradeName(r.grade) : null, r.subject, r.month].filter(Boolean).join(' ');
    const key = `work-plan:${r.planId}:${r.kind}:${r.schoolName ?? ''}:${r.grade ?? ''}:${r.subject ?? ''}:${r.month ?? ''}`;
    for (const p of planPeople) {
      if (p.community_id !== r.communityId) continue;
      // a principal hears about their own school's targets and the community-wide ones
      if (p.school_name !== null && r.schoolName !== null && p.school_name !== r.schoolName) continue;
      found.push({
        userId: p.user_id,
        kind: 'work_plan_behind',
        dedupeKey: key,
        title: '工作计划滞后',
        titleEn: 'Work plan behind schedule',
        body: `${r.communityName} ${r.semester}${what ? `（${what}）` : ''}：应完成 ${r.due}，已完成 ${r.done}`,
        bodyEn: `${r.communityName} ${r.semester}${what ? ` (${what})` : ''}: ${r.done} of ${r.due} done`,
        link: '/activities/plans',
      });
    }
  }

  // mentors behind their monthly quota: the exchange module judges it
  const month = today.slice(0, 7);
  const pairs = (await new MentorshipsService(db).list(SYSTEM, { page: 1, pageSize: 100_000, behind: true, on: today }))
    .items;
  const mentorPeople = await repo.mentorRecipients(
    db,
    pairs.map((p) => ({ teacherId: p.mentorTeacherId, schoolId: p.mentorSchoolId })),
  );
  for (const p of pairs)
    for (const u of mentorPeople) {
      if (u.teacher_id !== p.mentorTeacherId && u.school_id !== String(p.mentorSchoolId)) continue;
      found.push({
        userId: u.user_id,
        kind: 'mentor_behind',
        dedupeKey: `mentorship:${p.id}:${month}`,
        title: '师徒结对听课未达标',
        titleEn: 'Mentor behind the observation quota',
        body: `${p.mentorName} → ${p.apprenticeName}：上月听课未达到每月 ${p.observationsPerMonth} 节`,
        bodyEn: `${p.mentorName} → ${p.apprenticeName}: last month below ${p.observationsPerMonth} observation(s)`,
        link: '/exchange/mentorships',
      });
    }

  for (const a of await exchangesEnding(db, today, addDays(today, EXCHANGE_NOTICE_DAYS)))
    found.push({
      userId: a.user_id,
      kind: 'exchange_ending',
      dedupeKey: `exchange:${a.id}:ending`,
      title: '交流即将结束',
      titleEn: 'Exchange ending soon',
      body: `${a.teacher_name} 在${a.to_school}的交流将于 ${a.end_date} 结束`,
      bodyEn: `${a.teacher_name}'s posting at ${a.to_school} ends on ${a.end_date}`,
      link: '/exchange',
    });

  let created = 0;
  for (const n of found) if ((await notify(db, n)) !== null) created++;
  return { found: found.length, created };
}

export const scanNotifications: JobKind<Record<string, never>> = {
  name: 'notifications.scan',
  payload: z.object({}).strict(),
  timeoutSeconds: 300,
  run: (_p, { db, now }) => scanForNotifications(db, now()),
};
