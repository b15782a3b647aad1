import type { FastifyInstance } from 'fastify';
import { UnauthenticatedError } from './errors.js';
import { SESSION_COOKIE, type AuthService } from '../modules/auth/auth.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answers without a session (login, health, public pages). */
    public?: boolean;
  }
}

/**
 * Resolves the session cookie to an actor on every request, and refuses every /api/v1 route that is
 * not marked public when there is none: routes are private unless they say otherwise.
 */
export function registerAuth(app: FastifyInstance, auth: AuthService) {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    req.actor = token ? await auth.actorForToken(token) : null;
    const isApi = req.url.startsWith('/api/v1/');
    if (isApi && !req.routeOptions.config?.public && !req.actor) throw new UnauthenticatedError();
  });
}
