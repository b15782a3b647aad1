import type { GongjinModule } from '../module.js';
import { jobsJobs } from './jobs.jobs.js';
import { jobsMigrations } from './jobs.migrations.js';
import { jobsRoutes } from './jobs.routes.js';

/** The job queue every module's background work runs on (kinds and schedules come from the manifests). */
export const jobsModule: GongjinModule = {
  name: 'jobs',
  migrations: jobsMigrations,
  routes: jobsRoutes,
  jobs: jobsJobs,
};
