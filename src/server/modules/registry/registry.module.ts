import type { GongjinModule } from '../module.js';
import { registrySources } from './registry.assessment.js';
import { registryPanels } from './registry.dashboard.js';
import { registryMigrations } from './registry.migrations.js';
import { registryRoutes } from './registry.routes.js';
import { schoolYearStatsImport } from './school-year-stats.import.js';
import { schoolsImport } from './schools.import.js';
import { teachersImport } from './teachers.import.js';

/** Regions, schools, teachers, communities and their yearly statistics: the base every module reads. */
export const registryModule: GongjinModule = {
  name: 'registry',
  migrations: registryMigrations,
  routes: registryRoutes,
  dashboard: {
    panels: registryPanels,
    changeTables: ['schools', 'teachers', 'communities', 'community_memberships', 'regions'],
  },
  assessmentSources: registrySources,
  imports: { schools: schoolsImport, teachers: teachersImport, 'school-year-stats': schoolYearStatsImport },
};
