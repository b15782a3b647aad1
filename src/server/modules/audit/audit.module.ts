import type { GongjinModule } from '../module.js';
import { auditMigrations } from './audit.migrations.js';
import { auditRoutes } from './audit.routes.js';

/** The audit trail: who changed what, when. */
export const auditModule: GongjinModule = { name: 'audit', migrations: auditMigrations, routes: auditRoutes };
