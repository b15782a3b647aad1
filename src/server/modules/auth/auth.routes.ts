import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import {
  changePasswordBody,
  loginBody,
  loginLockSchema,
  meSchema,
  sessionIdParam,
  sessionViewSchema,
} from '../../../shared/auth.schemas.js';
import { idParam } from '../../../shared/registry.schemas.js';
import type { ZodApp } from '../module.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import { LoginThrottledError } from './login-throttle.js';
import { usersRoutes } from './users.routes.js';
import { UsersService } from './users.service.js';
import { assertPasswordLogin, setChallengeCookie } from './sign-in.js';
import { secondStepSchema } from '../../../shared/identity.schemas.js';

export function authRoutes(app: ZodApp, ctx: AppContext, auth: AuthService) {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.secureCookies };

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: '登录 Sign in',
        description:
          'A user with two-step verification gets `secondStep` and a challenge cookie instead of a session (see /auth/totp/verify).',
        body: loginBody,
        response: { 200: z.object({ user: meSchema.optional(), secondStep: secondStepSchema.optional() }) },
      },
    },
    async (req, reply) => {
      assertPasswordLogin(ctx.config); // GONGJIN_PASSWORD_LOGIN=0: SSO only
      try {
        const result = await auth.login(
          req.body.username,
          req.body.password,
          req.ip,
          req.headers['user-agent'] ?? null,
        );
        if ('secondStep' in result) {
          setChallengeCookie(reply, ctx.config, result.challengeToken, result.challengeExpires);
          return { secondStep: result.secondStep };
        }
        const { token, expires, actor } = result;
        reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(expires) });
        return { user: await auth.me(actor) };
      } catch (err) {
        if (err instanceof LoginThrottledError) reply.header('retry-after', String(err.retryAfterSeconds));
        throw err;
      }
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'], summary: '退出 Sign out', response: { 204: z.null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await auth.logout(token, req.actor ? callerOf(req) : null);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );

  // the routes a user whose password was reset may still call (config.passwordChange)
  app.get(
    '/api/v1/auth/me',
    {
      config: { passwordChange: true },
      schema: { tags: ['auth'], summary: '当前用户 Current user', response: { 200: meSchema } },
    },
    (req) => auth.me(callerOf(req).actor),
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { passwordChange: true },
      schema: {
        tags: ['auth'],
        summary: '修改密码（结束其他会话）Change password (ends other sessions)',
        body: changePasswordBody,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await auth.changePassword(callerOf(req), req.body.currentPassword, req.body.newPassword, req.sessionId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/sessions',
    {
      config: { passwordChange: true },
      schema: { tags: ['auth'], summary: '我的会话 My sessions', response: { 200: z.array(sessionViewSchema) } },
    },
    (req) => auth.sessions(callerOf(req), req.sessionId ?? ''),
  );
  app.delete(
    '/api/v1/auth/sessions/:id',
    {
      config: { passwordChange: true },
      schema: {
        tags: ['auth'],
        summary: '结束一个会话 End one session',
        params: sessionIdParam,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await auth.revokeSession(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/api/v1/auth/sessions',
    {
      config: { passwordChange: true },
      schema: { tags: ['auth'], summary: '退出所有设备 Sign out everywhere', response: { 204: z.null() } },
    },
    async (req, reply) => {
      await auth.revokeAllSessions(callerOf(req));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );

  // account locks (GONGJIN_LOGIN_LOCK_AFTER): listed and lifted by user administrators
  app.get(
    '/api/v1/login-locks',
    {
      schema: { tags: ['users'], summary: '被锁定的账户 Locked accounts', response: { 200: z.array(loginLockSchema) } },
    },
    (req) => auth.locks(callerOf(req).actor),
  );
  app.post(
    '/api/v1/users/:id/unlock',
    {
      schema: {
        tags: ['users'],
        summary: '解除账户锁定 Unlock an account',
        params: idParam,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await auth.unlock(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  usersRoutes(app, new UsersService(ctx.db), ctx.config.listCountCap);
}
