import type { GongjinModule } from '../module.js';
import { ioJobs } from './io.jobs.js';
import { ioMigrations } from './io.migrations.js';
import { ioRoutes } from './io.routes.js';
import { ioTodo } from './io.todo.js';

/** Spreadsheet import (preview, mapping, all-or-nothing commit) of the kinds other modules declare, and templates. */
export const ioModule: GongjinModule = {
  name: 'io',
  migrations: ioMigrations,
  routes: ioRoutes,
  jobs: ioJobs,
  todo: ioTodo,
};
