import type { Db } from '../db/connection.js';
import type { Actor } from '../http/actor.js';
import type { TodoItem, TodoKind } from '../../shared/todo.schemas.js';

/** What a source of 待办 receives: the signed-in user, the day (Asia/Shanghai) and the clock. */
export interface TodoContext {
  db: Db;
  actor: Actor;
  today: string;
  now: Date;
}

/**
 * One kind of thing that waits for a user, contributed by the module that knows it (its manifest's
 * `todo`). `load` returns the actor's own items only, each with a link to the page where they act;
 * GET /api/v1/todo gathers every installed module's sources.
 */
export interface TodoSource {
  kind: TodoKind;
  load(ctx: TodoContext): Promise<TodoItem[]>;
}
