import { z } from 'zod';
import { pageQuery } from './validation.js';

export const JOB_STATUSES = ['queued', 'running', 'done', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JOB_STATUS_LABELS: Record<JobStatus, { zh: string; en: string }> = {
  queued: { zh: '等待中', en: 'Queued' },
  running: { zh: '运行中', en: 'Running' },
  done: { zh: '已完成', en: 'Done' },
  dead: { zh: '失败', en: 'Dead' },
};

export const jobListQuery = pageQuery.extend({
  status: z.enum(JOB_STATUSES).optional(),
  kind: z.string().max(100).optional(),
});
export type JobListQuery = z.infer<typeof jobListQuery>;

export const jobSchema = z.object({
  id: z.number(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  attempts: z.number(),
  maxAttempts: z.number(),
  runAt: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
});
export type JobView = z.infer<typeof jobSchema>;

export const jobListSchema = z.object({
  items: z.array(jobSchema),
  total: z.number(),
  /** jobs by status over the whole queue */
  counts: z.record(z.string(), z.number()),
});
