import type { TodoSource } from '../../contracts/todo.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { shanghaiDate } from '../../../shared/beijing-time.js';
import { TODO_KINDS, type TodoItem, type TodoList, type TodoQuery } from '../../../shared/todo.schemas.js';

/**
 * 待办: what waits for the signed-in user, gathered from every installed module's `todo` sources.
 * Each source answers for the actor alone (their account, role and scope), so nobody sees another
 * user's items; a source that fails is left out rather than failing the home page.
 */
export class TodoService {
  constructor(
    private readonly db: Db,
    private readonly sources: readonly TodoSource[],
    private readonly now: () => Date,
    private readonly log?: { warn: (o: object, msg: string) => void },
  ) {}

  async list(actor: Actor, q: TodoQuery): Promise<TodoList> {
    const now = this.now();
    const today = q.asOf ?? shanghaiDate(now);
    const sources = this.sources.filter((s) => !q.kind || s.kind === q.kind);
    const loaded = await Promise.all(
      sources.map(async (s) => {
        try {
          return await s.load({ db: this.db, actor, today, now });
        } catch (err) {
          this.log?.warn({ err, kind: s.kind }, 'todo source failed');
          return [] as TodoItem[];
        }
      }),
    );
    const order = (k: TodoItem['kind']) => TODO_KINDS.indexOf(k);
    const items = loaded
      .flat()
      .sort((a, b) => order(a.kind) - order(b.kind) || (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
    const counts: Record<string, number> = {};
    for (const i of items) counts[i.kind] = (counts[i.kind] ?? 0) + 1;
    return { items, counts };
  }
}
