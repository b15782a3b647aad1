import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import { AppError } from '../../http/errors.js';
import { hashToken, SESSION_COOKIE, type LoginChallengeIssued } from './auth.service.js';
import type { LoginChallengeTable } from './identity.tables.js';
import type { Selectable } from 'kysely';

/** Pieces SSO and the second step share: the challenge cookie, the app's public URL, anonymous audit. */

export const CHALLENGE_COOKIE = 'gongjin_challenge';
export const CHALLENGE_MINUTES = 10;
/** Wrong codes one challenge survives; then the user starts again with the password. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

export type LoginChallengeRow = Selectable<LoginChallengeTable>;

export function assertPasswordLogin(config: Config) {
  if (!config.passwordLogin) throw new AppError(403, 'password_login_disabled');
}

export function setChallengeCookie(reply: FastifyReply, config: Config, token: string, expires: string) {
  reply.setCookie(CHALLENGE_COOKIE, token, {
    path: '/api/v1/auth',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    expires: new Date(expires),
  });
}
export function clearChallengeCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(CHALLENGE_COOKIE, {
    path: '/api/v1/auth',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
  });
}

/** Where users reach the app: GONGJIN_PUBLIC_URL, else this request's own origin. */
export function publicBaseUrl(config: Config, req: FastifyRequest): string {
  return config.publicUrl ?? `${req.protocol}://${req.host}`;
}

/** A same-site path to return to after sign-in ("/x?y"), never another origin. */
export function safeReturnPath(next: unknown): string | null {
  if (
    typeof next !== 'string' ||
    !next.startsWith('/') ||
    next.startsWith('//') ||
    next.startsWith('/\\') ||
    next.length > 1000
  )
    return null;
  return next;
}

export interface ChallengeInput {
  userId: number;
  kind: 'totp' | 'enrol';
  via: 'password' | 'oidc';
  ip: string | null;
  userAgent: string | null;
  returnTo?: string | null;
  oidc?: { issuer: string; subject: string; idToken: string };
}

export async function issueChallenge(db: Db, c: ChallengeInput): Promise<LoginChallengeIssued> {
  const token = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('login_challenges')
    .values({
      id: hashToken(token),
      user_id: c.userId,
      kind: c.kind,
      via: c.via,
      return_to: c.returnTo ?? null,
      oidc_issuer: c.oidc?.issuer ?? null,
      oidc_subject: c.oidc?.subject ?? null,
      oidc_id_token: c.oidc?.idToken ?? null,
      ip: c.ip,
      user_agent: c.userAgent,
      expires_at: sql<string>`now() + make_interval(mins => ${CHALLENGE_MINUTES})`,
    })
    .returning(sql<string>`expires_at::text`.as('expires'))
    .executeTakeFirstOrThrow();
  return { secondStep: { kind: c.kind }, challengeToken: token, challengeExpires: new Date(row.expires).toISOString() };
}

/** The pending challenge this browser holds, or null (none, expired, or used up). */
export async function findChallenge(db: Db, req: FastifyRequest): Promise<LoginChallengeRow | null> {
  const token = req.cookies[CHALLENGE_COOKIE];
  if (!token) return null;
  const row = await db
    .selectFrom('login_challenges')
    .selectAll()
    .where('id', '=', hashToken(token))
    .where('expires_at', '>', sql<string>`now()`)
    .where('attempts', '<', CHALLENGE_MAX_ATTEMPTS)
    .executeTakeFirst();
  return row ?? null;
}

/** Audit entry for a sign-in attempt that has no actor yet (refused SSO identity, wrong code before a session). */
export async function auditAttempt(
  db: Db,
  req: FastifyRequest,
  e: {
    action: string;
    userId?: number | null;
    username?: string | null;
    entityId?: string | number | null;
    after: unknown;
  },
) {
  await db
    .insertInto('audit_log')
    .values({
      user_id: e.userId ?? null,
      username: e.username ?? null,
      action: e.action,
      entity: 'user',
      entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      before: null,
      after: JSON.stringify(e.after),
      request_id: String(req.id),
      ip: req.ip,
    })
    .execute();
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expires: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    expires: new Date(expires),
  });
}

/** The active user a pending challenge belongs to (null: the account was disabled meanwhile). */
export function challengeUser(db: Db, challenge: LoginChallengeRow) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', challenge.user_id)
    .where('is_active', '=', true)
    .executeTakeFirst();
}

/** A wrong code spends one of the challenge's attempts. */
export async function spendChallengeAttempt(db: Db, challengeId: number | string): Promise<void> {
  await db
    .updateTable('login_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', challengeId as LoginChallengeRow['id'])
    .execute();
}

/** Spends the challenge once: the row, or undefined when another request spent it first. */
export function spendChallenge(db: Db, challengeId: LoginChallengeRow['id']) {
  return db.deleteFrom('login_challenges').where('id', '=', challengeId).returningAll().executeTakeFirst();
}

/** Remembers which provider session a Gongjin session came from, for signing out at the provider. */
export async function linkOidcSession(
  db: Db,
  sessionId: string,
  sso: { issuer: string; subject: string; idToken: string },
): Promise<void> {
  await db
    .insertInto('oidc_sessions')
    .values({ session_id: sessionId, issuer: sso.issuer, subject: sso.subject, id_token: sso.idToken })
    .execute();
}

/** The provider session behind a session token, if it came through SSO. */
export function oidcSessionOf(db: Db, sessionToken: string) {
  return db
    .selectFrom('oidc_sessions')
    .select(['issuer', 'id_token'])
    .where('session_id', '=', hashToken(sessionToken))
    .executeTakeFirst();
}
