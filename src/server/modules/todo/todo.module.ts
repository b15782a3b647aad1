import type { GongjinModule } from '../module.js';
import { todoRoutes } from './todo.routes.js';

/** 待办: the home page's list of what waits for the signed-in user, from the other modules' `todo` sources. */
export const todoModule: GongjinModule = { name: 'todo', migrations: {}, routes: todoRoutes };
