import { AppError, fieldIssue, ruleViolation, notPermitted, entityErrors } from '../../http/errors.js';

/** This module's entities for the shared not_found / out_of_scope messages (same codes, same classes). */
const LABELS = {
  assignment: { zh: '交流任务', en: 'exchange assignment' },
  mentorship: { zh: '师徒结对', en: 'mentor pair' },
  studio: { zh: '名师工作室', en: 'master-teacher studio' },
  rule: { zh: '交流规则', en: 'exchange rule' },
  timetable_entry: { zh: '课表条目', en: 'timetable entry' },
  session: { zh: '送教记录', en: 'send-lesson session' },
  teacher: { zh: '教师', en: 'teacher' },
  activity: { zh: '活动记录', en: 'activity' },
} as const;
type Entity = keyof typeof LABELS;

export const { notFound, outOfScope } = entityErrors<Entity>(LABELS);

/** A referenced teacher or school outside the actor's scope, named on the field that referenced it. */
export function referenceOutOfScope(field: string, zh: string, en: string): AppError {
  return notPermitted(zh, en, [fieldIssue(field, 'out_of_scope', zh, en)]);
}

export function unknownReference(field: string, zh: string, en: string): AppError {
  return ruleViolation(422, zh, en, [fieldIssue(field, 'unknown_reference', zh, en)]);
}
