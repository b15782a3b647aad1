import { listTotal, pageTotals, type PageTotals } from '../../db/totals.js';
import { paged } from '../../db/paging.js';
import { todayShanghai } from '../../../shared/beijing-time.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { OutOfScopeError, ValidationError, fieldIssue, ruleViolation, notPermitted } from '../../http/errors.js';
import type {
  AgendaItem,
  AgendaItemInput,
  AgendaOrderInput,
  Attendee,
  AttendeeInput,
  Meeting,
  MeetingDetail,
  MeetingInput,
  MeetingListQuery,
  MeetingPatch,
} from '../../../shared/meetings.schemas.js';
import { changedFields, recordAudit } from '../audit/index.js';
import { visibleCommunityCondition } from '../registry/index.js';
import { currentMemberSchools, managedMeeting, notFound, notManager, readableMeeting } from './meetings.access.js';
import { toAgendaItem, toAttachment, toAttendee, toMeeting } from './meetings.mappers.js';
import { meetingsPolicy } from './meetings.policy.js';
import * as repo from './meetings.repo.js';
import { carryOverTopic, carryOverTopicEn, pickPrincipal, SYSTEM_PROPOSER } from './meetings.rules.js';

type Tx = Db;

/** Meetings, their agenda and attendees. Minutes, items and files have their own services. */
export class MeetingsService {
  constructor(private readonly db: Db) {}

  /** One page; `countCap`: rows counted exactly before the total becomes an estimate (db/totals.ts). */
  async list(actor: Actor, q: MeetingListQuery, countCap?: number): Promise<{ items: Meeting[] } & PageTotals> {
    const base = repo.meetingsQuery(this.db, actor, q);
    const [rows, count] = await Promise.all([
      repo.withMeetingColumns(base).orderBy('m.starts_at', q.order).orderBy('m.id', q.order).$call(paged(q)).execute(),
      listTotal(this.db, base, { exact: q.exactTotal, cap: countCap }),
    ]);
    return { items: rows.map(toMeeting), ...pageTotals(count) };
  }

  async get(actor: Actor, id: number): Promise<MeetingDetail> {
    const access = await readableMeeting(this.db, actor, id);
    const asOf = todayShanghai();
    const [row, agenda, attendees, attachments, members, pendingSigner] = await Promise.all([
      repo
        .withMeetingColumns(repo.meetingsQuery(this.db, actor, {}))
        .where('m.id', '=', id)
        .executeTakeFirstOrThrow(),
      repo.agendaOf(this.db, id, asOf),
      repo.attendeesOf(this.db, id),
      repo.attachmentsOf(this.db, id),
      currentMemberSchools(this.db, access.community.id),
      this.pendingSignerSchool(actor, id),
    ]);
    return {
      ...toMeeting(row),
      communityRegionCode: row.community_region_code,
      agenda: agenda.map(toAgendaItem),
      attendees: attendees.map(toAttendee),
      attachments: attachments.map(toAttachment),
      can: {
        manage: meetingsPolicy.manage(actor, access.community),
        propose: meetingsPolicy.propose(
          actor,
          access.community,
          members.map((m) => m.schoolId),
        ),
        signForSchoolId: pendingSigner,
      },
    };
  }

  /** The school the actor must sign for in the current circulation round, if any. */
  private async pendingSignerSchool(actor: Actor, meetingId: number): Promise<number | null> {
    if (!meetingsPolicy.sign(actor)) return null;
    const row = await this.db
      .selectFrom('meeting_minutes_signers as s')
      .innerJoin('meeting_minutes_revisions as r', 'r.id', 's.revision_id')
      .select('s.school_id')
      .where('r.meeting_id', '=', meetingId)
      .where('r.status', '=', 'circulated')
      .whereRef('s.round', '=', 'r.round')
      .where('s.status', '=', 'pending')
      .where('s.user_id', '=', actor.userId)
      .executeTakeFirst();
    return row?.school_id ?? null;
  }

  async create(caller: Caller, input: MeetingInput): Promise<MeetingDetail> {
    const community = await this.db
      .selectFrom('communities as c')
      .select([
        'c.id',
        'c.name',
        'c.region_code',
        'c.partner_region_code',
        'c.dissolved_on',
        sql<boolean>`${visibleCommunityCondition(caller.actor, 'c.id')}`.as('visible'),
      ])
      .where('c.id', '=', input.communityId)
      .executeTakeFirst();
    if (!community)
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'unknown_reference',
          `教共体 ${input.communityId} 不存在`,
          `Community ${input.communityId} does not exist`,
        ),
      ]);
    if (!community.visible) throw new OutOfScopeError('community');
    if (!meetingsPolicy.manage(caller.actor, community)) throw notManager();
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('meetings')
        .values({
          community_id: input.communityId,
          kind: input.kind,
          title: input.title,
          starts_at: input.startsAt,
          ends_at: input.endsAt ?? null,
          place: input.place ?? null,
          link: input.link ?? null,
          note: input.note ?? null,
          created_by: caller.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const carried = await carryOver(tx, row.id, row.community_id, row.starts_at);
      const attendees = await prefillAttendees(tx, row.id, row.community_id);
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'meeting',
        entityId: row.id,
        after: { ...row, carriedActionItems: carried, attendees },
      });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  async update(caller: Caller, id: number, patch: MeetingPatch): Promise<MeetingDetail> {
    await managedMeeting(this.db, caller.actor, id);
    const existing = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const startsAt = patch.startsAt ?? existing.starts_at;
    const endsAt = patch.endsAt !== undefined ? patch.endsAt : existing.ends_at;
    if (endsAt && Date.parse(endsAt) <= Date.parse(startsAt))
      throw new ValidationError([
        fieldIssue('body.endsAt', 'custom', '结束时间须晚于开始时间', 'The end must be after the start'),
      ]);
    const place = patch.place !== undefined ? patch.place : existing.place;
    const link = patch.link !== undefined ? patch.link : existing.link;
    if (!place && !link)
      throw new ValidationError([
        fieldIssue('body.place', 'custom', '请填写会议地点或线上会议链接', 'Give a place or an online meeting link'),
      ]);
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('meetings')
        .set({
          ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.note !== undefined ? { note: patch.note } : {}),
          starts_at: startsAt,
          ends_at: endsAt,
          place,
          link,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'meeting',
        entityId: id,
        ...changedFields(existing, row),
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    await managedMeeting(this.db, caller.actor, id);
    const signed = await this.db
      .selectFrom('meeting_minutes_revisions')
      .select('id')
      .where('meeting_id', '=', id)
      .where((eb) => eb.or([eb('status', '!=', 'draft'), eb('round', '>', 0)]))
      .executeTakeFirst();
    if (signed)
      throw ruleViolation(
        409,
        '纪要已传阅会签，会议不能删除',
        'The minutes have been circulated for signature; the meeting cannot be deleted',
      );
    const items = await this.db
      .selectFrom('meeting_agenda_items as a')
      .innerJoin('meeting_action_items as i', 'i.id', 'a.carried_action_item_id')
      .select('a.id')
      .where('i.meeting_id', '=', id)
      .executeTakeFirst();
    if (items)
      throw ruleViolation(
        409,
        '本次会议的事项已结转到后续会议议程，不能删除',
        "Items of this meeting are on a later meeting's agenda; it cannot be deleted",
      );
    await this.db.transaction().execute(async (tx) => {
      const before = await tx.deleteFrom('meetings').where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'delete', entity: 'meeting', entityId: id, before });
    });
  }

  // ---------- agenda ----------

  async addAgendaItem(caller: Caller, meetingId: number, input: AgendaItemInput): Promise<AgendaItem> {
    const { actor } = caller;
    const access = await readableMeeting(this.db, actor, meetingId);
    const members = await currentMemberSchools(this.db, access.community.id);
    if (
      !meetingsPolicy.propose(
        actor,
        access.community,
        members.map((m) => m.schoolId),
      )
    ) {
      throw notPermitted(
        '只有教共体负责人或成员学校校长可以提出议题',
        'Only the community lead or a member school principal may propose agenda items',
      );
    }
    // a principal proposes for their own school; the lead may record a proposal on a member's behalf
    const manager = meetingsPolicy.manage(actor, access.community);
    const schoolId = manager ? (input.proposerSchoolId ?? null) : Number(actor.scope.id);
    if (schoolId !== null && !members.some((m) => m.schoolId === schoolId)) {
      throw new ValidationError([
        fieldIssue(
          'body.proposerSchoolId',
          'not_member',
          '提议学校须为本教共体的核心校或成员校',
          'The proposing school must be a core or member school of this community',
        ),
      ]);
    }
    await this.assertAgendaOpen(meetingId);
    const id = await this.db.transaction().execute(async (tx) => {
      await lockMeeting(tx, meetingId);
      const next = await tx
        .selectFrom('meeting_agenda_items')
        .select(sql<number>`coalesce(max(position), 0) + 1`.as('p'))
        .where('meeting_id', '=', meetingId)
        .executeTakeFirstOrThrow();
      const row = await tx
        .insertInto('meeting_agenda_items')
        .values({
          meeting_id: meetingId,
          position: next.p,
          topic: input.topic,
          proposer_name: manager ? (input.proposerName ?? actor.displayName) : actor.displayName,
          proposer_school_id: schoolId,
          proposer_user_id: actor.userId,
          note: input.note ?? null,
          carried_action_item_id: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'meeting_agenda_item', entityId: row.id, after: row });
      return row.id;
    });
    return this.agendaItem(meetingId, id);
  }

  /** Once the minutes circulate, the agenda is part of the record. */
  private async assertAgendaOpen(meetingId: number) {
    const rev = await this.db
      .selectFrom('meeting_minutes_revisions')
      .select('status')
      .where('meeting_id', '=', meetingId)
      .where('status', '!=', 'draft')
      .executeTakeFirst();
    if (rev)
      throw ruleViolation(
        409,
        '纪要已传阅会签，议程不能再修改',
        'The minutes have been circulated; the agenda can no longer change',
      );
  }

  private async agendaItem(meetingId: number, id: number): Promise<AgendaItem> {
    const all = await repo.agendaOf(this.db, meetingId, todayShanghai());
    const row = all.find((a) => a.id === id);
    if (!row) throw notFound('议题', 'Agenda item', id);
    return toAgendaItem(row);
  }

  async removeAgendaItem(caller: Caller, meetingId: number, itemId: number): Promise<void> {
    await managedMeeting(this.db, caller.actor, meetingId);
    await this.assertAgendaOpen(meetingId);
    await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .deleteFrom('meeting_agenda_items')
        .where('id', '=', itemId)
        .where('meeting_id', '=', meetingId)
        .returningAll()
        .executeTakeFirst();
      if (!before) throw notFound('议题', 'Agenda item', itemId);
      // a carried item taken off stays off: carrying over again must not bring it back
      if (before.carried_action_item_id !== null)
        await tx
          .insertInto('meeting_carry_dismissals')
          .values({
            meeting_id: meetingId,
            action_item_id: before.carried_action_item_id,
            dismissed_by: caller.actor.userId,
          })
          .onConflict((oc) => oc.columns(['meeting_id', 'action_item_id']).doNothing())
          .execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'meeting_agenda_item', entityId: itemId, before });
    });
  }

  /** Puts the agenda in the given order (issue 22): every item of the meeting, once; positions become 1..n. */
  async reorderAgenda(caller: Caller, meetingId: number, input: AgendaOrderInput): Promise<AgendaItem[]> {
    await managedMeeting(this.db, caller.actor, meetingId);
    await this.assertAgendaOpen(meetingId);
    await this.db.transaction().execute(async (tx) => {
      await lockMeeting(tx, meetingId);
      const rows = await tx
        .selectFrom('meeting_agenda_items')
        .select(['id', 'position'])
        .where('meeting_id', '=', meetingId)
        .orderBy('position')
        .orderBy('id')
        .execute();
      const given = new Set(input.itemIds);
      if (given.size !== input.itemIds.length || given.size !== rows.length || rows.some((r) => !given.has(r.id)))
        throw new ValidationError([
          fieldIssue(
            'body.itemIds',
            'incomplete_order',
            '新顺序须包含本次会议的全部议题，且每项只出现一次；请刷新后重试',
            'The new order must list every agenda item of this meeting exactly once; reload and try again',
          ),
        ]);
      for (const [k, itemId] of input.itemIds.entries())
        await tx
          .updateTable('meeting_agenda_items')
          .set({ position: k + 1 })
          .where('id', '=', itemId)
          .where('meeting_id', '=', meetingId)
          .execute();
      await recordAudit(tx, caller, {
        action: 'reorder_agenda',
        entity: 'meeting',
        entityId: meetingId,
        before: { order: rows.map((r) => r.id) },
        after: { order: input.itemIds },
      });
    });
    return (await repo.agendaOf(this.db, meetingId, todayShanghai())).map(toAgendaItem);
  }

  /** Pulls open items of earlier meetings onto this agenda again (idempotent). */
  async carryOver(caller: Caller, meetingId: number): Promise<AgendaItem[]> {
    const access = await managedMeeting(this.db, caller.actor, meetingId);
    await this.assertAgendaOpen(meetingId);
    await this.db.transaction().execute(async (tx) => {
      const carried = await carryOver(tx, meetingId, access.community.id, access.meeting.starts_at);
      if (carried.length)
        await recordAudit(tx, caller, {
          action: 'carry_over',
          entity: 'meeting',
          entityId: meetingId,
          after: { carriedActionItems: carried },
        });
    });
    return (await repo.agendaOf(this.db, meetingId, todayShanghai())).map(toAgendaItem);
  }

  // ---------- attendees ----------

  async addAttendee(caller: Caller, meetingId: number, input: AttendeeInput): Promise<Attendee> {
    await managedMeeting(this.db, caller.actor, meetingId);
    const issues = [];
    if (
      input.schoolId &&
      !(await this.db.selectFrom('schools').select('id').where('id', '=', input.schoolId).executeTakeFirst())
    ) {
      issues.push(
        fieldIssue(
          'body.schoolId',
          'unknown_reference',
          `学校 ${input.schoolId} 不存在`,
          `School ${input.schoolId} does not exist`,
        ),
      );
    }
    if (
      input.teacherId &&
      !(await this.db.selectFrom('teachers').select('id').where('id', '=', input.teacherId).executeTakeFirst())
    ) {
      issues.push(
        fieldIssue(
          'body.teacherId',
          'unknown_reference',
          `教师 ${input.teacherId} 不存在`,
          `Teacher ${input.teacherId} does not exist`,
        ),
      );
    }
    if (issues.length) throw new ValidationError(issues);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('meeting_attendees')
        .values({
          meeting_id: meetingId,
          category: input.category,
          person_name: input.personName,
          teacher_id: input.teacherId ?? null,
          school_id: input.schoolId ?? null,
          position: input.position ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'meeting_attendee', entityId: row.id, after: row });
      return row.id;
    });
    const row = (await repo.attendeesOf(this.db, meetingId)).find((a) => a.id === id);
    return toAttendee(row!);
  }

  async removeAttendee(caller: Caller, meetingId: number, attendeeId: number): Promise<void> {
    await managedMeeting(this.db, caller.actor, meetingId);
    await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .deleteFrom('meeting_attendees')
        .where('id', '=', attendeeId)
        .where('meeting_id', '=', meetingId)
        .returningAll()
        .executeTakeFirst();
      if (!before) throw notFound('参会人员', 'Attendee', attendeeId);
      await recordAudit(tx, caller, { action: 'delete', entity: 'meeting_attendee', entityId: attendeeId, before });
    });
  }
}

/**
 * Seed 001: "会议纪要落实情况要在下次联席会议上予以通报". Every unfinished action item of the
 * community from a meeting held before this one becomes an agenda item, once.
 */
export async function carryOver(tx: Tx, meetingId: number, communityId: number, startsAt: string): Promise<number[]> {
  // one carry-over at a time per meeting (a double click, the create and the button): positions stay distinct
  await lockMeeting(tx, meetingId);
  const open = await tx
    .selectFrom('meeting_action_items as i')
    .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
    .select(['i.id', 'i.title', 'i.owner_name', 'i.due_date'])
    .where('i.community_id', '=', communityId)
    .where('i.done_at', 'is', null)
    .where('i.meeting_id', '!=', meetingId)
    .where('m.starts_at', '<', startsAt)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('meeting_agenda_items as x')
            .select('x.id')
            .where('x.meeting_id', '=', meetingId)
            .whereRef('x.carried_action_item_id', '=', 'i.id'),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('meeting_carry_dismissals as d')
            .select('d.action_item_id')
            .where('d.meeting_id', '=', meetingId)
            .whereRef('d.action_item_id', '=', 'i.id'),
        ),
      ),
    )
    .orderBy('i.due_date')
    .orderBy('i.id')
    .execute();
  if (!open.length) return [];
  const next = await tx
    .selectFrom('meeting_agenda_items')
    .select(sql<number>`coalesce(max(position), 0)`.as('p'))
    .where('meeting_id', '=', meetingId)
    .executeTakeFirstOrThrow();
  const inserted = await tx
    .insertInto('meeting_agenda_items')
    .values(
      open.map((i, k) => ({
        meeting_id: meetingId,
        position: next.p + k + 1,
        topic: carryOverTopic(i),
        topic_en: carryOverTopicEn(i),
        proposer_name: SYSTEM_PROPOSER.zh,
        proposer_school_id: null,
        proposer_user_id: null,
        note: null,
        carried_action_item_id: i.id,
      })),
    )
    // the partial unique index is the last word: an item is on a meeting's agenda once
    .onConflict((oc) =>
      oc.columns(['meeting_id', 'carried_action_item_id']).where('carried_action_item_id', 'is not', null).doNothing(),
    )
    .returning('carried_action_item_id')
    .execute();
  return inserted.map((r) => r.carried_action_item_id!);
}

/** Serialises agenda writers of one meeting (row lock on the meeting until the transaction ends). */
async function lockMeeting(tx: Tx, meetingId: number): Promise<void> {
  await tx.selectFrom('meetings').select('id').where('id', '=', meetingId).forUpdate().execute();
}

/**
 * 参会人员 start from the community's current core and member schools (issue 20): each school's
 * principal as the registry names them, else its principal account; editable afterwards.
 */
export async function prefillAttendees(tx: Tx, meetingId: number, communityId: number): Promise<number> {
  const schools = await currentMemberSchools(tx, communityId);
  if (!schools.length) return 0;
  const ids = schools.map((s) => s.schoolId);
  const [registry, accounts] = await Promise.all([
    tx.selectFrom('schools').select(['id', 'principal_name']).where('id', 'in', ids).execute(),
    tx
      .selectFrom('users as u')
      .leftJoin('teachers as t', 't.id', 'u.teacher_id')
      .select(['u.id', 'u.scope_id', 'u.display_name', 't.posts'])
      .where('u.role', '=', 'school_admin')
      .where('u.scope_kind', '=', 'school')
      .where('u.is_active', '=', true)
      .where('u.scope_id', 'in', ids.map(String))
      .execute(),
  ]);
  const rows = schools.flatMap((s) => {
    const named = registry.find((r) => r.id === s.schoolId)?.principal_name?.trim();
    const account = pickPrincipal(
      accounts
        .filter((a) => Number(a.scope_id) === s.schoolId)
        .map((a) => ({ userId: a.id, schoolId: s.schoolId, displayName: a.display_name, teacherPosts: a.posts })),
    );
    const name = named || account?.displayName;
    return name
      ? [
          {
            meeting_id: meetingId,
            category: 'attendee',
            person_name: name,
            teacher_id: null,
            school_id: s.schoolId,
            position: '校长',
          },
        ]
      : [];
  });
  if (rows.length) await tx.insertInto('meeting_attendees').values(rows).execute();
  return rows.length;
}
