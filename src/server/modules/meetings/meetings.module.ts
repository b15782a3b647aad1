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
  dashboard: {
    alerts: meetingsAlerts,
    // the reminders are kept like panels and recomputed when these change (a province's take seconds)
    changeTables: ['meetings', 'meeting_minutes_revisions', 'meeting_minutes_signers', 'meeting_action_items'],
  },
  assessmentSources: meetingsSources,
  todo: meetingsTodo,
};
