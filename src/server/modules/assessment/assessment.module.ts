import type { GongjinModule } from '../module.js';
import { assessmentPanels } from './assessment.dashboard.js';
import { seedAssessmentDemo } from './assessment.demo.js';
import { assessmentMigrations } from './assessment.migrations.js';
import { assessmentRoutes } from './assessment.routes.js';
import { balanceRefresh } from './balance.service.js';
import { assessmentTodo } from './assessment.todo.js';

/** The annual assessment: schemes, evaluations, results and the development index. */
export const assessmentModule: GongjinModule = {
  name: 'assessment',
  migrations: assessmentMigrations,
  routes: assessmentRoutes,
  demo: seedAssessmentDemo,
  jobs: { kinds: [balanceRefresh] },
  todo: assessmentTodo,
  dashboard: {
    panels: assessmentPanels,
    changeTables: ['assessment_results', 'assessment_evaluations', 'assessment_schemes'],
  },
};
