import type { GongjinModule } from '../module.js';
import { dashboardJobs } from './dashboard.jobs.js';
import { syncChangeTracking } from './change-tracking.js';
import { seedDashboardDemo } from './dashboard.demo.js';
import { dashboardMigrations } from './dashboard.migrations.js';
import { dashboardReports } from './dashboard.reports.js';
import { dashboardRoutes } from './dashboard.routes.js';

/** The cockpit: every module's panels and alerts by scope, big screens and the annual report. */
export const dashboardModule: GongjinModule = {
  name: 'dashboard',
  migrations: dashboardMigrations,
  routes: dashboardRoutes,
  demo: seedDashboardDemo,
  afterMigrate: syncChangeTracking,
  jobs: dashboardJobs,
  reports: dashboardReports,
};
