import { z } from 'zod';

/** The header's global search: a few hits per kind, each read through that kind's own scoped list. */
export const SEARCH_KINDS = ['school', 'teacher', 'community', 'meeting', 'resource'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const globalSearchQuery = z.object({
  q: z.string().trim().min(1).max(50),
  /** hits per kind */
  limit: z.coerce.number().int().min(1).max(10).default(5),
});

export const searchHitSchema = z.object({
  id: z.number().int(),
  label: z.string(),
  /** one line of context: the school of a teacher, the community of a meeting… */
  detail: z.string().nullable(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const globalSearchSchema = z.object({
  groups: z.array(z.object({ kind: z.enum(SEARCH_KINDS), items: z.array(searchHitSchema) })),
});
export type GlobalSearch = z.infer<typeof globalSearchSchema>;
