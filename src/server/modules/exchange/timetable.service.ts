import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { ForbiddenError, ValidationError, fieldIssue } from '../../http/errors.js';
import { minutesOf } from '../../../shared/exchange.hours.js';
import type { TimetableEntry, TimetableEntryInput } from '../../../shared/exchange.schemas.js';
import { recordAudit } from '../audit/index.js';
import { notFound, referenceOutOfScope, unknownReference } from './exchange.errors.js';
import { exchangePolicy } from './exchange.policy.js';
import * as repo from './exchange.repo.js';

/** The home timetable entries the system knows, which itinerant slots must keep clear of. */
export class TimetableService {
  constructor(private readonly db: Db) {}

  async add(caller: Caller, input: TimetableEntryInput): Promise<TimetableEntry> {
    const teacher = await repo.findTeacher(this.db, input.teacherId);
    if (!teacher)
      throw unknownReference(
        'body.teacherId',
        `教师 ${input.teacherId} 不存在`,
        `Teacher ${input.teacherId} does not exist`,
      );
    const schoolId = input.schoolId ?? teacher.school_id;
    const facts = await repo.schoolFacts(this.db, [teacher.school_id, schoolId]);
    const home = facts.get(teacher.school_id)!;
    if (!facts.get(schoolId))
      throw unknownReference('body.schoolId', `学校 ${schoolId} 不存在`, `School ${schoolId} does not exist`);
    if (!(await repo.privateSchools(this.db, caller.actor, [home.id])).has(home.id)) {
      throw referenceOutOfScope(
        'body.teacherId',
        `教师“${teacher.name}”不在您的管理范围内`,
        `Teacher ${teacher.name} is outside your scope`,
      );
    }
    if (!exchangePolicy.editTimetable(caller.actor, home)) throw new ForbiddenError();
    if (minutesOf(input.endTime) <= minutesOf(input.startTime)) {
      throw new ValidationError([
        fieldIssue('body.endTime', 'end_before_start', '下课时间应晚于上课时间', 'The lesson must end after it starts'),
      ]);
    }
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('teacher_timetable_entries')
        .values({
          teacher_id: teacher.id,
          school_id: schoolId,
          weekday: input.weekday,
          start_time: input.startTime,
          end_time: input.endTime,
          subject: input.subject ?? null,
          class_name: input.className ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'teacher_timetable_entry',
        entityId: row.id,
        after: row,
      });
      return row.id;
    });
    const entry = (await repo.homeTimetable(this.db, teacher.id)).find((e) => e.id === id)!;
    return {
      id,
      teacherId: entry.teacher_id,
      schoolId: entry.school_id,
      schoolName: entry.school_name,
      weekday: entry.weekday,
      startTime: entry.start_time,
      endTime: entry.end_time,
      subject: entry.subject,
      className: entry.class_name,
    };
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const row = await this.db
      .selectFrom('teacher_timetable_entries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('timetable_entry', id);
    const teacher = await repo.findTeacher(this.db, row.teacher_id);
    const home = (await repo.schoolFacts(this.db, [teacher!.school_id])).get(teacher!.school_id)!;
    if (!exchangePolicy.editTimetable(caller.actor, home)) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('teacher_timetable_entries').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'teacher_timetable_entry', entityId: id, before: row });
    });
  }
}
