import { entityErrors } from '../../http/errors.js';

/**
 * This module's entities for the shared not_found / out_of_scope messages. The shared
 * ENTITY_LABELS catalogue lacks them, so the params are filled here (same codes, same classes).
 */
const LABELS = {
  activity: { zh: '活动记录', en: 'activity' },
  attachment: { zh: '佐证材料', en: 'evidence file' },
  work_plan: { zh: '工作计划', en: 'work plan' },
  support_entry: { zh: '资源共用记录', en: 'support ledger entry' },
} as const;
type Entity = keyof typeof LABELS | 'community' | 'school';

export const { notFound, outOfScope } = entityErrors<Entity>(LABELS);
