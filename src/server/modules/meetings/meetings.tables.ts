import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

/** 联席会议 a joint meeting of one community. */
export interface MeetingTable {
  id: Generated<number>;
  community_id: number;
  kind: string; // regular | extraordinary
  title: string;
  starts_at: string;
  ends_at: string | null;
  place: string | null;
  link: string | null;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MeetingAgendaItemTable {
  id: Generated<number>;
  meeting_id: number;
  position: number;
  topic: string;
  /** English of a topic the server wrote (carried-over items); null for typed topics */
  topic_en: ColumnType<string | null, string | null | undefined, string | null>;
  proposer_name: string;
  proposer_school_id: number | null;
  proposer_user_id: number | null;
  note: string | null;
  /** set when the item reports on an open action item of an earlier meeting */
  carried_action_item_id: number | null;
  created_at: Timestamp;
}

export interface MeetingAttendeeTable {
  id: Generated<number>;
  meeting_id: number;
  category: string; // attendee | teacher_rep | community_rep | parent_rep
  person_name: string;
  teacher_id: number | null;
  school_id: number | null;
  position: string | null;
  created_at: Timestamp;
}

/** One revision of the minutes. A locked revision is never changed; a later change is revision n+1. */
export interface MinutesRevisionTable {
  id: Generated<number>;
  meeting_id: number;
  revision: number;
  status: string; // draft | circulated | locked
  body: string;
  body_sha256: string;
  /** circulation round within the revision: a return and re-circulation starts a new round */
  round: number;
  circulated_at: string | null;
  locked_at: string | null;
  updated_by: number | null;
  updated_by_name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A required signer of one circulation round, and what they did. */
export interface MinutesSignerTable {
  id: Generated<number>;
  revision_id: number;
  round: number;
  school_id: number;
  school_name: string;
  school_role: string; // core | member
  user_id: number | null;
  signer_name: string;
  status: string; // pending | signed | returned | void
  decided_at: string | null;
  comment: string | null;
  /** sha256 of the exact text the signer signed or returned */
  signed_sha256: string | null;
  created_at: Timestamp;
}

export interface MeetingActionItemTable {
  id: Generated<number>;
  meeting_id: number;
  community_id: number;
  title: string;
  description: string | null;
  owner_kind: string; // person | school
  owner_name: string;
  owner_teacher_id: number | null;
  owner_school_id: number | null;
  due_date: string;
  done_at: string | null;
  /** ids in the activities module's table; no foreign key, so neither module depends on the other's timing */
  activity_ids: ColumnType<number[], number[] | undefined, number[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MeetingActionNoteTable {
  id: Generated<number>;
  action_item_id: number;
  note: string;
  author_user_id: number | null;
  author_name: string;
  created_at: Timestamp;
}

export interface MeetingAttachmentTable {
  id: Generated<number>;
  meeting_id: number;
  storage_key: string;
  file_name: string;
  content_type: string;
  size: number;
  uploaded_by: number | null;
  uploaded_by_name: string | null;
  created_at: Timestamp;
}

/** A carried item the lead removed from a meeting's agenda: carry-over leaves it off that agenda. */
export interface MeetingCarryDismissalTable {
  meeting_id: number;
  action_item_id: number;
  dismissed_by: number | null;
  created_at: Timestamp;
}

export interface MeetingsTables {
  meeting_carry_dismissals: MeetingCarryDismissalTable;
  meetings: MeetingTable;
  meeting_agenda_items: MeetingAgendaItemTable;
  meeting_attendees: MeetingAttendeeTable;
  meeting_minutes_revisions: MinutesRevisionTable;
  meeting_minutes_signers: MinutesSignerTable;
  meeting_action_items: MeetingActionItemTable;
  meeting_action_notes: MeetingActionNoteTable;
  meeting_attachments: MeetingAttachmentTable;
}

export type MeetingRow = Selectable<MeetingTable>;
export type RevisionRow = Selectable<MinutesRevisionTable>;
export type SignerRow = Selectable<MinutesSignerTable>;
export type ActionItemRow = Selectable<MeetingActionItemTable>;
