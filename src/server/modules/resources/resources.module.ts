import type { GongjinModule } from '../module.js';
import { resourcesSources } from './resources.assessment.js';
import { resourcesPanels } from './resources.dashboard.js';
import { seedResourcesDemo } from './resources.demo.js';
import { resourcesMigrations } from './resources.migrations.js';
import { resourcesRoutes } from './resources.routes.js';
import { thumbnailJob } from './resources.thumbnails.js';

/** Shared teaching resources and shared courses. */
export const resourcesModule: GongjinModule = {
  name: 'resources',
  migrations: resourcesMigrations,
  routes: resourcesRoutes,
  demo: seedResourcesDemo,
  dashboard: {
    panels: resourcesPanels,
    changeTables: [
      'shared_courses',
      'shared_course_sessions',
      'shared_course_enrolments',
      'shared_course_schools',
      'resources',
    ],
  },
  assessmentSources: resourcesSources,
  jobs: { kinds: [thumbnailJob] },
};
