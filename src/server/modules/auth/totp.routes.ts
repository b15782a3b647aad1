import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf, type Caller } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { meSchema } from '../../../shared/auth.schemas.js';
import {
  recoveryCodesSchema,
  secondStepSchema,
  totpCodeBody,
  totpEnrolmentSchema,
  totpStatusSchema,
} from '../../../shared/identity.schemas.js';
import type { ZodApp } from '../module.js';
import { toActor, type AuthService } from './auth.service.js';
import {
  challengeUser,
  clearChallengeCookie,
  findChallenge,
  linkOidcSession,
  setSessionCookie,
  spendChallenge,
  spendChallengeAttempt,
  type LoginChallengeRow,
} from './sign-in.js';
import type { TotpService } from './totp.service.js';

/**
 * Two-step verification. Signed-in users manage their TOTP here; a browser holding a login
 * challenge (password or SSO accepted, second step pending) may only pass its step: enter a code
 * (kind "totp") or enrol (kind "enrol", when administrators are required to use TOTP).
 */
export function totpRoutes(app: ZodApp, ctx: AppContext, auth: AuthService, totp: TotpService) {
  const tags = ['auth'];

  /** The signed-in user, or the user of this browser's pending challenge of the given kind. */
  async function subject(
    req: FastifyRequest,
    kind: 'totp' | 'enrol' | null,
  ): Promise<{ caller: Caller; challenge: LoginChallengeRow | null }> {
    if (req.actor && kind !== 'totp') return { caller: callerOf(req), challenge: null };
    const challenge = kind ? await findChallenge(ctx.db, req) : null;
    if (!challenge || challenge.kind !== kind) throw new AppError(401, 'login_challenge_missing');
    const user = await challengeUser(ctx.db, challenge);
    if (!user) throw new AppError(401, 'login_challenge_missing');
    return { caller: { actor: toActor(user), requestId: String(req.id), ip: req.ip }, challenge };
  }

  /** A wrong code spends one of the challenge's attempts. */
  async function withChallengeAttempt<T>(challenge: LoginChallengeRow | null, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (challenge && e instanceof AppError && e.code === 'totp_invalid_code') {
        await spendChallengeAttempt(ctx.db, challenge.id);
      }
      throw e;
    }
  }

  /** The second step is passed: the challenge is spent (once) and the session opens. */
  async function complete(
    req: FastifyRequest,
    reply: FastifyReply,
    challenge: LoginChallengeRow,
    method: 'totp' | 'recovery_code',
  ) {
    const spent = await spendChallenge(ctx.db, challenge.id);
    if (!spent) throw new AppError(401, 'login_challenge_missing');
    const s = await auth.openSession(
      spent.user_id,
      req.ip,
      req.headers['user-agent'] ?? null,
      spent.via === 'oidc' ? 'oidc' : method,
      String(req.id),
    );
    if (spent.via === 'oidc' && spent.oidc_issuer && spent.oidc_subject && spent.oidc_id_token) {
      await linkOidcSession(ctx.db, s.sessionId, {
        issuer: spent.oidc_issuer,
        subject: spent.oidc_subject,
        idToken: spent.oidc_id_token,
      });
    }
    clearChallengeCookie(reply, ctx.config);
    setSessionCookie(reply, ctx.config, s.token, s.expires);
    return { user: await auth.me(s.actor), returnTo: spent.return_to };
  }

  const signedIn = z.object({ user: meSchema, returnTo: z.string().nullable() });

  app.get(
    '/api/v1/auth/challenge',
    {
      config: { public: true },
      schema: { tags, summary: '待完成的两步验证 Pending second step', response: { 200: secondStepSchema } },
    },
    async (req) => {
      const challenge = await findChallenge(ctx.db, req);
      if (!challenge) throw new AppError(401, 'login_challenge_missing');
      return { kind: challenge.kind as 'totp' | 'enrol' };
    },
  );

  app.post(
    '/api/v1/auth/totp/verify',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '登录第二步：验证码或恢复码 Second step: code or recovery code',
        body: totpCodeBody,
        response: { 200: signedIn },
      },
    },
    async (req, reply) => {
      const { caller, challenge } = await subject(req, 'totp');
      const method = await withChallengeAttempt(challenge, () =>
        totp.checkCode(caller, req.body.code, { allowRecovery: true }),
      );
      return complete(req, reply, challenge!, method);
    },
  );

  app.get(
    '/api/v1/auth/totp',
    { schema: { tags, summary: '两步验证状态 Two-step status', response: { 200: totpStatusSchema } } },
    (req) => {
      const { actor } = callerOf(req);
      return totp.status(actor.userId, actor.role);
    },
  );

  app.post(
    '/api/v1/auth/totp/enrol',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '开始绑定：密钥与二维码 Start enrolment: secret and QR code',
        response: { 200: totpEnrolmentSchema },
      },
    },
    async (req) => {
      const { caller } = await subject(req, req.actor ? null : 'enrol');
      return totp.beginEnrol(caller.actor.userId, caller.actor.username);
    },
  );

  app.post(
    '/api/v1/auth/totp/confirm',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '确认绑定（首个验证码），返回恢复码 Confirm enrolment with a first code; returns recovery codes',
        body: totpCodeBody,
        response: {
          200: recoveryCodesSchema.extend({ user: meSchema.optional(), returnTo: z.string().nullable().optional() }),
        },
      },
    },
    async (req, reply) => {
      const { caller, challenge } = await subject(req, req.actor ? null : 'enrol');
      const recoveryCodes = await withChallengeAttempt(challenge, () => totp.confirmEnrol(caller, req.body.code));
      if (!challenge) return { recoveryCodes };
      return { recoveryCodes, ...(await complete(req, reply, challenge, 'totp')) };
    },
  );

  app.post(
    '/api/v1/auth/totp/disable',
    {
      schema: {
        tags,
        summary: '关闭两步验证（需验证码） Turn off (needs a code)',
        body: totpCodeBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await totp.disable(callerOf(req), req.body.code);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/totp/recovery-codes',
    {
      schema: {
        tags,
        summary: '重新生成恢复码（需验证码） New recovery codes (needs a code)',
        body: totpCodeBody,
        response: { 200: recoveryCodesSchema },
      },
    },
    async (req) => ({ recoveryCodes: await totp.regenerateRecoveryCodes(callerOf(req), req.body.code) }),
  );
}
