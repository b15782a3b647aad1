import type { Migration } from 'kysely';
import { activitiesModule } from './activities/activities.module.js';
import { assessmentModule } from './assessment/assessment.module.js';
import { auditModule } from './audit/audit.module.js';
import { authModule } from './auth/auth.module.js';
import { backupModule } from './backup/backup.module.js';
import { dashboardModule } from './dashboard/dashboard.module.js';
import { exchangeModule } from './exchange/exchange.module.js';
import { ioModule } from './io/io.module.js';
import { jobsModule } from './jobs/jobs.module.js';
import { meetingsModule } from './meetings/meetings.module.js';
import type { GongjinModule } from './module.js';
import { notificationsModule } from './notifications/notifications.module.js';
import { plannerModule } from './planner/planner.module.js';
import { qualityModule } from './quality/quality.module.js';
import { registryModule } from './registry/registry.module.js';
import { reportsModule } from './reports/reports.module.js';
import { resourcesModule } from './resources/resources.module.js';
import { searchModule } from './search/search.module.js';
import { todoModule } from './todo/todo.module.js';

/**
 * Every installed module, in dependency order (demo data is seeded in this order). Adding a module is
 * one line here: its manifest (`<module>/<module>.module.ts`) declares everything it contributes.
 */
export const modules: readonly GongjinModule[] = [
  registryModule,
  authModule,
  auditModule,
  jobsModule,
  ioModule,
  activitiesModule,
  meetingsModule,
  resourcesModule,
  exchangeModule,
  qualityModule,
  assessmentModule,
  plannerModule,
  dashboardModule,
  notificationsModule,
  backupModule,
  reportsModule,
  searchModule,
  todoModule,
];

export function allMigrations(list: readonly GongjinModule[] = modules): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const m of list) {
    for (const [name, migration] of Object.entries(m.migrations)) {
      if (all[name]) throw new Error(`migration ${name} is defined twice`);
      all[name] = migration;
    }
  }
  return all;
}
