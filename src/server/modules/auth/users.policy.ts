import { fieldIssue, type AppError, notPermitted } from '../../http/errors.js';
import { DENY_MESSAGES, type DenyReason } from '../../../shared/users.policy.js';

/**
 * User administration rules. The decisions are plain functions in src/shared/users.policy.ts so
 * the web app offers exactly what the server allows; this file re-exports them for the server and
 * turns a refusal into the 403 the API answers.
 */
export * from '../../../shared/users.policy.js';

const FIELD_OF: Partial<Record<DenyReason, string>> = {
  role_not_grantable: 'body.role',
  scope_outside: 'body.scope.id',
  role_scope_mismatch: 'body.scope.kind',
  teacher_outside_scope: 'body.teacherId',
};

/** 403 with the reason in both languages (and on the form field it concerns, where there is one). */
export function userAccessDenied(reason: DenyReason): AppError {
  const m = DENY_MESSAGES[reason];
  const field = FIELD_OF[reason];
  return notPermitted(
    m.zh,
    m.en,
    field ? [fieldIssue(field, reason, m.zh, m.en)] : [fieldIssue('user', reason, m.zh, m.en)],
  );
}
