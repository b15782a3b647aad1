import { callerOf } from '../../http/actor.js';
import { todoListSchema, todoQuery } from '../../../shared/todo.schemas.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { TodoService } from './todo.service.js';

/** GET /api/v1/todo: the signed-in user's own 待办, from every installed module's sources. */
export function todoRoutes(app: ZodApp, ctx: ModuleContext) {
  const service = new TodoService(
    ctx.db,
    ctx.modules.flatMap((m) => m.todo ?? []),
    ctx.now ?? (() => new Date()),
    app.log,
  );
  app.get(
    '/api/v1/todo',
    {
      schema: {
        tags: ['todo'],
        summary: '我的待办 What waits for me',
        querystring: todoQuery,
        response: { 200: todoListSchema },
      },
    },
    (req) => service.list(callerOf(req).actor, req.query),
  );
}
