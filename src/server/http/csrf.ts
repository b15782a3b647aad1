import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route accepts state-changing requests from other sites (e.g. an identity provider's form_post). */
    crossSite?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OriginVerdict = 'ok' | 'cross_site' | 'foreign_origin';

/**
 * Whether a state-changing request comes from the app's own pages. Browsers say so themselves:
 * `Sec-Fetch-Site` (every current browser) is `same-origin` for our pages and `none` for what the
 * user typed; anything else is another site. Older browsers send `Origin`, which must be the
 * request's own host or a configured public origin (GONGJIN_PUBLIC_ORIGIN). A request with neither header is not from a
 * browser page (curl, scripts, `app.inject`) and carries no victim's cookies by accident: it passes.
 * The content type does not matter: a cross-site form post is refused whether it is multipart,
 * urlencoded or text/plain.
 */
export function judgeOrigin(headers: FastifyRequest['headers'], trusted: ReadonlySet<string>): OriginVerdict {
  const origin = typeof headers.origin === 'string' ? headers.origin.toLowerCase() : undefined;
  const site = typeof headers['sec-fetch-site'] === 'string' ? headers['sec-fetch-site'].toLowerCase() : undefined;
  // a configured public origin (the URL users open, behind a proxy) is always ours
  if (origin && trusted.has(origin)) return 'ok';
  // the browser compared the page's origin with ours itself (it also knows the scheme and port the proxy hides)
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? 'ok' : 'cross_site';
  if (origin === undefined) return 'ok';
  const host = typeof headers.host === 'string' ? headers.host.toLowerCase() : undefined;
  try {
    return origin !== 'null' && new URL(origin).host === host ? 'ok' : 'foreign_origin';
  } catch {
    return 'foreign_origin';
  }
}

/** Refuses state-changing requests from other origins (403 `cross_origin_request`) before any body is read. */
export function registerCsrfGuard(app: FastifyInstance, config: Config) {
  // the configured public origins, and the origin of GONGJIN_PUBLIC_URL (the SSO redirect base)
  const trusted = new Set(
    [...config.publicOrigins, ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])].map((o) =>
      o.toLowerCase(),
    ),
  );
  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method) || req.routeOptions.config?.crossSite) return;
    const verdict = judgeOrigin(req.headers, trusted);
    if (verdict !== 'ok') {
      req.log.warn(
        { origin: req.headers.origin, secFetchSite: req.headers['sec-fetch-site'], url: req.url },
        'cross-origin request refused',
      );
      throw new AppError(403, 'cross_origin_request', {
        origin: String(req.headers.origin ?? req.headers['sec-fetch-site'] ?? ''),
      });
    }
  });
}
