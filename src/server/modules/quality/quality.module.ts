import type { GongjinModule } from '../module.js';
import { qualityJobs } from './quality.jobs.js';
import { qualitySources } from './quality.assessment.js';
import { qualityPanels } from './quality.dashboard.js';
import { seedQualityDemo } from './quality.demo.js';
import { qualityMigrations } from './quality.migrations.js';
import { qualityRoutes } from './quality.routes.js';
import { schoolReferences } from './quality.references.js';
import { classesImport } from './classes.import.js';

/** Exams, scores and the urban–rural quality gap. */
export const qualityModule: GongjinModule = {
  name: 'quality',
  migrations: qualityMigrations,
  routes: qualityRoutes,
  demo: seedQualityDemo,
  dashboard: {
    panels: qualityPanels,
    changeTables: ['quality_exams', 'quality_exam_subjects', 'quality_exam_schools', 'quality_scores'],
  },
  assessmentSources: qualitySources,
  jobs: qualityJobs,
  references: { school: schoolReferences },
  imports: { classes: classesImport },
};
