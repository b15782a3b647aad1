import { paged } from '../../db/paging.js';
import { shanghaiDate, todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ValidationError, fieldIssue, type FieldIssue, notPermitted } from '../../http/errors.js';
import type {
  ActionItem,
  ActionItemInput,
  ActionItemListQuery,
  ActionItemPatch,
  ProgressNoteInput,
} from '../../../shared/meetings.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { visibleCommunityCondition } from '../registry/index.js';
import { managedMeeting, notFound, readableMeeting } from './meetings.access.js';
import { toActionItem, type ActionItemJoined } from './meetings.mappers.js';
import { meetingsPolicy } from './meetings.policy.js';
import * as repo from './meetings.repo.js';

const COLUMNS = [
  'i.id',
  'i.meeting_id',
  'm.title as meeting_title',
  'i.community_id',
  'c.name as community_name',
  'i.title',
  'i.description',
  'i.owner_kind',
  'i.owner_name',
  'i.owner_teacher_id',
  'i.owner_school_id',
  'i.due_date',
  'i.done_at',
  'i.activity_ids',
] as const;

/** Decisions of a meeting that someone must carry out by a date (seed 001: 各项目组应认真贯彻落实). */
export class ActionItemsService {
  constructor(private readonly db: Db) {}

  async list(actor: Actor, q: ActionItemListQuery): Promise<{ items: ActionItem[]; total: number }> {
    const asOf = q.asOf ?? todayShanghai();
    let base = repo.actionItemsQuery(this.db, visibleCommunityCondition(actor, 'i.community_id'));
    if (q.communityId) base = base.where('i.community_id', '=', q.communityId);
    if (q.meetingId) base = base.where('i.meeting_id', '=', q.meetingId);
    if (q.ownerSchoolId) base = base.where('i.owner_school_id', '=', q.ownerSchoolId);
    if (q.status?.length) base = base.where(repo.actionStatusSql(asOf), 'in', q.status);
    const [rows, count] = await Promise.all([
      base.select(COLUMNS).orderBy('i.due_date').orderBy('i.id').$call(paged(q)).execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const notes = await repo.notesOf(
      this.db,
      rows.map((r) => r.id),
    );
    return { items: rows.map((r) => toActionItem(r as ActionItemJoined, notes, asOf)), total: count.n };
  }

  private async one(id: number): Promise<ActionItem> {
    const row = await repo
      .actionItemsQuery(this.db, sql<boolean>`true`)
      .select(COLUMNS)
      .where('i.id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('事项', 'Action item', id);
    return toActionItem(row as ActionItemJoined, await repo.notesOf(this.db, [id]), todayShanghai());
  }

  /** Owner references exist and the due date is not before the meeting (a decision cannot be due before it is taken). */
  private async check(meetingStartsAt: string, v: Partial<ActionItemInput>) {
    const issues: FieldIssue[] = [];
    const meetingDay = shanghaiDate(meetingStartsAt);
    if (v.dueDate && v.dueDate < meetingDay) {
      issues.push(
        fieldIssue(
          'body.dueDate',
          'before_meeting',
          `截止日期不能早于会议日期 ${meetingDay}`,
          `The due date cannot precede the meeting date ${meetingDay}`,
        ),
      );
    }
    if (
      v.ownerSchoolId &&
      !(await this.db.selectFrom('schools').select('id').where('id', '=', v.ownerSchoolId).executeTakeFirst())
    ) {
      issues.push(
        fieldIssue(
          'body.ownerSchoolId',
          'unknown_reference',
          `学校 ${v.ownerSchoolId} 不存在`,
          `School ${v.ownerSchoolId} does not exist`,
        ),
      );
    }
    if (
      v.ownerTeacherId &&
      !(await this.db.selectFrom('teachers').select('id').where('id', '=', v.ownerTeacherId).executeTakeFirst())
    ) {
      issues.push(
        fieldIssue(
          'body.ownerTeacherId',
          'unknown_reference',
          `教师 ${v.ownerTeacherId} 不存在`,
          `Teacher ${v.ownerTeacherId} does not exist`,
        ),
      );
    }
    if (issues.length) throw new ValidationError(issues);
  }

  /** The owner's display name: the school's or teacher's name unless given. */
  private async ownerName(v: Partial<ActionItemInput>): Promise<string | undefined> {
    if (v.ownerName) return v.ownerName;
    if (v.ownerKind === 'school' && v.ownerSchoolId)
      return (await this.db.selectFrom('schools').select('name').where('id', '=', v.ownerSchoolId).executeTakeFirst())
        ?.name;
    if (v.ownerTeacherId)
      return (await this.db.selectFrom('teachers').select('name').where('id', '=', v.ownerTeacherId).executeTakeFirst())
        ?.name;
    return undefined;
  }

  async create(caller: Caller, meetingId: number, input: ActionItemInput): Promise<ActionItem> {
    const access = await managedMeeting(this.db, caller.actor, meetingId);
    await this.check(access.meeting.starts_at, input);
    const ownerName = (await this.ownerName(input)) ?? '';
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('meeting_action_items')
        .values({
          meeting_id: meetingId,
          community_id: access.community.id,
          title: input.title,
          description: input.description ?? null,
          owner_kind: input.ownerKind,
          owner_name: ownerName,
          owner_teacher_id: input.ownerTeacherId ?? null,
          owner_school_id: input.ownerSchoolId ?? null,
          due_date: input.dueDate,
          done_at: null,
          activity_ids: [...new Set(input.activityIds ?? [])],
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'meeting_action_item', entityId: row.id, after: row });
      return row.id;
    });
    return this.one(id);
  }

  private async loadForWrite(actor: Actor, id: number) {
    const item = await this.db.selectFrom('meeting_action_items').selectAll().where('id', '=', id).executeTakeFirst();
    if (!item) throw notFound('事项', 'Action item', id);
    const access = await readableMeeting(this.db, actor, item.meeting_id);
    return { item, access };
  }

  async update(caller: Caller, id: number, patch: ActionItemPatch): Promise<ActionItem> {
    const { item, access } = await this.loadForWrite(caller.actor, id);
    const manager = meetingsPolicy.manage(caller.actor, access.community);
    const onlyProgress = Object.keys(patch).every((k) => k === 'done' || k === 'activityIds');
    const ownerSchools = await this.ownerSchools(item);
    // the owner school's principal may report progress (done, linked activities); the rest is the lead's
    if (!manager && !(onlyProgress && meetingsPolicy.reportProgress(caller.actor, access.community, ownerSchools))) {
      throw notPermitted(
        '只有教共体负责人可以修改事项；负责学校的校长只能登记进展',
        "Only the community lead may edit an item; the owner school's principal may only report progress",
      );
    }
    await this.check(access.meeting.starts_at, patch);
    const ownerName =
      patch.ownerName ??
      (patch.ownerSchoolId || patch.ownerTeacherId
        ? await this.ownerName({ ...patch, ownerKind: patch.ownerKind ?? (item.owner_kind as 'person' | 'school') })
        : undefined);
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('meeting_action_items')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.ownerKind !== undefined ? { owner_kind: patch.ownerKind } : {}),
          ...(ownerName !== undefined ? { owner_name: ownerName } : {}),
          ...(patch.ownerTeacherId !== undefined ? { owner_teacher_id: patch.ownerTeacherId } : {}),
          ...(patch.ownerSchoolId !== undefined ? { owner_school_id: patch.ownerSchoolId } : {}),
          ...(patch.dueDate !== undefined ? { due_date: patch.dueDate } : {}),
          ...(patch.activityIds !== undefined ? { activity_ids: [...new Set(patch.activityIds)] } : {}),
          ...(patch.done !== undefined
            ? { done_at: patch.done ? (item.done_at ?? new Date().toISOString()) : null }
            : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'meeting_action_item',
        entityId: id,
        ...changedFields(item, row),
      });
    });
    return this.one(id);
  }

  private async ownerSchools(item: {
    owner_school_id: number | null;
    owner_teacher_id: number | null;
  }): Promise<(number | null)[]> {
    const teacherSchool = item.owner_teacher_id
      ? ((
          await this.db
            .selectFrom('teachers')
            .select('school_id')
            .where('id', '=', item.owner_teacher_id)
            .executeTakeFirst()
        )?.school_id ?? null)
      : null;
    return [item.owner_school_id, teacherSchool];
  }

  async addNote(caller: Caller, id: number, input: ProgressNoteInput): Promise<ActionItem> {
    const { item, access } = await this.loadForWrite(caller.actor, id);
    if (!meetingsPolicy.reportProgress(caller.actor, access.community, await this.ownerSchools(item))) {
      throw notPermitted(
        '只有教共体负责人或负责学校的校长可以登记进展',
        "Only the community lead or the owner school's principal may report progress",
      );
    }
    await this.db.transaction().execute(async (tx) => {
      const note = await tx
        .insertInto('meeting_action_notes')
        .values({
          action_item_id: id,
          note: input.note,
          author_user_id: caller.actor.userId,
          author_name: caller.actor.displayName,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (input.done !== undefined) {
        await tx
          .updateTable('meeting_action_items')
          .set({
            done_at: input.done ? (item.done_at ?? new Date().toISOString()) : null,
            updated_at: new Date().toISOString(),
          })
          .where('id', '=', id)
          .execute();
      }
      await recordAudit(tx, caller, {
        action: 'progress',
        entity: 'meeting_action_item',
        entityId: id,
        after: { note, done: input.done },
      });
    });
    return this.one(id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const { item } = await this.loadForWrite(caller.actor, id);
    await managedMeeting(this.db, caller.actor, item.meeting_id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('meeting_action_items').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'meeting_action_item', entityId: id, before: item });
    });
  }
}
