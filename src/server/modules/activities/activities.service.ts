import { sql } from 'kysely';
import { paged, pageOffset } from '../../db/paging.js';
import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import { SCOPE_TABLES } from '../registry/index.js';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ValidationError, fieldIssue, ruleViolation, type FieldIssue } from '../../http/errors.js';
import { notFound, outOfScope } from './activities.errors.js';
import {
  DETAIL_SCHEMAS,
  type Activity,
  type ActivityDetail,
  type ActivityInputParsed,
  type ActivityKind,
  type ActivityListQuery,
  type ActivityPatch,
  type SyncClassDetails,
  type SyncResultInput,
} from '../../../shared/activities.schemas.js';
import { semesterOfInstant, semesterRange, shanghaiDate } from '../../../shared/activities.semester.js';
import { changedFields, recordAudit } from '../audit/index.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { activitiesPolicy, type CommunityAccess } from './activities.policy.js';
import * as repo from './activities.repo.js';
import { toActivity, toAttachments, zodIssues } from './activities.mappers.js';
import { classKey, conflictsWith } from './calendar.conflicts.js';
import { libraryResourcesOf, publishClassRecording } from './recordings.js';

const MAX_SPAN_MS = 31 * 86400_000;
/** Detail fields that name a teacher, checked to be staff of a member school. */
const TEACHER_FIELDS = [
  'hostTeacherId',
  'leadTeacherId',
  'speakerTeacherId',
  'teacherId',
  'observerTeacherId',
  'observedTeacherId',
] as const;

interface Normalised {
  communityId: number;
  organizerSchoolId: number;
  participantSchoolIds: number[];
  kind: ActivityKind;
  title: string;
  description: string | null;
  startsAt: string;
  endsAt: string;
  semester?: string | undefined;
  teacherCount: number;
  studentCount?: number | undefined;
  details: Record<string, unknown>;
}

export class ActivitiesService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Access to a community, or 404/403 in the caller's terms. */
  async access(actor: Actor, communityId: number, onDate?: string): Promise<CommunityAccess> {
    const c = await repo.communityAccess(this.db, actor, communityId, onDate);
    if (!c) throw notFound('community', communityId);
    if (!activitiesPolicy.read(actor, c)) throw outOfScope('community');
    return c;
  }

  /**
   * Activities as the list shows them, newest first: with their names, counts and their
   * communities' member schools (repo.withCommunityMembers), all in one statement.
   */
  private listed(qb: ReturnType<typeof repo.activitiesQuery>) {
    return repo
      .withCommunityMembers(repo.withActivityExtras(qb))
      .orderBy('a.starts_at', 'desc')
      .orderBy('a.id', 'desc');
  }

  /** The page's rows, read the way that costs least for the caller (activities.repo.ts readsByCommunity). */
  private async pageRows(actor: Actor, q: ActivityListQuery, base: ReturnType<typeof repo.activitiesQuery>) {
    // every activity the caller may read, narrowed below to the page's ids
    const readable = () => this.listed(repo.activitiesQuery(this.db, actor, {}));
    if (repo.readsByCommunity(actor, q)) {
      const ids = repo.pageIdsByCommunity(this.db, actor, q, { limit: q.pageSize, offset: pageOffset(q) });
      return readable()
        .where(sql<boolean>`a.id in (${ids})`)
        .execute();
    }
    if (!q.search) return this.listed(base).$call(paged(q)).execute();
    // a title search is planned afresh on every call (db/prepared.ts: its plan depends on the term),
    // so it finds the page's ids alone — a small statement, cheap to plan — and the names and counts
    // of those rows come from a statement whose plan is kept (one array parameter: one text, one plan)
    const ids = await base
      .select('a.id')
      .orderBy('a.starts_at', 'desc')
      .orderBy('a.id', 'desc')
      .$call(paged(q))
      .execute();
    if (!ids.length) return [];
    return readable()
      .where(sql<boolean>`a.id = any(${ids.map((r) => r.id)}::int[])`)
      .execute();
  }

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(actor: Actor, q: ActivityListQuery, countCap?: number): Promise<{ items: Activity[] } & PageTotals> {
    const base = repo.activitiesQuery(this.db, actor, q);
    const [rows, total] = await Promise.all([
      this.pageRows(actor, q, base),
      repo.summaryTotal(this.db, actor, q).then((n) =>
        n === null
          ? listTotal(this.db, base, {
              exact: q.exactTotal,
              cap: countCap,
              changesOf: [...SCOPE_TABLES, 'activities', 'activity_schools'],
            })
          : { total: n, exact: true },
      ),
    ]);
    const items = rows.map((r) =>
      toActivity(
        r,
        activitiesPolicy.edit(actor, repo.accessOfListed(r), {
          organizerSchoolId: r.organizer_school_id,
          schoolIds: r.schools.map((s) => s.id),
          createdBy: r.created_by,
        }),
      ),
    );
    return { items, ...pageTotals(total) };
  }

  async get(actor: Actor, id: number): Promise<ActivityDetail> {
    const row = await this.listed(repo.activitiesQuery(this.db, actor, {}))
      .where('a.id', '=', id)
      .executeTakeFirst();
    if (!row) {
      if (await repo.findActivity(this.db, id)) throw outOfScope('activity');
      throw notFound('activity', id);
    }
    const canEdit = activitiesPolicy.edit(actor, repo.accessOfListed(row), {
      organizerSchoolId: row.organizer_school_id,
      schoolIds: row.schools.map((s) => s.id),
      createdBy: row.created_by,
    });
    const attachments = toAttachments(await repo.attachmentsOf(this.db, [id]));
    // names of the teachers the details point at (host, observer, mentor …), for the detail view
    const details = (row.details ?? {}) as Record<string, unknown>;
    const ids = TEACHER_FIELDS.map((f) => details[f]).filter((x): x is number => typeof x === 'number');
    const teacherNames = Object.fromEntries(
      (await repo.teachersByIds(this.db, ids)).map((t) => [String(t.id), t.name]),
    );
    const libraryResources = await libraryResourcesOf(this.db, id);
    return { ...toActivity(row, canEdit), attachments, teacherNames, libraryResources };
  }

  /** The checks every write shares: membership, semester, teachers, double booking. Returns the row values. */
  private async check(actor: Actor, v: Normalised, selfId: number | null) {
    const issues: FieldIssue[] = [];
    const startDate = shanghaiDate(v.startsAt);
    const c = await repo.communityAccess(this.db, actor, v.communityId, startDate);
    if (!c)
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'unknown_reference',
          `教共体 ${v.communityId} 不存在`,
          `Community ${v.communityId} does not exist`,
        ),
      ]);
    if (!c.visible) throw outOfScope('community');

    // semester: the record's key, or the term its start falls in; both ends inside that term
    const semester = v.semester ?? semesterOfInstant(v.startsAt);
    const range = semester ? semesterRange(semester) : null;
    if (!semester || !range) {
      issues.push(
        fieldIssue(
          'body.startsAt',
          'outside_semester',
          `${startDate} 不在任何学期内（8 月为暑假）`,
          `${startDate} is in no term (August is the summer holiday)`,
        ),
      );
    } else {
      for (const [field, at] of [
        ['startsAt', v.startsAt],
        ['endsAt', v.endsAt],
      ] as const) {
        const d = shanghaiDate(at);
        if (d < range.start || d > range.end) {
          issues.push(
            fieldIssue(
              `body.${field}`,
              'outside_semester',
              `${d} 不在 ${semester} 学期（${range.start} 至 ${range.end}）内`,
              `${d} is outside term ${semester} (${range.start} to ${range.end})`,
            ),
          );
        }
      }
    }
    const span = Date.parse(v.endsAt) - Date.parse(v.startsAt);
    if (span <= 0)
      issues.push(
        fieldIssue('body.endsAt', 'before_start', '结束时间应晚于开始时间', 'The end must be after the start'),
      );
    else if (span > MAX_SPAN_MS)
      issues.push(fieldIssue('body.endsAt', 'too_long', '一次活动不超过 31 天', 'One activity lasts at most 31 days'));

    // every school involved must be a member on the day
    const notMember = (id: number) => !c.memberSchoolIds.includes(id);
    const schoolName = async (id: number) =>
      (await this.db.selectFrom('schools').select('name').where('id', '=', id).executeTakeFirst())?.name ?? `#${id}`;
    if (notMember(v.organizerSchoolId)) {
      const n = await schoolName(v.organizerSchoolId);
      issues.push(
        fieldIssue(
          'body.organizerSchoolId',
          'not_member',
          `“${n}”在 ${startDate} 不是“${c.name}”的成员校`,
          `${n} is not a member of ${c.name} on ${startDate}`,
        ),
      );
    }
    for (const [i, id] of v.participantSchoolIds.entries()) {
      if (notMember(id)) {
        const n = await schoolName(id);
        issues.push(
          fieldIssue(
            `body.participantSchoolIds.${i}`,
            'not_member',
            `“${n}”不是“${c.name}”的成员校`,
            `${n} is not a member of ${c.name}`,
          ),
        );
      }
    }
    let sync: SyncClassDetails | null = null;
    if (v.kind === 'sync_class') {
      sync = v.details as SyncClassDetails;
      const seen = new Set<string>();
      for (const [i, r] of sync.receiving.entries()) {
        if (notMember(r.schoolId)) {
          const n = await schoolName(r.schoolId);
          issues.push(
            fieldIssue(
              `body.details.receiving.${i}.schoolId`,
              'not_member',
              `接收学校“${n}”不是“${c.name}”的成员校`,
              `Receiving school ${n} is not a member of ${c.name}`,
            ),
          );
        }
        const k = classKey(r.schoolId, r.className);
        if (seen.has(k))
          issues.push(
            fieldIssue(
              `body.details.receiving.${i}.className`,
              'duplicate',
              `接收班级“${r.className}”重复`,
              `Receiving class ${r.className} is listed twice`,
            ),
          );
        seen.add(k);
      }
    }
    const teacherIds = TEACHER_FIELDS.map((f) => v.details[f]).filter((x): x is number => typeof x === 'number');
    const teachers = new Map((await repo.teachersByIds(this.db, teacherIds)).map((t) => [t.id, t]));
    for (const f of TEACHER_FIELDS) {
      const tid = v.details[f];
      if (typeof tid !== 'number') continue;
      const t = teachers.get(tid);
      if (!t)
        issues.push(
          fieldIssue(`body.details.${f}`, 'unknown_reference', `教师 ${tid} 不存在`, `Teacher ${tid} does not exist`),
        );
      else if (f === 'hostTeacherId' && t.school_id !== v.organizerSchoolId) {
        issues.push(
          fieldIssue(
            `body.details.${f}`,
            'not_at_school',
            `主讲教师“${t.name}”不在组织学校任教`,
            `Host teacher ${t.name} does not teach at the organising school`,
          ),
        );
      } else if (notMember(t.school_id)) {
        issues.push(
          fieldIssue(
            `body.details.${f}`,
            'not_member',
            `教师“${t.name}”不在该教共体的成员校`,
            `Teacher ${t.name} is not at a member school`,
          ),
        );
      }
    }
    if (issues.length) throw new ValidationError(issues);

    const schoolIds = [
      ...new Set([v.organizerSchoolId, ...v.participantSchoolIds, ...(sync?.receiving.map((r) => r.schoolId) ?? [])]),
    ];
    if (sync) await this.checkDoubleBooking(selfId, v, sync, schoolIds);
    const studentCount = v.studentCount ?? defaultStudents(v.kind, v.details);
    return { access: c, semester: semester!, schoolIds, studentCount };
  }

  private async checkDoubleBooking(selfId: number | null, v: Normalised, sync: SyncClassDetails, schoolIds: number[]) {
    const candidate = {
      id: selfId ?? 0,
      title: v.title,
      startsAt: v.startsAt,
      endsAt: v.endsAt,
      hostTeacherId: sync.hostTeacherId,
      hostSchoolId: v.organizerSchoolId,
      hostClass: sync.hostClass,
      receiving: sync.receiving.map((r) => ({ schoolId: r.schoolId, className: r.className })),
    };
    // the host teacher's school is the organiser; classes are at the schools involved
    const booked = await repo.syncSlots(this.db, v.startsAt, v.endsAt, schoolIds);
    const found = conflictsWith(candidate, booked);
    if (!found.length) return;
    const other = booked.find((b) => b.id === (found[0]!.a === candidate.id ? found[0]!.b : found[0]!.a))!;
    const teacher = found.some((f) => f.reason === 'teacher');
    throw ruleViolation(
      409,
      teacher
        ? `主讲教师在该时段已有同步课堂“${other.title}”（#${other.id}）`
        : `有班级在该时段已安排同步课堂“${other.title}”（#${other.id}）`,
      teacher
        ? `The host teacher already has sync class "${other.title}" (#${other.id}) at that time`
        : `A class is already booked for sync class "${other.title}" (#${other.id}) at that time`,
      [
        fieldIssue(
          teacher ? 'body.details.hostTeacherId' : 'body.details.receiving',
          'double_booked',
          `与 #${other.id} 冲突`,
          `Conflicts with #${other.id}`,
        ),
      ],
    );
  }

  /**
   * Creates the activity, once per device id: a retried offline create carrying the `clientId` this
   * user already sent answers with the first record (`created: false`) instead of a duplicate.
   */
  async createOnce(
    caller: Caller,
    input: ActivityInputParsed,
  ): Promise<{ activity: ActivityDetail; created: boolean }> {
    if (input.clientId) {
      const first = await this.db
        .selectFrom('activities')
        .select('id')
        .where('created_by', '=', caller.actor.userId)
        .where('client_id', '=', input.clientId)
        .executeTakeFirst();
      if (first) return { activity: await this.get(caller.actor, first.id), created: false };
    }
    return { activity: await this.create(caller, input), created: true };
  }

  async create(caller: Caller, input: ActivityInputParsed): Promise<ActivityDetail> {
    const v: Normalised = {
      ...input,
      details: input.details as Record<string, unknown>,
      description: input.description ?? null,
      participantSchoolIds: input.participantSchoolIds ?? [],
    };
    const checked = await this.check(caller.actor, v, null);
    if (!activitiesPolicy.log(caller.actor, checked.access, checked.schoolIds)) throw outOfScope('activity');
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('activities')
        .values({
          community_id: v.communityId,
          organizer_school_id: v.organizerSchoolId,
          kind: v.kind,
          title: v.title,
          description: v.description,
          starts_at: v.startsAt,
          ends_at: v.endsAt,
          semester: checked.semester,
          teacher_count: v.teacherCount,
          student_count: checked.studentCount,
          details: JSON.stringify(v.details),
          created_by: caller.actor.userId,
          client_id: input.clientId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertSchools(tx, row.id, v.organizerSchoolId, checked.schoolIds);
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'activity',
        entityId: row.id,
        after: { ...row, schoolIds: checked.schoolIds },
      });
      return row.id;
    });
    await this.publishRecordingLink(caller, id, v.details);
    return this.get(caller.actor, id);
  }

  /** A sync class's recording link, once there is one, goes to the library by itself (see recordings.ts). */
  private async publishRecordingLink(caller: Caller, id: number, details: Record<string, unknown>) {
    const url = details.recordingUrl;
    if (typeof url !== 'string' || !url) return;
    await publishClassRecording(this.db, this.storage, caller, id, { url }).catch((e: unknown) =>
      process.emitWarning(`activity ${id}: the recording was not published to the library: ${String(e)}`),
    );
  }

  private async editable(caller: Caller, id: number) {
    const existing = await repo.findActivity(this.db, id);
    if (!existing) throw notFound('activity', id);
    const c = await repo.communityAccess(this.db, caller.actor, existing.community_id);
    if (!c || !c.visible) throw outOfScope('activity');
    return { existing, access: c };
  }

  async update(caller: Caller, id: number, patch: ActivityPatch): Promise<ActivityDetail> {
    const { existing, access } = await this.editable(caller, id);
    const owner = {
      organizerSchoolId: existing.organizer_school_id,
      schoolIds: existing.school_ids,
      createdBy: existing.created_by,
    };
    if (!activitiesPolicy.edit(caller.actor, access, owner)) throw outOfScope('activity');
    if (patch.communityId !== undefined && patch.communityId !== existing.community_id) {
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'immutable',
          '不能把活动移到另一个教共体，请删除后重新登记',
          'An activity cannot move to another community; delete and log it again',
        ),
      ]);
    }
    const kind = existing.kind as ActivityKind;
    let details = existing.details;
    if (patch.details !== undefined) {
      const parsed = DETAIL_SCHEMAS[kind].safeParse(patch.details);
      if (!parsed.success) throw new ValidationError(zodIssues('body.details', parsed.error));
      details = parsed.data as Record<string, unknown>;
    }
    const participants =
      patch.participantSchoolIds ?? existing.school_ids.filter((s) => s !== existing.organizer_school_id);
    const v: Normalised = {
      communityId: existing.community_id,
      organizerSchoolId: patch.organizerSchoolId ?? existing.organizer_school_id,
      participantSchoolIds: participants,
      kind,
      title: patch.title ?? existing.title,
      description: patch.description !== undefined ? patch.description : existing.description,
      startsAt: patch.startsAt ?? existing.starts_at,
      endsAt: patch.endsAt ?? existing.ends_at,
      semester: patch.semester ?? existing.semester,
      teacherCount: patch.teacherCount ?? existing.teacher_count,
      studentCount:
        patch.studentCount ??
        (patch.details !== undefined && kind === 'sync_class' ? undefined : existing.student_count),
      details,
    };
    const checked = await this.check(caller.actor, v, id);
    // the edited record must stay within what this caller may log
    if (
      !activitiesPolicy.log(caller.actor, checked.access, checked.schoolIds) &&
      !activitiesPolicy.edit(caller.actor, checked.access, { ...owner, organizerSchoolId: v.organizerSchoolId })
    ) {
      throw outOfScope('activity');
    }
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('activities')
        .set({
          organizer_school_id: v.organizerSchoolId,
          title: v.title,
          description: v.description,
          starts_at: v.startsAt,
          ends_at: v.endsAt,
          semester: checked.semester,
          teacher_count: v.teacherCount,
          student_count: checked.studentCount,
          details: JSON.stringify(details),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.deleteFrom('activity_schools').where('activity_id', '=', id).execute();
      await insertSchools(tx, id, v.organizerSchoolId, checked.schoolIds);
      const { school_ids: _ignored, ...before } = existing;
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'activity',
        entityId: id,
        ...changedFields(before as Record<string, unknown>, row as Record<string, unknown>),
      });
    });
    await this.publishRecordingLink(caller, id, details);
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const { existing, access } = await this.editable(caller, id);
    if (
      !activitiesPolicy.edit(caller.actor, access, {
        organizerSchoolId: existing.organizer_school_id,
        schoolIds: existing.school_ids,
        createdBy: existing.created_by,
      })
    ) {
      throw outOfScope('activity');
    }
    const files = await this.db
      .selectFrom('activity_attachments')
      .select(['file_key', 'thumb_key', 'file_name', 'version', 'group_id'])
      .where('activity_id', '=', id)
      .execute();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('activities').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'activity',
        entityId: id,
        before: { ...existing, attachments: files },
      });
    });
    // files go after the commit: a failed delete leaves an unreferenced file, never a dangling row
    for (const f of files) {
      await this.storage.delete(f.file_key).catch(() => undefined);
      if (f.thumb_key) await this.storage.delete(f.thumb_key).catch(() => undefined);
    }
  }

  /** After the class: attendance per receiving class and the recording link. */
  async syncResult(caller: Caller, id: number, input: SyncResultInput): Promise<ActivityDetail> {
    const { existing, access } = await this.editable(caller, id);
    if (
      !activitiesPolicy.attach(caller.actor, access, {
        organizerSchoolId: existing.organizer_school_id,
        schoolIds: existing.school_ids,
        createdBy: existing.created_by,
      })
    ) {
      throw outOfScope('activity');
    }
    if (existing.kind !== 'sync_class')
      throw ruleViolation(422, '只有同步课堂需要填写到课情况', 'Only sync classes take attendance');
    if (Date.parse(existing.starts_at) > this.now().getTime()) {
      throw ruleViolation(
        422,
        '课程尚未开始，课后再填写到课人数和录像',
        'The class has not started yet; fill in attendance and the recording afterwards',
      );
    }
    const details = existing.details as SyncClassDetails;
    const byKey = new Map(details.receiving.map((r, i) => [classKey(r.schoolId, r.className), i]));
    const issues: FieldIssue[] = [];
    const receiving = details.receiving.map((r) => ({ ...r }));
    for (const [i, a] of input.attendance.entries()) {
      const idx = byKey.get(classKey(a.schoolId, a.className));
      if (idx === undefined)
        issues.push(
          fieldIssue(
            `body.attendance.${i}.className`,
            'unknown_class',
            `“${a.className}”不是这节课的接收班级`,
            `${a.className} is not a receiving class of this lesson`,
          ),
        );
      else receiving[idx]!.attended = a.attended;
    }
    if (issues.length) throw new ValidationError(issues);
    const next = {
      ...details,
      receiving,
      recordingUrl: input.recordingUrl !== undefined ? input.recordingUrl : (details.recordingUrl ?? null),
    };
    const students = defaultStudents('sync_class', next);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('activities')
        .set({ details: JSON.stringify(next), student_count: students, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, {
        action: 'sync_result',
        entity: 'activity',
        entityId: id,
        before: { details },
        after: { details: next },
      });
    });
    await this.publishRecordingLink(caller, id, next);
    return this.get(caller.actor, id);
  }
}

/** Students counted when the form leaves it empty: receiving classes for sync classes, reach for courses. */
function defaultStudents(kind: ActivityKind, details: Record<string, unknown>): number {
  if (kind === 'sync_class') {
    return (details as SyncClassDetails).receiving.reduce((s, r) => s + (r.attended ?? r.expectedStudents), 0);
  }
  if (kind === 'shared_course') return Number(details.studentsReached ?? 0);
  return 0;
}

async function insertSchools(tx: Db, activityId: number, organizerId: number, schoolIds: number[]) {
  await tx
    .insertInto('activity_schools')
    .values(
      schoolIds.map((s) => ({
        activity_id: activityId,
        school_id: s,
        role: s === organizerId ? 'organizer' : 'participant',
      })),
    )
    .execute();
}
