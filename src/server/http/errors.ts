import { ENTITY_LABELS, type MessageCode } from '../../shared/messages.js';

export interface FieldIssue {
  /** Dotted path of the field, e.g. "body.code" or, for imports, the column header. */
  field: string;
  code: string;
  message: string;
  messageEn: string;
  row?: number;
}

/**
 * The error taxonomy: each code has exactly one HTTP status, so a client can branch on the code
 * alone. A code missing here fails the taxonomy test (errors.test.ts), which also checks every
 * code raised in the source with its status.
 */
export const ERROR_STATUS = {
  // malformed requests (the schema or the framework refused them)
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  oidc_exchange_failed: 400,
  oidc_replayed: 400,
  oidc_expired: 400,
  oidc_state_mismatch: 400,
  oidc_state_missing: 400,
  oidc_state_unknown: 400,
  // who you are
  unauthenticated: 401,
  invalid_credentials: 401,
  login_challenge_missing: 401,
  display_link_invalid: 401,
  // what you may do
  forbidden: 403,
  not_permitted: 403,
  out_of_scope: 403,
  cross_origin_request: 403,
  password_change_required: 403,
  password_login_disabled: 403,
  oidc_unknown_user: 403,
  oidc_provider_error: 403,
  oidc_claim_missing: 403,
  // what is not there
  not_found: 404,
  route_not_found: 404,
  nothing_found: 404,
  oidc_not_configured: 404,
  // the current state forbids it
  conflict: 409,
  state_conflict: 409,
  duplicate: 409,
  in_use: 409,
  import_state: 409,
  membership_overlap: 409,
  not_locked: 409,
  totp_already_enabled: 409,
  totp_not_enabled: 409,
  totp_no_enrolment: 409,
  // what was sent
  file_too_large: 413,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_file: 415,
  // the input breaks a rule
  invalid_fields: 422,
  rule_violation: 422,
  spreadsheet_invalid: 422,
  import_has_errors: 422,
  totp_required: 422,
  totp_invalid_code: 422,
  // sign-in protection
  account_locked: 423,
  too_many_attempts: 429,
  totp_too_many_attempts: 429,
  internal: 500,
  oidc_provider_unreachable: 502,
  // this instance cannot serve yet (readiness)
  not_ready: 503,
} as const satisfies Partial<Record<MessageCode, number>>;

/** Every error a user can cause is an AppError with a stable code; the handler words it. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: MessageCode,
    readonly params: Record<string, unknown> = {},
    readonly details: FieldIssue[] = [],
  ) {
    super(code);
    const expected = (ERROR_STATUS as Partial<Record<string, number>>)[code];
    // a programming error, not a user's: it fails loudly in tests instead of drifting silently
    if (expected !== undefined && expected !== status)
      throw new TypeError(`error code ${code} is ${expected}, raised with ${status}`);
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
  constructor(details: FieldIssue[], code: MessageCode = 'invalid_fields', params: Record<string, unknown> = {}) {
    super(422, code, params, details);
  }
}

/** A single-field validation failure with both languages. */
export function fieldIssue(field: string, code: string, zh: string, en: string): FieldIssue {
  return { field, code, message: zh, messageEn: en };
}

/**
 * A domain rule refused the request; the module words it in both languages. 409 (`state_conflict`)
 * when the current state forbids it (double booking, signing twice), 422 (`rule_violation`) for
 * input that breaks a rule.
 */
export function ruleViolation(status: 409 | 422, zh: string, en: string, details: FieldIssue[] = []): AppError {
  return new AppError(
    status,
    status === 409 ? 'state_conflict' : 'rule_violation',
    { reason: zh, reasonEn: en },
    details,
  );
}

/** Nothing to show for what was asked, when it is not one record by id (404), worded by the module. */
export function nothingFound(zh: string, en: string): AppError {
  return new AppError(404, 'nothing_found', { reason: zh, reasonEn: en });
}

/** The caller's role may not do this (403), worded by the module. */
export function notPermitted(zh: string, en: string, details: FieldIssue[] = []): AppError {
  return new AppError(403, 'not_permitted', { reason: zh, reasonEn: en }, details);
}

/** A malformed request the schema cannot catch (e.g. a missing multipart file) (400). */
export function badRequest(zh: string, en: string): AppError {
  return new AppError(400, 'bad_request', { reason: zh, reasonEn: en });
}

/** More bytes than this endpoint accepts (413), worded by the module. */
export function payloadTooLarge(zh: string, en: string, details: FieldIssue[] = []): AppError {
  return new AppError(413, 'payload_too_large', { reason: zh, reasonEn: en }, details);
}

/** A file or content type this endpoint does not take (415), worded by the module. */
export function unsupportedMediaType(zh: string, en: string, details: FieldIssue[] = []): AppError {
  return new AppError(415, 'unsupported_media_type', { reason: zh, reasonEn: en }, details);
}

/**
 * not_found / out_of_scope for a module's own entities: the module passes its labels once instead
 * of copying these two functions; entities without a label fall back to the shared catalogue.
 */
export function entityErrors<E extends string>(labels: Partial<Record<E, EntityLabel>>) {
  return {
    notFound: (entity: E, id: string | number): AppError => new NotFoundError(entity, id, labels[entity]),
    outOfScope: (entity: E): AppError => new OutOfScopeError(entity, labels[entity]),
  };
}
