import { SUBJECTS, type Subject } from '../../../shared/enums';

/**
 * The gaps page's selection as it travels in the URL — `?subject=math&examIds=12,15`, the query the
 * dashboard's academic-quality figures link with — so a link opens the exams its figure was
 * computed from, and the page can be shared and walked back through.
 */
export const DEFAULT_SUBJECT: Subject = 'math';
/** Exams preselected when the URL names none. */
export const DEFAULT_EXAM_COUNT = 12;
/** The gaps API compares at most this many exams. */
export const MAX_EXAMS = 20;

/** The subject from the URL; the default when it is missing or not a subject. */
export function subjectFromUrl(v: string | null): Subject {
  return v !== null && (SUBJECTS as readonly string[]).includes(v) ? (v as Subject) : DEFAULT_SUBJECT;
}

/**
 * The exams to compare, from the URL's `examIds` (a comma list) and the exams the reader can see
 * that have the subject (`available`, newest first):
 * - no `examIds`: the default, the newest available exams;
 * - an empty `examIds`: none (the reader cleared the selection);
 * - otherwise the ids it names that are available, in its order — ids that are unknown, not
 *   visible, without the subject or not numbers at all are ignored; when none is left, the default.
 */
export function examsFromUrl(v: string | null, available: readonly number[]): number[] {
  const fallback = available.slice(0, DEFAULT_EXAM_COUNT);
  if (v === null) return fallback;
  if (v.trim() === '') return [];
  const known = new Set(available);
  const ids = [
    ...new Set(
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => /^\d{1,15}$/.test(s))
        .map(Number),
    ),
  ].filter((id) => known.has(id));
  return ids.length ? ids.slice(0, MAX_EXAMS) : fallback;
}

/**
 * The grade compared: the URL's `grade` when an exam has it; else the grade of the first exam the
 * URL's `examIds` names; else the newest exam's (`exams` newest first). Exams of different grades
 * never mix in the default selection.
 */
export function gradeFromUrl(
  grade: string | null,
  examIds: string | null,
  exams: readonly { id: number; grade: number }[],
): number | undefined {
  const asked = grade !== null && /^\d{1,2}$/.test(grade) ? Number(grade) : undefined;
  if (asked !== undefined && exams.some((e) => e.grade === asked)) return asked;
  const named = (examIds ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .map((id) => exams.find((e) => e.id === id))
    .find((e) => e !== undefined);
  return named?.grade ?? exams[0]?.grade;
}

/** The narrowing a dashboard link carries (its region or community and school levels), passed to the gaps API as is. */
export const SCOPE_PARAMS = ['region', 'communityId', 'level'] as const;
export type GapScope = Partial<Record<(typeof SCOPE_PARAMS)[number], string>>;
export function scopeFromUrl(search: URLSearchParams): GapScope {
  const out: GapScope = {};
  for (const k of SCOPE_PARAMS) {
    const v = search.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}
