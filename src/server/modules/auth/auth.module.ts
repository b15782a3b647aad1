import type { GongjinModule } from '../module.js';
import { authJobs } from './auth.jobs.js';
import { authMigrations } from './auth.migrations.js';
import { authRoutes } from './auth.routes.js';
import { identityMigrations } from './identity.migrations.js';
import { identityRoutes } from './identity.js';
import { loginMigrations } from './login.migrations.js';

/** Accounts, sessions, sign-in (password, TOTP, OIDC) and user administration. */
export const authModule: GongjinModule = {
  name: 'auth',
  migrations: { ...authMigrations, ...loginMigrations, ...identityMigrations },
  routes: identityRoutes(authRoutes),
  jobs: authJobs,
};
