import type { FastifyInstance } from 'fastify';
import { AppError, UnauthenticatedError } from './errors.js';
import { SESSION_COOKIE, type AuthService } from '../modules/auth/auth.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answers without a session (login, health, public pages). */
    public?: boolean;
    /** Route answers a user who must change the password first (me, password, sessions, logout). */
    passwordChange?: boolean;
  }
  interface FastifyRequest {
    /** the stored id (token hash) of the request's session */
    sessionId: string | null;
  }
}

/**
 * Resolves the session cookie to an actor on every request, and refuses every /api/v1 route that is
 * not marked public when there is none: routes are private unless they say otherwise.
 */
export function registerAuth(app: FastifyInstance, auth: AuthService) {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);
  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    const session = token ? await auth.sessionForToken(token) : null;
    req.actor = session?.actor ?? null;
    req.sessionId = session?.sessionId ?? null;
    const isApi = req.url.startsWith('/api/v1/');
    const config = req.routeOptions.config;
    if (isApi && !config?.public && !req.actor) throw new UnauthenticatedError();
    // after an administrator's reset the API answers nothing but the password change until it is done
    if (isApi && session?.mustChangePassword && !config?.public && !config?.passwordChange)
      throw new AppError(403, 'password_change_required');
  });
}
