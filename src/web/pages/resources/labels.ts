import { SUBJECT_LABELS } from '../../../shared/enums';
import { GRADE_LABELS, RESOURCE_KIND_LABELS, RESOURCE_VISIBILITY_LABELS } from '../../../shared/resources.enums';
import type { Facet } from '../../../shared/resources.schemas';

/** Label maps per facet; school and community buckets carry their names from the server. */
export const FACET_LABELS: Partial<Record<Facet, Record<string, { zh: string; en: string }>>> = {
  subject: SUBJECT_LABELS,
  grade: GRADE_LABELS,
  kind: RESOURCE_KIND_LABELS,
};
/** URL parameter of each facet's filter. */
export const FACET_PARAM: Record<Facet, string> = {
  subject: 'subject',
  grade: 'grade',
  kind: 'kind',
  school: 'schoolId',
  community: 'communityId',
};
export { GRADE_LABELS, RESOURCE_KIND_LABELS, RESOURCE_VISIBILITY_LABELS, SUBJECT_LABELS };

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
