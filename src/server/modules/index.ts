import type { Migration } from 'kysely';
import { activitiesMigrations } from './activities/activities.migrations.js';
import { activitiesRoutes } from './activities/activities.routes.js';
import { assessmentMigrations } from './assessment/assessment.migrations.js';
import { assessmentRoutes } from './assessment/assessment.routes.js';
import { auditMigrations } from './audit/audit.migrations.js';
import { auditRoutes } from './audit/audit.routes.js';
import { dashboardMigrations } from './dashboard/dashboard.migrations.js';
import { dashboardRoutes } from './dashboard/dashboard.routes.js';
import { authMigrations } from './auth/auth.migrations.js';
import { loginMigrations } from './auth/login.migrations.js';
import { authRoutes } from './auth/auth.routes.js';
import { exchangeMigrations } from './exchange/exchange.migrations.js';
import { exchangeRoutes } from './exchange/exchange.routes.js';
import { identityMigrations } from './auth/identity.migrations.js';
import { identityRoutes } from './auth/identity.js';
import { ioMigrations } from './io/io.migrations.js';
import { ioRoutes } from './io/io.routes.js';
import { meetingsMigrations } from './meetings/meetings.migrations.js';
import { meetingsRoutes } from './meetings/meetings.routes.js';
import type { GongjinModule } from './module.js';
import { plannerMigrations } from './planner/planner.migrations.js';
import { plannerRoutes } from './planner/planner.routes.js';
import { qualityMigrations } from './quality/quality.migrations.js';
import { qualityRoutes } from './quality/quality.routes.js';
import { registryMigrations } from './registry/registry.migrations.js';
import { registryRoutes } from './registry/registry.routes.js';
import { resourcesMigrations } from './resources/resources.migrations.js';
import { resourcesRoutes } from './resources/resources.routes.js';

/** Every domain module, in dependency order. Adding a module is one line here. */
export const modules: GongjinModule[] = [
  { name: 'registry', migrations: registryMigrations, routes: registryRoutes },
  { name: 'auth', migrations: { ...authMigrations, ...loginMigrations, ...identityMigrations }, routes: identityRoutes(authRoutes) },
  { name: 'audit', migrations: auditMigrations, routes: auditRoutes },
  { name: 'io', migrations: ioMigrations, routes: ioRoutes },
  { name: 'planner', migrations: plannerMigrations, routes: plannerRoutes },
  { name: 'activities', migrations: activitiesMigrations, routes: activitiesRoutes },
  { name: 'resources', migrations: resourcesMigrations, routes: resourcesRoutes },
  { name: 'meetings', migrations: meetingsMigrations, routes: meetingsRoutes },
  { name: 'quality', migrations: qualityMigrations, routes: qualityRoutes },
  { name: 'assessment', migrations: assessmentMigrations, routes: assessmentRoutes },
  { name: 'exchange', migrations: exchangeMigrations, routes: exchangeRoutes },
  { name: 'dashboard', migrations: dashboardMigrations, routes: dashboardRoutes },
];

export function allMigrations(): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const m of modules) {
    for (const [name, migration] of Object.entries(m.migrations)) {
      if (all[name]) throw new Error(`migration ${name} is defined twice`);
      all[name] = migration;
    }
  }
  return all;
}
