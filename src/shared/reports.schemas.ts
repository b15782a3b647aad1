import { z } from 'zod';

/** A background report (modules/reports): its progress, and its file once done. */
export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const reportJobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.object({ zh: z.string(), en: z.string() }),
  status: z.enum(REPORT_STATUSES),
  progress: z.number().int().min(0).max(100),
  /** why it failed (in the language it was asked in) */
  message: z.string().nullable(),
  fileName: z.string().nullable(),
  contentType: z.string().nullable(),
  size: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** the file is deleted after this instant */
  expiresAt: z.string().nullable(),
});
export type ReportJob = z.infer<typeof reportJobSchema>;

export const reportRequest = z.object({
  kind: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type ReportRequest = z.infer<typeof reportRequest>;
