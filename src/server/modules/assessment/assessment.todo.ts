import { sql } from 'kysely';
import type { TodoSource } from '../../contracts/todo.js';

/** Evaluations with the assessor for scoring (or rescoring after an appeal), for the assessors assigned to them. */
export const assessmentTodo: readonly TodoSource[] = [
  {
    kind: 'evaluation_scoring',
    async load({ db, actor }) {
      if (actor.role !== 'assessor') return [];
      const r = await sql<{ id: number; status: string; scheme_name: string; year: number; community_name: string }>`
        select e.id, e.status, s.name as scheme_name, s.year, c.name as community_name
        from assessment_evaluations e
        join assessment_schemes s on s.id = e.scheme_id
        join communities c on c.id = e.community_id
        where e.status in ('assessor_scoring', 'rescoring')
          and exists (select 1 from assessment_assignments a
            where a.scheme_id = e.scheme_id and a.community_id = e.community_id and a.assessor_user_id = ${actor.userId})
        order by s.year, c.name, e.id`.execute(db);
      return r.rows.map((e) => ({
        kind: 'evaluation_scoring' as const,
        title: `${e.status === 'rescoring' ? '重新评分' : '考核评分'}：${e.community_name}（${e.scheme_name}）`,
        titleEn: `${e.status === 'rescoring' ? 'Rescore' : 'Score'}: ${e.community_name} (${e.scheme_name})`,
        dueDate: null,
        count: 1,
        link: `/assessment/evaluations/${e.id}`,
      }));
    },
  },
];
