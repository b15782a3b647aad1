import { todayShanghai } from '../../../shared/beijing-time.js';
import type { Db } from '../../db/connection.js';
import type {
  ActionItemStatus,
  AttendeeCategory,
  MeetingKind,
  MinutesStatus,
} from '../../../shared/meetings.schemas.js';
import * as repo from './meetings.repo.js';
import { actionItemStatus } from './meetings.rules.js';

/** One meeting as the semester archive (档案) and the PDF export see it. */
export interface ArchivedMeeting {
  id: number;
  communityId: number;
  communityName: string;
  kind: MeetingKind;
  title: string;
  startsAt: string;
  endsAt: string | null;
  place: string | null;
  link: string | null;
  agenda: { position: number; topic: string; proposerName: string; proposerSchoolName: string | null }[];
  attendees: { category: AttendeeCategory; personName: string; schoolName: string | null; position: string | null }[];
  /** The latest revision; `signedVersion` is the latest locked one (the official record) when it differs. */
  minutes: ArchivedMinutes | null;
  signedVersion: ArchivedMinutes | null;
  actionItems: {
    id: number;
    title: string;
    ownerName: string;
    dueDate: string;
    status: ActionItemStatus;
    doneAt: string | null;
    activityIds: number[];
  }[];
  attachments: { id: number; fileName: string; contentType: string; size: number }[];
}
export interface ArchivedMinutes {
  revision: number;
  status: MinutesStatus;
  body: string;
  sha256: string;
  lockedAt: string | null;
  signatures: {
    schoolName: string;
    schoolRole: string;
    signerName: string;
    status: string;
    decidedAt: string | null;
    sha256: string | null;
    comment: string | null;
  }[];
}

/**
 * The meetings of a community held between two dates (China calendar days, inclusive), with the
 * minutes, signatures and items, for the community's semester archive. No access check: the caller
 * (the archive service) has already decided the actor may read the community.
 */
export async function meetingsForArchive(
  db: Db,
  communityId: number,
  from: string,
  to: string,
): Promise<ArchivedMeeting[]> {
  const rows = await db
    .selectFrom('meetings as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select([
      'm.id',
      'm.community_id',
      'c.name as community_name',
      'm.kind',
      'm.title',
      'm.starts_at',
      'm.ends_at',
      'm.place',
      'm.link',
    ])
    .where('m.community_id', '=', communityId)
    .where('m.starts_at', '>=', `${from}T00:00:00+08:00`)
    .where('m.starts_at', '<=', `${to}T23:59:59.999+08:00`)
    .orderBy('m.starts_at')
    .execute();
  return Promise.all(rows.map((r) => archiveOne(db, r)));
}

export async function archivedMeeting(db: Db, meetingId: number): Promise<ArchivedMeeting | undefined> {
  const r = await db
    .selectFrom('meetings as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select([
      'm.id',
      'm.community_id',
      'c.name as community_name',
      'm.kind',
      'm.title',
      'm.starts_at',
      'm.ends_at',
      'm.place',
      'm.link',
    ])
    .where('m.id', '=', meetingId)
    .executeTakeFirst();
  return r ? archiveOne(db, r) : undefined;
}

async function archiveOne(
  db: Db,
  r: {
    id: number;
    community_id: number;
    community_name: string;
    kind: string;
    title: string;
    starts_at: string;
    ends_at: string | null;
    place: string | null;
    link: string | null;
  },
): Promise<ArchivedMeeting> {
  const asOf = todayShanghai();
  const [agenda, attendees, revisions, items, attachments] = await Promise.all([
    repo.agendaOf(db, r.id, asOf),
    repo.attendeesOf(db, r.id),
    repo.revisionsOf(db, r.id),
    db
      .selectFrom('meeting_action_items')
      .selectAll()
      .where('meeting_id', '=', r.id)
      .orderBy('due_date')
      .orderBy('id')
      .execute(),
    repo.attachmentsOf(db, r.id),
  ]);
  const latest = revisions[0];
  const locked = revisions.find((v) => v.status === 'locked');
  const signers = await repo.signersOf(
    db,
    [latest?.id, locked?.id].filter((x): x is number => x !== undefined),
  );
  const minutesOf = (v: typeof latest): ArchivedMinutes | null =>
    v
      ? {
          revision: v.revision,
          status: v.status as MinutesStatus,
          body: v.body,
          sha256: v.body_sha256,
          lockedAt: v.locked_at,
          signatures: signers
            .filter((s) => s.revision_id === v.id && s.round === v.round)
            .map((s) => ({
              schoolName: s.school_name,
              schoolRole: s.school_role,
              signerName: s.signer_name,
              status: s.status,
              decidedAt: s.decided_at,
              sha256: s.signed_sha256,
              comment: s.comment,
            })),
        }
      : null;
  return {
    id: r.id,
    communityId: r.community_id,
    communityName: r.community_name,
    kind: r.kind as MeetingKind,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    place: r.place,
    link: r.link,
    agenda: agenda.map((a) => ({
      position: a.position,
      topic: a.topic,
      proposerName: a.proposer_name,
      proposerSchoolName: a.proposer_school_name,
    })),
    attendees: attendees.map((a) => ({
      category: a.category as AttendeeCategory,
      personName: a.person_name,
      schoolName: a.school_name,
      position: a.position,
    })),
    minutes: minutesOf(latest),
    signedVersion: locked && locked.id !== latest?.id ? minutesOf(locked) : null,
    actionItems: items.map((i) => ({
      id: i.id,
      title: i.title,
      ownerName: i.owner_name,
      dueDate: i.due_date,
      status: actionItemStatus(i, asOf),
      doneAt: i.done_at,
      activityIds: i.activity_ids,
    })),
    attachments: attachments.map((a) => ({
      id: a.id,
      fileName: a.file_name,
      contentType: a.content_type,
      size: a.size,
    })),
  };
}
