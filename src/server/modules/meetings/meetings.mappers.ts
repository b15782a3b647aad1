import type {
  ActionItem,
  AgendaItem,
  Attachment,
  Attendee,
  Meeting,
  MeetingKind,
  MinutesStatus,
  OwnerKind,
  ProgressNote,
  Revision,
  Signer,
  SignerStatus,
  AttendeeCategory,
} from '../../../shared/meetings.schemas.js';
import { actionItemStatus, SYSTEM_PROPOSER } from './meetings.rules.js';
import type { MeetingListRow } from './meetings.repo.js';
import type { RevisionRow, SignerRow } from './meetings.tables.js';

/** Rows (snake_case) → API objects (camelCase). */
export function toMeeting(r: MeetingListRow): Meeting {
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
    note: r.note,
    minutesStatus: r.minutes_status as Meeting['minutesStatus'],
    revision: r.revision,
    agendaCount: r.agenda_count,
    openItems: r.open_items,
    createdAt: r.created_at,
  };
}

export function toAgendaItem(r: {
  id: number;
  position: number;
  topic: string;
  topic_en: string | null;
  proposer_name: string;
  proposer_user_id: number | null;
  proposer_school_id: number | null;
  proposer_school_name: string | null;
  note: string | null;
  item_id: number | null;
  item_title: string | null;
  item_owner: string | null;
  item_due: string | null;
  item_done_at: string | null;
  item_meeting_id: number | null;
  asOf: string;
}): AgendaItem {
  return {
    id: r.id,
    position: r.position,
    topic: r.topic,
    topicEn: r.topic_en,
    proposerName: r.proposer_name,
    proposerNameEn: r.proposer_user_id === null && r.proposer_name === SYSTEM_PROPOSER.zh ? SYSTEM_PROPOSER.en : null,
    proposerSchoolId: r.proposer_school_id,
    proposerSchoolName: r.proposer_school_name,
    note: r.note,
    carriedActionItem:
      r.item_id !== null && r.item_due !== null
        ? {
            id: r.item_id,
            title: r.item_title ?? '',
            ownerName: r.item_owner ?? '',
            dueDate: r.item_due,
            status: actionItemStatus({ done_at: r.item_done_at, due_date: r.item_due }, r.asOf),
            meetingId: r.item_meeting_id ?? 0,
          }
        : null,
  };
}

export function toAttendee(r: {
  id: number;
  category: string;
  person_name: string;
  teacher_id: number | null;
  school_id: number | null;
  school_name: string | null;
  position: string | null;
}): Attendee {
  return {
    id: r.id,
    category: r.category as AttendeeCategory,
    personName: r.person_name,
    teacherId: r.teacher_id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    position: r.position,
  };
}

export function toAttachment(r: {
  id: number;
  file_name: string;
  content_type: string;
  size: number;
  uploaded_by_name: string | null;
  created_at: string;
}): Attachment {
  return {
    id: r.id,
    fileName: r.file_name,
    contentType: r.content_type,
    size: r.size,
    uploadedByName: r.uploaded_by_name,
    createdAt: r.created_at,
  };
}

export function toSigner(s: SignerRow): Signer {
  return {
    id: s.id,
    round: s.round,
    schoolId: s.school_id,
    schoolName: s.school_name,
    schoolRole: s.school_role as 'core' | 'member',
    userId: s.user_id,
    signerName: s.signer_name,
    status: s.status as SignerStatus,
    decidedAt: s.decided_at,
    comment: s.comment,
    sha256: s.signed_sha256,
  };
}

export function toRevision(r: RevisionRow, signers: SignerRow[]): Revision {
  return {
    id: r.id,
    revision: r.revision,
    status: r.status as MinutesStatus,
    body: r.body,
    sha256: r.body_sha256,
    round: r.round,
    circulatedAt: r.circulated_at,
    lockedAt: r.locked_at,
    updatedAt: r.updated_at,
    updatedByName: r.updated_by_name,
    signers: signers.filter((s) => s.revision_id === r.id).map(toSigner),
  };
}

export interface ActionItemJoined {
  id: number;
  meeting_id: number;
  meeting_title: string;
  community_id: number;
  community_name: string;
  title: string;
  description: string | null;
  owner_kind: string;
  owner_name: string;
  owner_teacher_id: number | null;
  owner_school_id: number | null;
  due_date: string;
  done_at: string | null;
  activity_ids: number[];
}

export function toActionItem(
  r: ActionItemJoined,
  notes: { id: number; action_item_id: number; note: string; author_name: string; created_at: string }[],
  asOf: string,
): ActionItem {
  return {
    id: r.id,
    meetingId: r.meeting_id,
    meetingTitle: r.meeting_title,
    communityId: r.community_id,
    communityName: r.community_name,
    title: r.title,
    description: r.description,
    ownerKind: r.owner_kind as OwnerKind,
    ownerName: r.owner_name,
    ownerTeacherId: r.owner_teacher_id,
    ownerSchoolId: r.owner_school_id,
    dueDate: r.due_date,
    status: actionItemStatus(r, asOf),
    doneAt: r.done_at,
    activityIds: r.activity_ids ?? [],
    notes: notes
      .filter((n) => n.action_item_id === r.id)
      .map((n): ProgressNote => ({ id: n.id, note: n.note, authorName: n.author_name, createdAt: n.created_at })),
  };
}
