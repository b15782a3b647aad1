import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { requestLang } from '../../http/error-handler.js';
import { AppError } from '../../http/errors.js';
import { formatMessage } from '../../../shared/messages.js';
import { authMethodsSchema } from '../../../shared/identity.schemas.js';
import type { ZodApp } from '../module.js';
import { SESSION_COOKIE, type AuthService } from './auth.service.js';
import { OIDC_CALLBACK_PATH, OIDC_REQUEST_MINUTES, type OidcService } from './oidc.service.js';
import {
  auditAttempt,
  issueChallenge,
  linkOidcSession,
  oidcSessionOf,
  publicBaseUrl,
  safeReturnPath,
  setChallengeCookie,
  setSessionCookie,
} from './sign-in.js';
import type { TotpService } from './totp.service.js';

const STATE_COOKIE = 'gongjin_oidc_state';
const STATE_COOKIE_PATH = '/api/v1/auth/oidc';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A browser reaching the callback gets a page in both languages; API clients get the usual JSON error. */
function refuse(req: FastifyRequest, reply: FastifyReply, err: AppError) {
  const wantsHtml = /text\/html/.test(req.headers.accept ?? '');
  const zh = formatMessage(err.code, err.params, 'zh');
  const en = formatMessage(err.code, err.params, 'en');
  reply.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH });
  if (!wantsHtml) {
    return reply.status(err.status).send({
      code: err.code,
      message: requestLang(req) === 'en' ? en : zh,
      messageEn: en,
      details: [],
      requestId: String(req.id),
    });
  }
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>无法登录 Sign-in refused · 共进 Gongjin</title></head>
<body style="font-family: system-ui, 'Noto Sans CJK SC', sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #1f1f1f">
<h1 style="font-size: 1.4rem">无法登录 <span style="color:#8c8c8c">Sign-in refused</span></h1>
<p data-testid="sso-refusal-zh">${escapeHtml(zh)}</p>
<p lang="en" data-testid="sso-refusal-en" style="color:#595959">${escapeHtml(en)}</p>
<p style="color:#8c8c8c; font-size: .85rem">代码 code: ${escapeHtml(err.code)} · 请求 request: ${escapeHtml(String(req.id))}</p>
<p><a href="/login" data-testid="sso-back">返回登录页 Back to sign-in</a></p>
</body></html>`;
  return reply.status(err.status).type('text/html; charset=utf-8').send(html);
}

/**
 * Single sign-on through an OpenID provider (GONGJIN_OIDC_*): start → provider → callback → an
 * existing Gongjin user's session (or its second step), and logout through the provider.
 */
/** What a provider sends back (RFC 6749 §4.1.2, OpenID Connect Core §3.1.2.5); other parameters pass through to the checks. */
const oidcCallbackQuery = z
  .object({
    code: z.string().optional(),
    state: z.string().optional(),
    iss: z.string().optional(),
    error: z.string().optional(),
    error_description: z.string().optional(),
  })
  .catchall(z.string());

export function oidcRoutes(app: ZodApp, ctx: AppContext, auth: AuthService, oidc: OidcService, totp: TotpService) {
  const tags = ['auth'];
  const redirectUri = (req: FastifyRequest) => publicBaseUrl(ctx.config, req) + OIDC_CALLBACK_PATH;

  app.get(
    '/api/v1/auth/methods',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '可用的登录方式 Sign-in methods the login page offers',
        response: { 200: authMethodsSchema },
      },
    },
    () => {
      const o = ctx.config.oidc;
      return {
        password: ctx.config.passwordLogin,
        oidc: o ? { label: o.label, startUrl: '/api/v1/auth/oidc/start' } : null,
      };
    },
  );

  app.get(
    '/api/v1/auth/oidc/start',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '单点登录：跳转到身份认证平台 SSO: redirect to the provider',
        querystring: z.object({ next: z.string().max(1000).optional() }),
      },
    },
    async (req, reply) => {
      try {
        const { url, state } = await oidc.start(redirectUri(req), safeReturnPath(req.query.next));
        reply.setCookie(STATE_COOKIE, state, {
          path: STATE_COOKIE_PATH,
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.config.secureCookies,
          maxAge: OIDC_REQUEST_MINUTES * 60,
        });
        return reply.redirect(url, 302);
      } catch (e) {
        if (e instanceof AppError) return refuse(req, reply, e);
        throw e;
      }
    },
  );

  app.get(
    '/api/v1/auth/oidc/callback',
    {
      config: { public: true },
      schema: { tags, summary: '单点登录回调 SSO callback', querystring: oidcCallbackQuery },
    },
    async (req, reply) => {
      try {
        const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
        let result;
        try {
          result = await oidc.callback(req.query, rawQuery, req.cookies[STATE_COOKIE]);
        } catch (e) {
          if (e instanceof AppError)
            await auditAttempt(ctx.db, req, {
              action: 'sso_refused',
              after: { reason: e.code, ...(e.params.reason ? { detail: e.params.reason } : {}) },
            });
          throw e;
        }
        const { identity, returnTo } = result;
        reply.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH });
        const user = await oidc.userFor(identity);
        if (!user) {
          await auditAttempt(ctx.db, req, {
            action: 'sso_refused',
            username: identity.username,
            after: {
              reason: 'oidc_unknown_user',
              issuer: identity.issuer,
              subject: identity.subject,
              claim: identity.claim,
              value: identity.username,
            },
          });
          throw identity.username === null
            ? new AppError(403, 'oidc_claim_missing', { claim: identity.claim })
            : new AppError(403, 'oidc_unknown_user', { value: identity.username });
        }
        const ua = req.headers['user-agent'] ?? null;
        const step = await totp.secondStepFor(user);
        if (step) {
          const ch = await issueChallenge(ctx.db, {
            userId: user.id,
            kind: step,
            via: 'oidc',
            ip: req.ip,
            userAgent: ua,
            returnTo,
            oidc: { issuer: identity.issuer, subject: identity.subject, idToken: identity.idToken },
          });
          setChallengeCookie(reply, ctx.config, ch.challengeToken, ch.challengeExpires);
          return reply.redirect(`/login?step=2fa${returnTo ? `&next=${encodeURIComponent(returnTo)}` : ''}`, 302);
        }
        const s = await auth.openSession(user.id, req.ip, ua, 'oidc', String(req.id));
        await linkOidcSession(ctx.db, s.sessionId, identity);
        setSessionCookie(reply, ctx.config, s.token, s.expires);
        return reply.redirect(returnTo ?? '/', 302);
      } catch (e) {
        if (e instanceof AppError) return refuse(req, reply, e);
        throw e;
      }
    },
  );

  app.post(
    '/api/v1/auth/oidc/logout',
    {
      config: { public: true },
      schema: {
        tags,
        summary: '退出（含身份认证平台） Sign out, also at the provider',
        description:
          '`redirectTo` is the provider’s end-session URL when the session came through SSO and the provider has one; the browser should go there.',
        response: { 200: z.object({ redirectTo: z.string().nullable() }) },
      },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      let redirectTo: string | null = null;
      if (token) {
        const sso = await oidcSessionOf(ctx.db, token);
        if (sso) redirectTo = await oidc.endSessionUrl(sso, `${publicBaseUrl(ctx.config, req)}/login`);
        await auth.logout(token, req.actor ? callerOf(req) : null);
      }
      reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.secureCookies,
      });
      return { redirectTo };
    },
  );
}
