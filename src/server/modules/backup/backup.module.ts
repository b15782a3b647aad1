import type { GongjinModule } from '../module.js';
import { backupRoutes } from '../../backup/backup.routes.js';

/** POST /api/v1/admin/backup (the code lives in src/server/backup, shared with the CLI). */
export const backupModule: GongjinModule = { name: 'backup', migrations: {}, routes: backupRoutes };
