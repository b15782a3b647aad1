import type { GongjinModule } from '../module.js';
import { deliverNotifications } from './notifications.deliver.js';
import { notificationsMigrations } from './notifications.migrations.js';
import { notificationsRoutes } from './notifications.routes.js';
import { scanNotifications } from './notifications.scan.js';
import { notify } from './notifications.service.js';

/**
 * Notifications (通知): the bell, per-user channel preferences, a scan that turns what other modules
 * know (minutes to sign, action items due, plans behind, mentors behind, exchanges ending) into
 * notifications, and a delivery job for e-mail, DingTalk and WeCom robots.
 */
export const notificationsModule: GongjinModule = {
  name: 'notifications',
  migrations: notificationsMigrations,
  routes: notificationsRoutes,
  notifier: notify,
  jobs: {
    kinds: [scanNotifications, deliverNotifications],
    schedules: [
      { name: 'notifications.scan', kind: scanNotifications.name, everySeconds: 300 },
      { name: 'notifications.deliver', kind: deliverNotifications.name, everySeconds: 60 },
    ],
  },
};
