import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { CalendarEvent, SyncClassDetails } from '../../../shared/activities.schemas.js';
import { shanghaiInstant } from '../../../shared/activities.semester.js';
import { visibleSchoolCondition } from '../registry/index.js';
import { notFound, outOfScope } from './activities.errors.js';
import { activitiesPolicy } from './activities.policy.js';
import * as repo from './activities.repo.js';
import { findConflicts } from './calendar.conflicts.js';

/** The sync-class calendar of a community or a school, with double bookings flagged. */
export class CalendarService {
  constructor(private readonly db: Db) {}

  async events(
    actor: Actor,
    q: { communityId?: number | undefined; schoolId?: number | undefined; from: string; to: string },
  ): Promise<CalendarEvent[]> {
    if (q.communityId !== undefined) {
      const c = await repo.communityAccess(this.db, actor, q.communityId);
      if (!c) throw notFound('community', q.communityId);
      if (!activitiesPolicy.read(actor, c)) throw outOfScope('community');
    }
    if (q.schoolId !== undefined) {
      const s = await this.db
        .selectFrom('schools')
        .select(['id', sql<boolean>`${visibleSchoolCondition(actor, 'id')}`.as('visible')])
        .where('id', '=', q.schoolId)
        .executeTakeFirst();
      if (!s) throw notFound('school', q.schoolId);
      if (!s.visible) throw outOfScope('school');
    }
    const from = shanghaiInstant(q.from);
    const to = shanghaiInstant(q.to, '23:59');
    const rows = await repo
      .activitiesQuery(this.db, actor, { communityId: q.communityId, schoolId: q.schoolId, kind: ['sync_class'] })
      .innerJoin('schools as os', 'os.id', 'a.organizer_school_id')
      .select([
        'a.id',
        'a.community_id',
        'a.title',
        'a.starts_at',
        'a.ends_at',
        'a.details',
        'a.organizer_school_id',
        'os.name as host_school',
      ])
      .where('a.starts_at', '<', to)
      .where('a.ends_at', '>', from)
      .orderBy('a.starts_at')
      .limit(2000)
      .execute();
    // conflicts may involve classes outside this view (another community of the same school)
    const schoolIds = new Set<number>();
    for (const r of rows) {
      schoolIds.add(r.organizer_school_id);
      for (const x of (r.details as SyncClassDetails).receiving) schoolIds.add(x.schoolId);
    }
    const all = await repo.syncSlots(this.db, from, to, [...schoolIds]);
    const titles = new Map(all.map((s) => [s.id, s.title]));
    const conflicts = findConflicts(all);
    const teacherIds = [...new Set(rows.map((r) => (r.details as SyncClassDetails).hostTeacherId))];
    const teachers = new Map((await repo.teachersByIds(this.db, teacherIds)).map((t) => [t.id, t.name]));
    const schoolNames = schoolIds.size
      ? new Map(
          (
            await this.db
              .selectFrom('schools')
              .select(['id', 'name'])
              .where('id', 'in', [...schoolIds])
              .execute()
          ).map((s) => [s.id, s.name]),
        )
      : new Map<number, string>();
    return rows.map((r) => {
      const d = r.details as SyncClassDetails;
      const mine = conflicts.filter((c) => c.a === r.id || c.b === r.id);
      return {
        id: r.id,
        communityId: r.community_id,
        title: r.title,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        mode: d.mode,
        subject: d.subject,
        grade: d.grade,
        hostTeacherId: d.hostTeacherId,
        hostTeacherName: teachers.get(d.hostTeacherId) ?? null,
        hostSchoolName: r.host_school,
        hostClass: d.hostClass,
        receiving: d.receiving.map((x) => ({
          schoolId: x.schoolId,
          schoolName: schoolNames.get(x.schoolId) ?? `#${x.schoolId}`,
          className: x.className,
          expectedStudents: x.expectedStudents,
          attended: x.attended ?? null,
        })),
        recordingUrl: d.recordingUrl ?? null,
        meetingUrl: d.meetingUrl ?? null,
        completed: !!d.recordingUrl && d.receiving.every((x) => x.attended !== null && x.attended !== undefined),
        conflicts: mine.map((c) => {
          const withId = c.a === r.id ? c.b : c.a;
          return { withId, withTitle: titles.get(withId) ?? `#${withId}`, reason: c.reason, what: c.what };
        }),
      };
    });
  }
}
