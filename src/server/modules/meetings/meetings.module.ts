import type { GongjinModule } from '../module.js';
import { meetingsSources } from './meetings.assessment.js';
import { meetingsAlerts } from './meetings.dashboard.js';
import { seedMeetingsDemo } from './meetings.demo.js';
import { meetingsMigrations } from './meetings.migrations.js';
import { meetingsRoutes } from './meetings.routes.js';
import { meetingsTodo } from './meetings.todo.js';

/** Joint meetings: agenda, attendance, co-signed minutes, action items and reminders. */
export const meetingsModule: GongjinModule = {
  name: 'meetings',
  migrations: meetingsMigrations,
  routes: meetingsRoutes,
  demo: seedMeetingsDemo,
  dashboard: { alerts: meetingsAlerts },
  assessmentSources: meetingsSources,
  todo: meetingsTodo,
};
