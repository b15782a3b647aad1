import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { changePasswordBody, loginBody, meSchema } from '../../../shared/auth.schemas.js';
import type { ZodApp } from '../module.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import { usersRoutes } from './users.routes.js';
import { UsersService } from './users.service.js';

export function authRoutes(app: ZodApp, ctx: AppContext, auth: AuthService) {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.secureCookies };

  app.post('/api/v1/auth/login', {
    config: { public: true },
    schema: { tags: ['auth'], summary: '登录 Sign in', body: loginBody, response: { 200: z.object({ user: meSchema }) } },
  }, async (req, reply) => {
    const { token, expires, actor } = await auth.login(req.body.username, req.body.password, req.ip, req.headers['user-agent'] ?? null);
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

  usersRoutes(app, new UsersService(ctx.db));
}
