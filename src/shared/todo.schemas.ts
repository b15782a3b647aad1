import { z } from 'zod';
import { isoDate } from './validation.js';

/** What waits for the signed-in user (待办), one kind per thing a module knows someone must do. */
export const TODO_KINDS = [
  'minutes_signature',
  'evaluation_scoring',
  'work_plan_behind',
  'mentor_behind',
  'import_finished',
  'exchange_ending',
  'action_item_due',
] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

export const TODO_KIND_LABELS: Record<TodoKind, { zh: string; en: string }> = {
  minutes_signature: { zh: '待签署会议纪要', en: 'Minutes to sign' },
  evaluation_scoring: { zh: '待评分考核', en: 'Evaluations to score' },
  work_plan_behind: { zh: '工作计划滞后', en: 'Work plans behind' },
  mentor_behind: { zh: '师徒听课未达标', en: 'Mentors behind quota' },
  import_finished: { zh: '导入已结束', en: 'Imports finished' },
  exchange_ending: { zh: '交流即将结束', en: 'Exchanges ending soon' },
  action_item_due: { zh: '待办事项到期', en: 'Action items due' },
};

export const todoItemSchema = z.object({
  kind: z.enum(TODO_KINDS),
  /** what to do, Chinese and English */
  title: z.string(),
  titleEn: z.string(),
  /** by when (YYYY-MM-DD), when there is a date */
  dueDate: z.string().nullable(),
  /** how many things this one item stands for (signatures, missing activities, …) */
  count: z.number().int(),
  /** the page where the user acts on it */
  link: z.string(),
});
export type TodoItem = z.infer<typeof todoItemSchema>;

export const todoListSchema = z.object({
  items: z.array(todoItemSchema),
  /** per kind: how many items */
  counts: z.record(z.string(), z.number().int()),
});
export type TodoList = z.infer<typeof todoListSchema>;

export const todoQuery = z
  .object({
    /** the day to judge by (Asia/Shanghai); today when absent */
    asOf: isoDate.optional(),
    kind: z.enum(TODO_KINDS).optional(),
  })
  .strict();
export type TodoQuery = z.infer<typeof todoQuery>;
