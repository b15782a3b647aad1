import { ENTITY_LABELS, type MessageCode } from '../../shared/messages.js';

export interface FieldIssue {
  /** Dotted path of the field, e.g. "body.code" or, for imports, the column header. */
  field: string;
  code: string;
  message: string;
  messageEn: string;
  row?: number;
}

/** Every error a user can cause is an AppError with a stable code; the handler words it. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: MessageCode,
    readonly params: Record<string, unknown> = {},
    readonly details: FieldIssue[] = [],
  ) {
    super(code);
  }
}

export interface EntityLabel {
  zh: string;
  en: string;
}

/** The shared catalogue names the registry's entities; a module passes labels for its own. */
function entityParams(entity: string, label?: EntityLabel) {
  const l = label ?? ENTITY_LABELS[entity] ?? { zh: entity, en: entity };
  return { entity: l.zh, entityEn: l.en };
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string | number, label?: EntityLabel) {
    super(404, 'not_found', { ...entityParams(entity, label), id });
  }
}
export class ForbiddenError extends AppError {
  constructor() {
    super(403, 'forbidden');
  }
}
export class OutOfScopeError extends AppError {
  constructor(entity: string, label?: EntityLabel) {
    super(403, 'out_of_scope', entityParams(entity, label));
  }
}
export class UnauthenticatedError extends AppError {
  constructor(code: 'unauthenticated' | 'invalid_credentials' = 'unauthenticated') {
    super(401, code);
  }
}
export class ConflictError extends AppError {
  constructor(code: MessageCode, params: Record<string, unknown> = {}, details: FieldIssue[] = []) {
    super(409, code, params, details);
  }
}
export class ValidationError extends AppError {
  constructor(details: FieldIssue[], code: MessageCode = 'validation_failed', params: Record<string, unknown> = {}) {
    super(422, code, params, details);
  }
}

/** A single-field validation failure with both languages. */
export function fieldIssue(field: string, code: string, zh: string, en: string): FieldIssue {
  return { field, code, message: zh, messageEn: en };
}

/**
 * A domain rule refused the request; the module words it in both languages. 409 for conflicts with
 * existing state (double booking, signing twice), 422 for input that breaks a rule.
 */
export function ruleViolation(status: 409 | 422 | 403 | 400, zh: string, en: string, details: FieldIssue[] = []): AppError {
  return new AppError(status, 'rule_violation', { reason: zh, reasonEn: en }, details);
}
