import type { GongjinModule } from '../module.js';
import { backupRoutes } from './backup.routes.js';

/** POST /api/v1/admin/backup (the code here is shared with the CLI: gongjin backup / restore). */
export const backupModule: GongjinModule = { name: 'backup', migrations: {}, routes: backupRoutes };
