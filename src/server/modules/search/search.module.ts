import type { GongjinModule } from '../module.js';
import { searchRoutes } from './search.routes.js';

/** The header's global search over the other modules' scoped lists; it owns no tables. */
export const searchModule: GongjinModule = {
  name: 'search',
  migrations: {},
  routes: searchRoutes,
};
