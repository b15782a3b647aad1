import { z } from 'zod';

export const IMPORT_KINDS = ['schools', 'teachers', 'school-year-stats', 'classes', 'travel-times'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_KIND_LABELS: Record<ImportKind, { zh: string; en: string }> = {
  schools: { zh: '学校', en: 'Schools' },
  teachers: { zh: '教师', en: 'Teachers' },
  'school-year-stats': { zh: '学校年报', en: 'Annual school statistics' },
  classes: { zh: '班级（学业质量）', en: 'Classes (exam scores)' },
  'travel-times': { zh: '通行时间表（结对规划）', en: 'Travel times (pairing planner)' },
};

export const IMPORT_STATUSES = ['checking', 'validated', 'invalid', 'committing', 'committed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One bad cell or row: the row number as the spreadsheet shows it, the column header, and why. */
export const rowErrorSchema = z.object({
  row: z.number().int(),
  column: z.string(),
  message: z.string(),
  messageEn: z.string(),
});
export type RowError = z.infer<typeof rowErrorSchema>;

export const columnMappingSchema = z.object({
  headerRows: z.array(z.number().int()),
  used: z.array(
    z.object({ column: z.string(), header: z.string(), key: z.string(), field: z.string(), fieldEn: z.string() }),
  ),
  ignored: z.array(z.object({ column: z.string(), header: z.string(), unnamed: z.literal(true).optional() })),
  missingOptional: z.array(z.object({ key: z.string(), field: z.string(), fieldEn: z.string() })),
});
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** Choices made in the preview. `custom` maps a column header of the file to a field key (null forgets it). */
export const importOptionsSchema = z.object({
  headerRow: z.number().int().min(1).max(10).optional(),
  blankClears: z.boolean().optional(),
  custom: z.record(z.string().trim().min(1).max(100), z.string().max(64).nullable()).optional(),
});
export type ImportOptionsInput = z.infer<typeof importOptionsSchema>;

export const importJobSchema = z.object({
  id: z.string(),
  kind: z.enum(IMPORT_KINDS),
  status: z.enum(IMPORT_STATUSES),
  fileName: z.string(),
  fileSize: z.number(),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  errorCount: z.number().int(),
  /** The first errors (up to 1,000); errorCount tells how many in all. */
  errors: z.array(rowErrorSchema),
  result: z.object({ created: z.number().int(), updated: z.number().int() }).nullable(),
  createdAt: z.string(),
  committedAt: z.string().nullable(),
  /** How the file's columns were read: used (with field), ignored, optional fields not found. */
  mapping: columnMappingSchema.nullable(),
  options: importOptionsSchema,
  /** The fields a column can be mapped to (for the preview's mapping choice). */
  fields: z.array(z.object({ key: z.string(), field: z.string(), fieldEn: z.string(), required: z.boolean() })),
});
export type ImportJob = z.infer<typeof importJobSchema>;

export const importUploadQuery = z.object({ kind: z.enum(IMPORT_KINDS) });
