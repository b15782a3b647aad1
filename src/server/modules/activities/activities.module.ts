import type { GongjinModule } from '../module.js';
import { activitiesSources } from './activities.assessment.js';
import { activitiesAlerts, activitiesPanels } from './activities.dashboard.js';
import { seedActivitiesDemo } from './activities.demo.js';
import { activitiesMigrations } from './activities.migrations.js';
import { activitiesReports } from './activities.reports.js';
import { activitiesRoutes } from './activities.routes.js';
import { activitiesTodo } from './activities.todo.js';

/** Community activities (synchronous classes, joint lesson preparation, observations…), plans and evidence. */
export const activitiesModule: GongjinModule = {
  name: 'activities',
  migrations: activitiesMigrations,
  routes: activitiesRoutes,
  demo: seedActivitiesDemo,
  dashboard: {
    panels: activitiesPanels,
    alerts: activitiesAlerts,
    changeTables: ['activities', 'activity_schools', 'work_plans', 'work_plan_targets'],
  },
  assessmentSources: activitiesSources,
  reports: activitiesReports,
  todo: activitiesTodo,
};
