import type { TodoSource } from '../../contracts/todo.js';
import { PlansService } from './plans.service.js';

/**
 * Work plans behind schedule, for the community's leads and the principals of its member schools (a
 * principal sees the community-wide targets and their own school's), one item per plan.
 */
export const activitiesTodo: readonly TodoSource[] = [
  {
    kind: 'work_plan_behind',
    async load({ db, actor, now }) {
      if (actor.role !== 'community_lead' && actor.role !== 'school_admin') return [];
      let ownSchool: string | null = null;
      if (actor.role === 'school_admin') {
        const s = await db
          .selectFrom('schools')
          .select('name')
          .where('id', '=', Number(actor.scope.id))
          .executeTakeFirst();
        ownSchool = s?.name ?? null;
      }
      const behind = (await new PlansService(db, () => now).reminders(actor, {})).filter(
        (r) => actor.role === 'community_lead' || r.schoolName === null || r.schoolName === ownSchool,
      );
      const byPlan = new Map<number, typeof behind>();
      for (const r of behind) byPlan.set(r.planId, [...(byPlan.get(r.planId) ?? []), r]);
      return [...byPlan.values()].map((rows) => {
        const r = rows[0]!;
        const missing = rows.reduce((n, x) => n + x.missing, 0);
        return {
          kind: 'work_plan_behind' as const,
          title: `工作计划滞后：${r.communityName} ${r.semester}，尚缺 ${missing} 次活动`,
          titleEn: `Work plan behind: ${r.communityName} ${r.semester}, ${missing} activities short`,
          dueDate: null,
          count: missing,
          link: `/activities/plans?communityId=${r.communityId}&semester=${encodeURIComponent(r.semester)}`,
        };
      });
    },
  },
];
