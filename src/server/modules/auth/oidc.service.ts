import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { sql } from 'kysely';
import type { OidcConfig } from '../../config.js';
import type { Db } from '../../db/connection.js';
import { AppError } from '../../http/errors.js';
import type { UserRow } from './auth.tables.js';

/** How long a started SSO sign-in may take before its callback is refused. */
export const OIDC_REQUEST_MINUTES = 10;
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** A network failure talking to the provider (as opposed to the provider refusing). */
function isUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  return e instanceof TypeError && /fetch failed|network/i.test(e.message);
}

function reasonOf(e: unknown): string {
  const x = e as { error?: unknown; code?: unknown; message?: unknown };
  const reason =
    typeof x.error === 'string' ? x.error : typeof x.code === 'string' ? x.code : String(x.message ?? 'error');
  return reason.slice(0, 120);
}

/** The Gongjin username an identity's claim names: phone numbers lose +86, spaces and dashes. */
export function usernameFromClaim(claim: string, value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  let v = String(value).trim();
  if (/phone/i.test(claim)) v = v.replace(/[\s-]/g, '').replace(/^(\+|00)86/, '');
  return v === '' ? null : v;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  idToken: string;
  /** value of the configured claim, normalised */
  username: string | null;
  claim: string;
}

/**
 * OpenID Connect sign-in (authorization code + PKCE, state and nonce), with everything the callback
 * checks kept in the database so any instance can answer it. The provider's metadata is discovered on
 * first use and cached per process (it is the provider's, not ours).
 */
export class OidcService {
  private discovered = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly db: Db,
    private readonly config: () => OidcConfig | null,
  ) {}

  settings(): OidcConfig {
    const c = this.config();
    if (!c) throw new AppError(404, 'oidc_not_configured');
    return c;
  }

  private async client(c: OidcConfig): Promise<oidc.Configuration> {
    const key = `${c.issuer}|${c.clientId}`;
    let p = this.discovered.get(key);
    if (!p) {
      p = oidc.discovery(
        new URL(c.issuer),
        c.clientId,
        c.clientSecret,
        c.clientSecret ? oidc.ClientSecretPost(c.clientSecret) : oidc.None(),
        {
          execute: isLoopback(c.issuer) ? [oidc.allowInsecureRequests] : [],
          timeout: 10,
        },
      );
      this.discovered.set(key, p);
      p.catch(() => this.discovered.delete(key));
    }
    try {
      return await p;
    } catch (e) {
      throw new AppError(502, 'oidc_provider_unreachable', { reason: reasonOf(e) });
    }
  }

  /** Starts a sign-in: returns the provider URL to send the browser to and the state it must bring back. */
  async start(redirectUri: string, returnTo: string | null): Promise<{ url: string; state: string }> {
    const c = this.settings();
    const client = await this.client(c);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    await this.db
      .deleteFrom('oidc_login_requests')
      .where('expires_at', '<', sql<string>`now() - interval '1 day'`)
      .execute();
    await this.db
      .insertInto('oidc_login_requests')
      .values({
        state_hash: sha256(state),
        nonce,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        return_to: returnTo,
        expires_at: sql<string>`now() + make_interval(mins => ${OIDC_REQUEST_MINUTES})`,
        used_at: null,
      })
      .execute();
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: redirectUri,
      scope: c.scopes,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, state };
  }

  /**
   * Checks a callback: the state must be one this server issued, to this browser (its cookie), not
   * used and not expired; then the code is exchanged (PKCE verifier, nonce checked) and the identity read.
   */
  async callback(
    query: Record<string, string | undefined>,
    rawQuery: string,
    browserState: string | undefined,
  ): Promise<{ identity: OidcIdentity; returnTo: string | null }> {
    const c = this.settings();
    const state = query.state;
    if (!state) throw new AppError(400, 'oidc_state_missing');
    const request = await this.db
      .selectFrom('oidc_login_requests')
      .selectAll()
      .where('state_hash', '=', sha256(state))
      .executeTakeFirst();
    if (!request) throw new AppError(400, 'oidc_state_unknown');
    if (request.used_at !== null) throw new AppError(400, 'oidc_replayed');
    if (!browserState || browserState !== state) throw new AppError(400, 'oidc_state_mismatch');
    // spend the request once, whichever instance answers first
    const claimed = await this.db
      .updateTable('oidc_login_requests')
      .set({ used_at: sql<string>`now()` })
      .where('state_hash', '=', request.state_hash)
      .where('used_at', 'is', null)
      .returning(sql<boolean>`expires_at < now()`.as('expired'))
      .executeTakeFirst();
    if (!claimed) throw new AppError(400, 'oidc_replayed');
    if (claimed.expired) throw new AppError(400, 'oidc_expired', { minutes: OIDC_REQUEST_MINUTES });
    if (query.error)
      throw new AppError(403, 'oidc_provider_error', {
        reason: `${query.error}${query.error_description ? `: ${query.error_description}` : ''}`.slice(0, 200),
      });

    const client = await this.client(c);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(client, new URL(`${request.redirect_uri}?${rawQuery}`), {
        pkceCodeVerifier: request.code_verifier,
        expectedState: state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      if (isUnreachable(e)) throw new AppError(502, 'oidc_provider_unreachable', { reason: reasonOf(e) });
      throw new AppError(400, 'oidc_exchange_failed', { reason: reasonOf(e) });
    }
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new AppError(400, 'oidc_exchange_failed', { reason: 'no id_token' });
    let value: unknown = claims[c.usernameClaim];
    if (value === undefined) {
      // providers often keep profile claims out of the ID token: ask the userinfo endpoint
      try {
        const info = await oidc.fetchUserInfo(client, tokens.access_token, claims.sub);
        value = info[c.usernameClaim];
      } catch (e) {
        if (isUnreachable(e)) throw new AppError(502, 'oidc_provider_unreachable', { reason: reasonOf(e) });
        throw new AppError(400, 'oidc_exchange_failed', { reason: reasonOf(e) });
      }
    }
    return {
      identity: {
        issuer: claims.iss,
        subject: claims.sub,
        idToken: tokens.id_token,
        username: usernameFromClaim(c.usernameClaim, value),
        claim: c.usernameClaim,
      },
      returnTo: request.return_to,
    };
  }

  /** The active Gongjin user an identity names; SSO never creates users. */
  async userFor(identity: OidcIdentity): Promise<UserRow | null> {
    if (!identity.username) return null;
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', identity.username)
      .where('is_active', '=', true)
      .executeTakeFirst();
    return user ?? null;
  }

  /** The provider's logout URL for a session opened through it, or null (no end_session endpoint, other provider). */
  async endSessionUrl(
    session: { issuer: string; id_token: string },
    postLogoutRedirect: string,
  ): Promise<string | null> {
    const c = this.config();
    if (!c) return null;
    try {
      const client = await this.client(c);
      if (client.serverMetadata().issuer !== session.issuer || !client.serverMetadata().end_session_endpoint)
        return null;
      return oidc.buildEndSessionUrl(client, {
        id_token_hint: session.id_token,
        post_logout_redirect_uri: postLogoutRedirect,
      }).href;
    } catch {
      return null; // the local session ends regardless
    }
  }
}
