import type { GongjinModule } from '../module.js';
import { exchangeSources } from './exchange.assessment.js';
import { exchangeAlerts, exchangePanels } from './exchange.dashboard.js';
import { seedExchangeDemo } from './exchange.demo.js';
import { exchangeMigrations } from './exchange.migrations.js';
import { exchangeRoutes } from './exchange.routes.js';
import { exchangeTodo } from './exchange.todo.js';

/** Teacher exchange (rotation, secondment), mentoring and master-teacher studios. */
export const exchangeModule: GongjinModule = {
  name: 'exchange',
  migrations: exchangeMigrations,
  routes: exchangeRoutes,
  demo: seedExchangeDemo,
  dashboard: { panels: exchangePanels, alerts: exchangeAlerts, changeTables: ['exchange_assignments', 'mentorships'] },
  assessmentSources: exchangeSources,
  todo: exchangeTodo,
};
