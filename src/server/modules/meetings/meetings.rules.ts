import { createHash } from 'node:crypto';
import type { ActionItemStatus } from '../../../shared/meetings.schemas.js';

/**
 * The meeting rules as plain functions of data, table-tested in meetings.rules.test.ts. The
 * services load rows, call these, and write.
 */

/** The exact text that is hashed and signed: line ends normalised, control characters removed. */
export function normalizeMinutes(body: string): string {
  // eslint-disable-next-line no-control-regex
  return body.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Whole days from date a to date b (YYYY-MM-DD), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The same day `months` calendar months earlier (clamped to the month's end: 08-31 → 02-28). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Seed 001: "联席会议，原则上每半年举行一次" — due when the last meeting held is more than six months back. */
export const MEETING_INTERVAL_MONTHS = 6;
export function meetingDue(lastMeetingDate: string | null, asOf: string): boolean {
  return lastMeetingDate === null || lastMeetingDate < monthsBefore(asOf, MEETING_INTERVAL_MONTHS);
}

/** Done when marked done; overdue when the due date has passed; open otherwise. */
export function actionItemStatus(item: { done_at: string | null; due_date: string }, asOf: string): ActionItemStatus {
  if (item.done_at) return 'done';
  return item.due_date < asOf ? 'overdue' : 'open';
}

// ---------- signers ----------
export interface SchoolAdminCandidate {
  userId: number;
  schoolId: number;
  displayName: string;
  /** posts of the linked teacher record, when the account is linked to one */
  teacherPosts: string[] | null;
}
export interface MemberSchool {
  schoolId: number;
  schoolName: string;
  role: 'core' | 'member';
}
export interface ResolvedSigner extends MemberSchool {
  userId: number;
  signerName: string;
}

/**
 * The principal of a school as the system knows it: an active school_admin account scoped to the
 * school; when there are several, the one linked to a teacher whose post is 校长, else the oldest.
 */
export function pickPrincipal<T extends SchoolAdminCandidate>(candidates: T[]): T | undefined {
  const sorted = [...candidates].sort((a, b) => a.userId - b.userId);
  return sorted.find((c) => c.teacherPosts?.includes('principal')) ?? sorted[0];
}

/** Every current core and member school needs a principal; the schools without one are reported, not skipped. */
export function resolveSigners(
  schools: MemberSchool[],
  candidates: SchoolAdminCandidate[],
): { signers: ResolvedSigner[]; missing: MemberSchool[] } {
  const signers: ResolvedSigner[] = [];
  const missing: MemberSchool[] = [];
  for (const s of schools) {
    const p = pickPrincipal(candidates.filter((c) => c.schoolId === s.schoolId));
    if (p) signers.push({ ...s, userId: p.userId, signerName: p.displayName });
    else missing.push(s);
  }
  return { signers, missing };
}

// ---------- signing ----------
export type SignRefusal =
  'not_circulated' | 'superseded' | 'hash_mismatch' | 'not_signer' | 'already_decided' | 'before_meeting';

export interface SignAttempt {
  /** the latest revision of the meeting's minutes */
  current: { revision: number; status: string; body_sha256: string; round: number } | undefined;
  /** what the signer says they saw */
  seen: { revision: number; sha256: string };
  /** the signer row of the actor's school in the current round, if any */
  signer: { user_id: number | null; status: string } | undefined;
  userId: number;
  /** the meeting has begun: minutes record what a meeting decided, so none are signed before it is held */
  meetingStarted: boolean;
}

/** Whether a meeting has begun at `now`: its minutes may circulate and be signed from then on. */
export function meetingStarted(startsAt: string | Date, now: Date): boolean {
  return new Date(startsAt).getTime() <= now.getTime();
}

/** Why a signature (or a return) must be refused, or null when it may proceed. */
export function signRefusal(a: SignAttempt): SignRefusal | null {
  if (!a.current) return 'not_circulated';
  if (a.seen.revision !== a.current.revision) return 'superseded';
  if (a.current.status !== 'circulated') return a.current.status === 'locked' ? 'already_decided' : 'not_circulated';
  if (a.seen.sha256 !== a.current.body_sha256) return 'hash_mismatch';
  if (!a.signer || a.signer.user_id !== a.userId) return 'not_signer';
  if (a.signer.status !== 'pending') return 'already_decided';
  if (!a.meetingStarted) return 'before_meeting';
  return null;
}

export const SIGN_REFUSAL_TEXT: Record<SignRefusal, { status: 409 | 403 | 422; zh: string; en: string }> = {
  not_circulated: {
    status: 409,
    zh: '纪要尚未传阅会签，不能签署',
    en: 'The minutes are not circulating for signature',
  },
  superseded: {
    status: 409,
    zh: '该版本纪要已被新版本取代，请刷新后签署最新版本',
    en: 'This version of the minutes has been superseded; reload and sign the latest',
  },
  hash_mismatch: {
    status: 409,
    zh: '纪要内容与您看到的版本不一致（校验值不同），请刷新后重新审阅',
    en: 'The minutes differ from the version you reviewed (hash mismatch); reload and review again',
  },
  not_signer: {
    status: 403,
    zh: '您不是本轮会签中贵校的签署人，不能代其他学校签署',
    en: 'You are not the required signer for a school in this round; you cannot sign for another school',
  },
  already_decided: {
    status: 409,
    zh: '您已签署或退回过该版本纪要，不能重复操作',
    en: 'You have already signed or returned this version of the minutes',
  },
  before_meeting: {
    status: 422,
    zh: '会议尚未召开，纪要不能签署；请在会议开始后再签署',
    en: 'The meeting has not taken place yet; the minutes can be signed once it has begun',
  },
};

/** Every required signer of the round has signed. */
export function allSigned(signers: { status: string }[]): boolean {
  return signers.length > 0 && signers.every((s) => s.status === 'signed');
}

/** The agenda topic that reports on an open action item of an earlier meeting (seed 001: 落实情况在下次会议上通报). */
export function carryOverTopic(item: { title: string; owner_name: string; due_date: string }): string {
  return `上次会议事项落实情况：${item.title}（负责：${item.owner_name}；截止 ${item.due_date}）`;
}

/** The English of carryOverTopic, for the English UI (issue 20). */
export function carryOverTopicEn(item: { title: string; owner_name: string; due_date: string }): string {
  return `Follow-up of the last meeting: ${item.title} (owner: ${item.owner_name}; due ${item.due_date})`;
}
/** Who proposed a carried-over item: the system. */
export const SYSTEM_PROPOSER = { zh: '系统（自动结转）', en: 'System (carried over)' } as const;
