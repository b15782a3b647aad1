import type { GongjinModule } from '../module.js';
import { seedPlannerDemo } from './planner.demo.js';
import { plannerMigrations } from './planner.migrations.js';
import { plannerRoutes } from './planner.routes.js';
import { travelTimesImport } from './travel.import.js';

/** Planning tools that propose pairings and exchanges. */
export const plannerModule: GongjinModule = {
  name: 'planner',
  migrations: plannerMigrations,
  routes: plannerRoutes,
  demo: seedPlannerDemo,
  imports: { 'travel-times': travelTimesImport },
};
