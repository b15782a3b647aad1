import type { GongjinModule } from '../module.js';
import { reportsJobs } from './reports.jobs.js';
import { reportsMigrations } from './reports.migrations.js';
import { reportsRoutes } from './reports.routes.js';

/**
 * Large reports run on the job queue: the user gets a progress bar and a download when done. The
 * kinds come from the manifests (`reports`, contract contracts/report.ts); only the user who asked
 * for a report can see or download it, and its file is deleted after REPORT_RETENTION_DAYS.
 */
export const reportsModule: GongjinModule = {
  name: 'reports',
  migrations: reportsMigrations,
  routes: reportsRoutes,
  jobs: reportsJobs,
};
