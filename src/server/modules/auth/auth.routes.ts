import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { changePasswordBody, loginBody, meSchema, userCreate, userSchema, userUpdate } from '../../../shared/auth.schemas.js';
import { ROLES } from '../../../shared/enums.js';
import { idParam } from '../../../shared/registry.schemas.js';
import { pageOf, pageQuery } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import { assertPasswordLogin, setChallengeCookie } from './sign-in.js';
import { secondStepSchema } from '../../../shared/identity.schemas.js';

export function authRoutes(app: ZodApp, ctx: AppContext, auth: AuthService) {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.secureCookies };

  app.post('/api/v1/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'],
      summary: '登录 Sign in',
      description: 'A user with two-step verification gets `secondStep` and a challenge cookie instead of a session (see /auth/totp/verify).',
      body: loginBody,
      response: { 200: z.object({ user: meSchema.optional(), secondStep: secondStepSchema.optional() }) },
    },
  }, async (req, reply) => {
    assertPasswordLogin(ctx.config); // GONGJIN_PASSWORD_LOGIN=0: SSO only
    const result = await auth.login(req.body.username, req.body.password, req.ip, req.headers['user-agent'] ?? null);
    if ('secondStep' in result) {
      setChallengeCookie(reply, ctx.config, result.challengeToken, result.challengeExpires);
      return { secondStep: result.secondStep };
    }
    const { token, expires, actor } = result;
    reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(expires) });
    return { user: await auth.me(actor) };
  });

  app.post('/api/v1/auth/logout', { config: { public: true }, schema: { tags: ['auth'], summary: '退出 Sign out', response: { 204: z.null() } } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await auth.logout(token, req.actor ? callerOf(req) : null);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: '当前用户 Current user', response: { 200: meSchema } } }, (req) => auth.me(callerOf(req).actor));

  app.post('/api/v1/auth/password', { schema: { tags: ['auth'], summary: '修改密码 Change password', body: changePasswordBody, response: { 204: z.null() } } }, async (req, reply) => {
    await auth.changePassword(callerOf(req), req.body.currentPassword, req.body.newPassword);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/users', {
    schema: { tags: ['users'], summary: '用户列表 List users', querystring: pageQuery.extend({ search: z.string().max(50).optional(), role: z.enum(ROLES).optional() }), response: { 200: pageOf(userSchema) } },
  }, (req) => auth.list(callerOf(req).actor, req.query));
  app.get('/api/v1/users/:id', { schema: { tags: ['users'], params: idParam, response: { 200: userSchema } } }, (req) => auth.get(callerOf(req).actor, req.params.id));
  app.post('/api/v1/users', { schema: { tags: ['users'], body: userCreate, response: { 201: userSchema } } }, async (req, reply) =>
    reply.status(201).send(await auth.create(callerOf(req), req.body)));
  app.patch('/api/v1/users/:id', { schema: { tags: ['users'], params: idParam, body: userUpdate, response: { 200: userSchema } } }, (req) =>
    auth.update(callerOf(req), req.params.id, req.body));
}
