import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/**
 * Security headers (helmet) and the Content-Security-Policy of every response; see docs/security.md.
 *
 * - The app: scripts only from our own origin, no inline script. Ant Design writes its styles into
 *   `<style>` tags at run time; each page load gets a fresh nonce, written into index.html as
 *   `<meta name="csp-nonce">`, which the web app hands to antd (ConfigProvider `csp`) and to
 *   rc-component's style helper. Inline style *attributes* (ECharts tooltips) are allowed by
 *   `style-src-attr`; `<style>` elements without the nonce are not.
 * - Nothing may frame the app (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), except the
 *   big-screen display page, which the origins in GONGJIN_FRAME_ANCESTORS may frame.
 * - The public results page (/public/results/…) and the display page: no script at all, inline style.
 * - `/api/docs` (swagger-ui) runs under the same script rules with its own style rules.
 * - Stored files set their own policy (http/file-response.ts).
 */

const nonces = new WeakMap<IncomingMessage, string>();

/** The style nonce of this request (made on first use). */
export function cspNonce(raw: IncomingMessage): string {
  let n = nonces.get(raw);
  if (!n) {
    n = randomBytes(18).toString('base64');
    nonces.set(raw, n);
  }
  return n;
}

type Directives = Record<string, string[]>;

function serialize(d: Directives): string {
  return Object.entries(d)
    .map(([k, v]) => (v.length ? `${k} ${v.join(' ')}` : k))
    .join('; ');
}

/** The display page: no script at all; its one `<style>` and the server-rendered SVG charts are inline. */
export function displayPageCsp(config: Config): string {
  return serialize({
    'default-src': ["'none'"],
    'style-src': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': config.frameAncestors.length ? config.frameAncestors : ["'none'"],
  });
}

/** The public results page (assessment module): like the display page, but nothing may frame it. */
export function publicPageCsp(): string {
  return serialize({
    'default-src': ["'none'"],
    'style-src': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  });
}

/** swagger-ui: its scripts and stylesheet are files of our origin; it sets inline styles on elements. */
export function apiDocsCsp(): string {
  return serialize({
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  });
}

export function registerSecurityHeaders(app: FastifyInstance, config: Config) {
  const https = config.secureCookies;
  return app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", (req) => `'nonce-${cspNonce(req)}'`],
        'style-src-attr': ["'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'media-src': ["'self'", 'blob:'],
        // the service worker (/sw.js) and the install manifest are files of our origin
        'worker-src': ["'self'", 'blob:'],
        'manifest-src': ["'self'"],
        'frame-src': ["'self'"],
        'object-src': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // the app is served over plain HTTP on intranets too; HSTS only when it says it is behind HTTPS
    strictTransportSecurity: https ? { maxAge: 31536000 } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}

/** Per-route policies that differ from the app's: the display page, the public results page and the API docs. */
export function registerRoutePolicies(app: FastifyInstance, config: Config) {
  const display = displayPageCsp(config);
  const publicPage = publicPageCsp();
  const docs = apiDocsCsp();
  app.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url ?? '';
    if (route === '/display/:token') {
      reply.header('content-security-policy', display);
      // X-Frame-Options cannot name origins: when framing is allowed, frame-ancestors alone decides
      if (config.frameAncestors.length) {
        reply.removeHeader('x-frame-options');
        reply.raw.removeHeader('x-frame-options');
      }
    } else if (route === '/public/results/:region/:year') {
      reply.header('content-security-policy', publicPage);
    } else if (route === '/api/docs' || route.startsWith('/api/docs/')) {
      reply.header('content-security-policy', docs);
    }
    return payload;
  });
}

/**
 * The web app's index.html with this response's style nonce in a meta tag. The file is read once;
 * it is never cached by the browser (the nonce changes on every load).
 */
export function appShell(webRoot: string) {
  let template: string | null = null;
  return (req: FastifyRequest, reply: FastifyReply) => {
    template ??= fs.readFileSync(path.join(webRoot, 'index.html'), 'utf8');
    const nonce = cspNonce(req.raw);
    const html = template.replace(/<head>/i, `<head>\n    <meta name="csp-nonce" content="${nonce}" />`);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  };
}
