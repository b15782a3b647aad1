import { z } from 'zod';
import { bi, isoDate, pageQuery, queryBool, queryList } from './validation.js';

/**
 * 联席会议 joint meetings (seed 001): vocabularies and request/response schemas shared by the server
 * and the web app. Codes are English; labels are what users see, Chinese first.
 */
export const MEETING_KINDS = ['regular', 'extraordinary'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABELS: Record<MeetingKind, { zh: string; en: string }> = {
  regular: { zh: '例会（半年度）', en: 'Regular (half-yearly)' },
  extraordinary: { zh: '临时会议', en: 'Extraordinary' },
};

/** Who sits in the room: attendees, and the observers seed 001 allows (teacher, community, parent representatives). */
export const ATTENDEE_CATEGORIES = ['attendee', 'teacher_rep', 'community_rep', 'parent_rep'] as const;
export type AttendeeCategory = (typeof ATTENDEE_CATEGORIES)[number];
export const ATTENDEE_CATEGORY_LABELS: Record<AttendeeCategory, { zh: string; en: string }> = {
  attendee: { zh: '出席人员', en: 'Attendee' },
  teacher_rep: { zh: '教师代表（列席）', en: 'Teacher representative (observer)' },
  community_rep: { zh: '社区代表（列席）', en: 'Community representative (observer)' },
  parent_rep: { zh: '家长代表（列席）', en: 'Parent representative (observer)' },
};

/** State of one minutes revision: drafted, circulated for co-signing (会签), or locked once all signed. */
export const MINUTES_STATUSES = ['draft', 'circulated', 'locked'] as const;
export type MinutesStatus = (typeof MINUTES_STATUSES)[number];
export const MINUTES_STATUS_LABELS: Record<MinutesStatus | 'none', { zh: string; en: string }> = {
  none: { zh: '未起草', en: 'Not drafted' },
  draft: { zh: '草稿', en: 'Draft' },
  circulated: { zh: '会签中', en: 'Circulating for signature' },
  locked: { zh: '已会签锁定', en: 'Signed and locked' },
};

export const SIGNER_STATUSES = ['pending', 'signed', 'returned', 'void'] as const;
export type SignerStatus = (typeof SIGNER_STATUSES)[number];
export const SIGNER_STATUS_LABELS: Record<SignerStatus, { zh: string; en: string }> = {
  pending: { zh: '待签', en: 'Pending' },
  signed: { zh: '已签', en: 'Signed' },
  returned: { zh: '已退回', en: 'Returned' },
  void: { zh: '已作废（纪要被退回或撤回）', en: 'Void (minutes were returned or withdrawn)' },
};

export const ACTION_ITEM_STATUSES = ['open', 'done', 'overdue'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];
export const ACTION_ITEM_STATUS_LABELS: Record<ActionItemStatus, { zh: string; en: string }> = {
  open: { zh: '进行中', en: 'Open' },
  done: { zh: '已完成', en: 'Done' },
  overdue: { zh: '已逾期', en: 'Overdue' },
};

export const OWNER_KINDS = ['person', 'school'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];

export const MINUTES_MAX_CHARS = 100_000;

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));
/** ISO 8601 date-time with an offset (the web sends UTC 'Z'); stored as timestamptz. */
const dateTime = z.iso.datetime({
  offset: true,
  message: bi('时间格式应为 ISO 8601（含时区）', 'Time must be ISO 8601 with a time zone'),
});
const id = z.number().int().positive();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, {
  message: bi('版本校验值应为 64 位十六进制 sha256', 'The version hash must be a 64-hex-digit sha256'),
});

// ---------- meetings ----------
const meetingBase = z.object({
  communityId: id,
  kind: z.enum(MEETING_KINDS),
  title: trimmed(200),
  startsAt: dateTime,
  endsAt: dateTime.nullable().optional(),
  place: optionalText(200),
  link: z
    .url({ protocol: /^https?$/, message: bi('会议链接应为 http(s) 网址', 'The meeting link must be an http(s) URL') })
    .max(500)
    .nullable()
    .optional(),
  note: optionalText(2000),
});
const placeOrLink = (v: { place?: string | null | undefined; link?: string | null | undefined }) =>
  Boolean(v.place || v.link);
const endsAfterStart = (v: { startsAt?: string | undefined; endsAt?: string | null | undefined }) =>
  !v.endsAt || !v.startsAt || Date.parse(v.endsAt) > Date.parse(v.startsAt);

export const meetingInput = meetingBase
  .refine(placeOrLink, {
    path: ['place'],
    message: bi('请填写会议地点或线上会议链接', 'Give a place or an online meeting link'),
  })
  .refine(endsAfterStart, {
    path: ['endsAt'],
    message: bi('结束时间须晚于开始时间', 'The end must be after the start'),
  });
export type MeetingInput = z.infer<typeof meetingInput>;
export const meetingPatch = meetingBase
  .omit({ communityId: true })
  .partial()
  .refine(endsAfterStart, {
    path: ['endsAt'],
    message: bi('结束时间须晚于开始时间', 'The end must be after the start'),
  });
export type MeetingPatch = z.infer<typeof meetingPatch>;

export const meetingSchema = z.object({
  id: z.number().int(),
  communityId: z.number().int(),
  communityName: z.string(),
  kind: z.enum(MEETING_KINDS),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  place: z.string().nullable(),
  link: z.string().nullable(),
  note: z.string().nullable(),
  minutesStatus: z.enum(['none', ...MINUTES_STATUSES]),
  revision: z.number().int().nullable(),
  agendaCount: z.number().int(),
  openItems: z.number().int(),
  createdAt: z.string(),
});
export type Meeting = z.infer<typeof meetingSchema>;

export const meetingListQuery = pageQuery.extend({
  communityId: z.coerce.number().int().positive().optional(),
  kind: queryList(z.enum(MEETING_KINDS)).optional(),
  minutesStatus: queryList(z.enum(['none', ...MINUTES_STATUSES])).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  search: z.string().trim().max(50).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type MeetingListQuery = z.infer<typeof meetingListQuery>;

// ---------- agenda ----------
export const agendaItemInput = z.object({
  topic: trimmed(300),
  proposerName: trimmed(50).optional(),
  proposerSchoolId: id.nullable().optional(),
  note: optionalText(1000),
});
export type AgendaItemInput = z.infer<typeof agendaItemInput>;

export const agendaItemSchema = z.object({
  id: z.number().int(),
  position: z.number().int(),
  topic: z.string(),
  /** English of a topic the server wrote (a carried-over item); null for topics people typed */
  topicEn: z.string().nullable(),
  proposerName: z.string(),
  proposerNameEn: z.string().nullable(),
  proposerSchoolId: z.number().int().nullable(),
  proposerSchoolName: z.string().nullable(),
  note: z.string().nullable(),
  /** Set when the item reports on an action item of an earlier meeting (carried over automatically). */
  carriedActionItem: z
    .object({
      id: z.number().int(),
      title: z.string(),
      ownerName: z.string(),
      dueDate: z.string(),
      status: z.enum(ACTION_ITEM_STATUSES),
      meetingId: z.number().int(),
    })
    .nullable(),
});
export type AgendaItem = z.infer<typeof agendaItemSchema>;
/** The agenda in its new order: every item of the meeting, once. */
export const agendaOrderInput = z.object({ itemIds: z.array(id).min(1).max(500) });
export type AgendaOrderInput = z.infer<typeof agendaOrderInput>;

// ---------- attendees ----------
export const attendeeInput = z.object({
  category: z.enum(ATTENDEE_CATEGORIES),
  personName: trimmed(50),
  teacherId: id.nullable().optional(),
  schoolId: id.nullable().optional(),
  position: optionalText(50),
});
export type AttendeeInput = z.infer<typeof attendeeInput>;
export const attendeeSchema = z.object({
  id: z.number().int(),
  category: z.enum(ATTENDEE_CATEGORIES),
  personName: z.string(),
  teacherId: z.number().int().nullable(),
  schoolId: z.number().int().nullable(),
  schoolName: z.string().nullable(),
  position: z.string().nullable(),
});
export type Attendee = z.infer<typeof attendeeSchema>;

// ---------- minutes and signatures ----------
export const minutesSave = z.object({
  body: z.string().max(MINUTES_MAX_CHARS, {
    message: bi(`纪要不能超过 ${MINUTES_MAX_CHARS} 个字符`, `Minutes are limited to ${MINUTES_MAX_CHARS} characters`),
  }),
  /** The hash of the text the editor started from; a mismatch means someone else saved in between. */
  baseSha256: sha256.nullable().optional(),
});
export type MinutesSave = z.infer<typeof minutesSave>;

/** What the signer saw: the revision number and the hash of its text. */
export const signBody = z.object({ revision: z.number().int().positive(), sha256 });
export type SignBody = z.infer<typeof signBody>;
export const returnBody = signBody.extend({ comment: trimmed(1000) });
export type ReturnBody = z.infer<typeof returnBody>;

export const signerSchema = z.object({
  id: z.number().int(),
  round: z.number().int(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  schoolRole: z.enum(['core', 'member']),
  userId: z.number().int().nullable(),
  signerName: z.string(),
  status: z.enum(SIGNER_STATUSES),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  /** sha256 of the exact text signed (or returned). */
  sha256: z.string().nullable(),
});
export type Signer = z.infer<typeof signerSchema>;

export const revisionSchema = z.object({
  id: z.number().int(),
  revision: z.number().int(),
  status: z.enum(MINUTES_STATUSES),
  body: z.string(),
  sha256: z.string(),
  round: z.number().int(),
  circulatedAt: z.string().nullable(),
  lockedAt: z.string().nullable(),
  updatedAt: z.string(),
  updatedByName: z.string().nullable(),
  signers: z.array(signerSchema),
});
export type Revision = z.infer<typeof revisionSchema>;

export const minutesSchema = z.object({
  meetingId: z.number().int(),
  current: revisionSchema.nullable(),
  /** Earlier, locked revisions: the signed text is never altered. */
  history: z.array(revisionSchema),
});
export type Minutes = z.infer<typeof minutesSchema>;

// ---------- principals (the signers of the co-signing) ----------
/** Each current core and member school and its principal account, or null when it has none. */
export const schoolPrincipalSchema = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  role: z.enum(['core', 'member']),
  principal: z.object({ userId: z.number().int(), displayName: z.string(), username: z.string() }).nullable(),
  /** what the registry knows, to pre-fill an invitation */
  suggestedName: z.string().nullable(),
});
export type SchoolPrincipal = z.infer<typeof schoolPrincipalSchema>;
export const principalInvite = z.object({
  schoolId: id,
  displayName: trimmed(50),
  phone: z
    .string()
    .trim()
    .regex(/^1[3-9]\d{9}$/, { message: bi('请输入 11 位手机号', 'Give an 11-digit mobile number') }),
});
export type PrincipalInvite = z.infer<typeof principalInvite>;
/** The new account, with its one-time password: shown once, never again. */
export const invitedPrincipalSchema = z.object({
  userId: z.number().int(),
  schoolId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  oneTimePassword: z.string(),
});
export type InvitedPrincipal = z.infer<typeof invitedPrincipalSchema>;

// ---------- action items ----------
const actionItemBase = z.object({
  title: trimmed(300),
  description: optionalText(2000),
  ownerKind: z.enum(OWNER_KINDS),
  ownerName: trimmed(50).optional(),
  ownerTeacherId: id.nullable().optional(),
  ownerSchoolId: id.nullable().optional(),
  dueDate: isoDate,
  activityIds: z.array(id).max(100).optional(),
});
const ownerGiven = (v: {
  ownerKind?: OwnerKind | undefined;
  ownerSchoolId?: number | null | undefined;
  ownerName?: string | undefined;
  ownerTeacherId?: number | null | undefined;
}) =>
  v.ownerKind === undefined ||
  (v.ownerKind === 'school' ? Boolean(v.ownerSchoolId) : Boolean(v.ownerName || v.ownerTeacherId));
export const actionItemInput = actionItemBase.refine(ownerGiven, {
  path: ['ownerKind'],
  message: bi('请指定负责学校或负责人', 'Name the owner school or person'),
});
export type ActionItemInput = z.infer<typeof actionItemInput>;
export const actionItemPatch = actionItemBase
  .partial()
  .extend({ done: z.boolean().optional() })
  .refine(ownerGiven, {
    path: ['ownerKind'],
    message: bi('请指定负责学校或负责人', 'Name the owner school or person'),
  });
export type ActionItemPatch = z.infer<typeof actionItemPatch>;
export const progressNoteInput = z.object({ note: trimmed(2000), done: z.boolean().optional() });
export type ProgressNoteInput = z.infer<typeof progressNoteInput>;

export const progressNoteSchema = z.object({
  id: z.number().int(),
  note: z.string(),
  authorName: z.string(),
  createdAt: z.string(),
});
export type ProgressNote = z.infer<typeof progressNoteSchema>;
export const actionItemSchema = z.object({
  id: z.number().int(),
  meetingId: z.number().int(),
  meetingTitle: z.string(),
  communityId: z.number().int(),
  communityName: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  ownerKind: z.enum(OWNER_KINDS),
  ownerName: z.string(),
  ownerTeacherId: z.number().int().nullable(),
  ownerSchoolId: z.number().int().nullable(),
  dueDate: z.string(),
  status: z.enum(ACTION_ITEM_STATUSES),
  doneAt: z.string().nullable(),
  activityIds: z.array(z.number().int()),
  notes: z.array(progressNoteSchema),
});
export type ActionItem = z.infer<typeof actionItemSchema>;
export const actionItemListQuery = pageQuery.extend({
  communityId: z.coerce.number().int().positive().optional(),
  meetingId: z.coerce.number().int().positive().optional(),
  status: queryList(z.enum(ACTION_ITEM_STATUSES)).optional(),
  ownerSchoolId: z.coerce.number().int().positive().optional(),
  asOf: isoDate.optional(),
});
export type ActionItemListQuery = z.infer<typeof actionItemListQuery>;

// ---------- attachments ----------
export const attachmentSchema = z.object({
  id: z.number().int(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  uploadedByName: z.string().nullable(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const meetingDetailSchema = meetingSchema.extend({
  communityRegionCode: z.string(),
  agenda: z.array(agendaItemSchema),
  attendees: z.array(attendeeSchema),
  attachments: z.array(attachmentSchema),
  /** What the signed-in user may do here (the server decides; the UI only hides buttons). */
  can: z.object({ manage: z.boolean(), propose: z.boolean(), signForSchoolId: z.number().int().nullable() }),
});
export type MeetingDetail = z.infer<typeof meetingDetailSchema>;

// ---------- reminders ----------
export const remindersQuery = z.object({
  communityId: z.coerce.number().int().positive().optional(),
  asOf: isoDate.optional(),
  /** only meetings-due for communities still active (default true) */
  activeOnly: queryBool.default(true),
});
export type RemindersQuery = z.infer<typeof remindersQuery>;
export const remindersSchema = z.object({
  asOf: z.string(),
  meetingsDue: z.array(
    z.object({
      communityId: z.number().int(),
      communityName: z.string(),
      lastMeetingAt: z.string().nullable(),
      nextMeetingAt: z.string().nullable(),
      daysSince: z.number().int().nullable(),
    }),
  ),
  pendingSignatures: z.array(
    z.object({
      meetingId: z.number().int(),
      meetingTitle: z.string(),
      communityId: z.number().int(),
      communityName: z.string(),
      revision: z.number().int(),
      schoolId: z.number().int(),
      schoolName: z.string(),
      signerName: z.string(),
      circulatedAt: z.string().nullable(),
      daysWaiting: z.number().int(),
    }),
  ),
  overdueItems: z.array(
    z.object({
      id: z.number().int(),
      meetingId: z.number().int(),
      title: z.string(),
      communityId: z.number().int(),
      communityName: z.string(),
      ownerName: z.string(),
      dueDate: z.string(),
      daysOverdue: z.number().int(),
    }),
  ),
});
export type Reminders = z.infer<typeof remindersSchema>;

/** Request bodies as the client writes them (before defaults and transforms). */
export type MeetingBody = z.input<typeof meetingInput>;
export type MeetingPatchBody = z.input<typeof meetingPatch>;
export type AgendaItemBody = z.input<typeof agendaItemInput>;
export type AttendeeBody = z.input<typeof attendeeInput>;
export type ActionItemBody = z.input<typeof actionItemInput>;
export type ActionItemPatchBody = z.input<typeof actionItemPatch>;
export type PrincipalInviteBody = z.input<typeof principalInvite>;
