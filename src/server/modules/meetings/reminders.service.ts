import { shanghaiDate, todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { Reminders, RemindersQuery } from '../../../shared/meetings.schemas.js';
import { visibleCommunityCondition } from '../registry/index.js';
import { daysBetween, MEETING_INTERVAL_MONTHS, monthsBefore } from './meetings.rules.js';

const LIMIT = 500;

/**
 * What needs attention, per community or across the actor's whole scope: communities that have not
 * met within six months, signatures still pending, and action items past their due date.
 */
export class RemindersService {
  constructor(private readonly db: Db) {}

  async get(actor: Actor, q: RemindersQuery): Promise<Reminders> {
    const asOf = q.asOf ?? todayShanghai();
    const endOfDay = `${asOf}T23:59:59.999+08:00`;
    const cutoff = monthsBefore(asOf, MEETING_INTERVAL_MONTHS);
    const cutoffStart = `${cutoff}T00:00:00+08:00`;
    const community = (col: string) =>
      q.communityId ? sql<boolean>`${sql.ref(col)} = ${q.communityId}` : sql<boolean>`true`;

    const [due, pending, overdue] = await Promise.all([
      // a community founded within the interval is not yet due
      this.db
        .selectFrom('communities as c')
        .select([
          'c.id',
          'c.name',
          sql<
            string | null
          >`(select max(m.starts_at) from meetings m where m.community_id = c.id and m.starts_at <= ${endOfDay})`.as(
            'last',
          ),
          sql<
            string | null
          >`(select min(m.starts_at) from meetings m where m.community_id = c.id and m.starts_at > ${endOfDay})`.as(
            'next',
          ),
        ])
        .where(visibleCommunityCondition(actor, 'c.id'))
        .where(community('c.id'))
        .where('c.founded_on', '<', cutoff)
        .$if(q.activeOnly, (qb) =>
          qb.where((eb) => eb.or([eb('c.dissolved_on', 'is', null), eb('c.dissolved_on', '>', asOf)])),
        )
        .where(
          sql<boolean>`not exists (select 1 from meetings m where m.community_id = c.id and m.starts_at >= ${cutoffStart} and m.starts_at <= ${endOfDay})`,
        )
        .orderBy(
          sql`(select max(m.starts_at) from meetings m where m.community_id = c.id and m.starts_at <= ${endOfDay}) asc nulls first`,
        )
        .orderBy('c.name')
        .limit(LIMIT)
        .execute(),
      this.db
        .selectFrom('meeting_minutes_signers as s')
        .innerJoin('meeting_minutes_revisions as r', 'r.id', 's.revision_id')
        .innerJoin('meetings as m', 'm.id', 'r.meeting_id')
        .innerJoin('communities as c', 'c.id', 'm.community_id')
        .select([
          'm.id as meeting_id',
          'm.title',
          'c.id as community_id',
          'c.name as community_name',
          'r.revision',
          's.school_id',
          's.school_name',
          's.signer_name',
          'r.circulated_at',
        ])
        .where(visibleCommunityCondition(actor, 'm.community_id'))
        .where(community('m.community_id'))
        .where('r.status', '=', 'circulated')
        .whereRef('s.round', '=', 'r.round')
        .where('s.status', '=', 'pending')
        .orderBy('r.circulated_at')
        .orderBy('s.school_name')
        .limit(LIMIT)
        .execute(),
      this.db
        .selectFrom('meeting_action_items as i')
        .innerJoin('communities as c', 'c.id', 'i.community_id')
        .select([
          'i.id',
          'i.meeting_id',
          'i.title',
          'c.id as community_id',
          'c.name as community_name',
          'i.owner_name',
          'i.due_date',
        ])
        .where(visibleCommunityCondition(actor, 'i.community_id'))
        .where(community('i.community_id'))
        .where('i.done_at', 'is', null)
        .where('i.due_date', '<', asOf)
        .orderBy('i.due_date')
        .orderBy('i.id')
        .limit(LIMIT)
        .execute(),
    ]);

    return {
      asOf,
      meetingsDue: due.map((d) => ({
        communityId: d.id,
        communityName: d.name,
        lastMeetingAt: d.last,
        nextMeetingAt: d.next,
        daysSince: d.last ? daysBetween(shanghaiDate(d.last), asOf) : null,
      })),
      pendingSignatures: pending.map((p) => ({
        meetingId: p.meeting_id,
        meetingTitle: p.title,
        communityId: p.community_id,
        communityName: p.community_name,
        revision: p.revision,
        schoolId: p.school_id,
        schoolName: p.school_name,
        signerName: p.signer_name,
        circulatedAt: p.circulated_at,
        daysWaiting: p.circulated_at ? Math.max(0, daysBetween(shanghaiDate(p.circulated_at), asOf)) : 0,
      })),
      overdueItems: overdue.map((o) => ({
        id: o.id,
        meetingId: o.meeting_id,
        title: o.title,
        communityId: o.community_id,
        communityName: o.community_name,
        ownerName: o.owner_name,
        dueDate: o.due_date,
        daysOverdue: daysBetween(o.due_date, asOf),
      })),
    };
  }
}
