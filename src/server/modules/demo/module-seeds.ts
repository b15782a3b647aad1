import type { DbHandle } from '../../db/connection.js';
import { seedActivitiesDemo } from '../activities/activities.demo.js';
import { seedResourcesDemo } from '../resources/resources.demo.js';
import { seedMeetingsDemo } from '../meetings/meetings.demo.js';
import { seedExchangeDemo } from '../exchange/exchange.demo.js';
import { seedQualityDemo } from '../quality/quality.demo.js';
import { seedAssessmentDemo } from '../assessment/assessment.demo.js';
import { seedPlannerDemo } from '../planner/planner.demo.js';
import { seedDashboardDemo } from '../dashboard/dashboard.demo.js';

/** Each module's demo data, in dependency order (activities before the modules that link to them). */
export const MODULE_DEMO_SEEDS: { name: string; seed: (dbh: DbHandle, opts: { seed?: number }) => Promise<Record<string, number>> }[] = [
  { name: 'activities', seed: seedActivitiesDemo },
  { name: 'resources', seed: seedResourcesDemo },
  { name: 'meetings', seed: seedMeetingsDemo },
  { name: 'exchange', seed: seedExchangeDemo },
  { name: 'quality', seed: seedQualityDemo },
  { name: 'assessment', seed: seedAssessmentDemo },
  { name: 'planner', seed: seedPlannerDemo },
  { name: 'dashboard', seed: seedDashboardDemo },
];
