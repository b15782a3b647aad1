import { sql } from 'kysely';
import type { TodoSource } from '../../contracts/todo.js';

/** Finished imports stay on the 待办 panel this many days, so the user looks at the outcome. */
export const IMPORT_TODO_DAYS = 3;

/** The user's own imports written, refused at the write (the data changed) or failed, lately. */
export const ioTodo: readonly TodoSource[] = [
  {
    kind: 'import_finished',
    async load({ db, actor, now }) {
      const since = new Date(now.getTime() - IMPORT_TODO_DAYS * 86400_000).toISOString();
      const r = await sql<{ id: string; status: string; file_name: string; valid_rows: number }>`
        select j.id, j.status, j.file_name, j.valid_rows
        from import_jobs j
        where j.created_by = ${actor.userId} and j.status in ('committed', 'failed')
          and coalesce(j.committed_at, j.created_at) >= ${since}::timestamptz
        order by coalesce(j.committed_at, j.created_at) desc
        limit 20`.execute(db);
      return r.rows.map((j) => ({
        kind: 'import_finished' as const,
        title:
          j.status === 'committed' ? `导入已完成：${j.file_name}（${j.valid_rows} 行）` : `导入失败：${j.file_name}`,
        titleEn:
          j.status === 'committed'
            ? `Import written: ${j.file_name} (${j.valid_rows} rows)`
            : `Import failed: ${j.file_name}`,
        dueDate: null,
        count: 1,
        link: '/imports',
      }));
    },
  },
];
