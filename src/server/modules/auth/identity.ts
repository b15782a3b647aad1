import type { AppContext } from '../../context.js';
import type { ZodApp } from '../module.js';
import { AuthService } from './auth.service.js';
import { OidcService } from './oidc.service.js';
import { oidcRoutes } from './oidc.routes.js';
import { totpRoutes } from './totp.routes.js';
import { TotpService } from './totp.service.js';

/**
 * Wires the auth module with its sign-in extensions: the TOTP second step hooked into password
 * login, SSO, and their routes. The clock and the OIDC settings are read per request from the
 * context, so tests (and a provider started after the app) can set them.
 */
export function identityRoutes(authRoutes: (app: ZodApp, ctx: AppContext, auth: AuthService) => void) {
  return (app: ZodApp, ctx: AppContext) => {
    const totp = new TotpService(ctx.db, ctx.config, () => (ctx.now ? ctx.now() : new Date()));
    const auth = AuthService.of(ctx, totp.loginHook());
    authRoutes(app, ctx, auth);
    totpRoutes(app, ctx, auth, totp);
    oidcRoutes(app, ctx, auth, new OidcService(ctx.db, () => ctx.config.oidc), totp);
  };
}
