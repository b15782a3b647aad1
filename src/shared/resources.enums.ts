/**
 * Vocabularies of the resource library and shared courses (资源共享、课程共建). Codes are English
 * identifiers; the Chinese label is what users see.
 */
export const RESOURCE_KINDS = [
  'courseware',
  'lesson_plan',
  'exercise',
  'recorded_lesson',
  'micro_lesson',
  'other',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const RESOURCE_KIND_LABELS: Record<ResourceKind, { zh: string; en: string }> = {
  courseware: { zh: '课件', en: 'Courseware' },
  lesson_plan: { zh: '教案', en: 'Lesson plan' },
  exercise: { zh: '习题/试卷', en: 'Exercise / paper' },
  recorded_lesson: { zh: '课堂实录', en: 'Recorded lesson' },
  micro_lesson: { zh: '微课', en: 'Micro-lesson' },
  other: { zh: '其他', en: 'Other' },
};

/** Who may find a resource: its school, its community, its county (region), or everyone signed in. */
export const RESOURCE_VISIBILITIES = ['school', 'community', 'region', 'public'] as const;
export type ResourceVisibility = (typeof RESOURCE_VISIBILITIES)[number];
export const RESOURCE_VISIBILITY_LABELS: Record<ResourceVisibility, { zh: string; en: string }> = {
  school: { zh: '本校', en: 'School' },
  community: { zh: '本教共体', en: 'Community' },
  region: { zh: '本区县', en: 'County' },
  public: { zh: '公开', en: 'Public' },
};

/**
 * The visibilities a resource may be published with, for the server and the upload form alike:
 * 本校 needs a school owning it (a bureau's own resource belongs to its county, not to a school),
 * 本教共体 needs a community it is shared in.
 */
export function visibilitiesFor(owner: { school: boolean; community: boolean }): ResourceVisibility[] {
  return RESOURCE_VISIBILITIES.filter(
    (v) => (v !== 'school' || owner.school) && (v !== 'community' || owner.community),
  );
}
/** What the upload form starts with: the narrowest circle the owner has. */
export function defaultVisibility(owner: { school: boolean; community: boolean }): ResourceVisibility {
  return owner.community ? 'community' : owner.school ? 'school' : 'region';
}

/** Grades 1–9 of compulsory education (小学一年级 … 初三). */
export const GRADES = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export const GRADE_LABELS: Record<string, { zh: string; en: string }> = {
  '1': { zh: '一年级', en: 'Grade 1' },
  '2': { zh: '二年级', en: 'Grade 2' },
  '3': { zh: '三年级', en: 'Grade 3' },
  '4': { zh: '四年级', en: 'Grade 4' },
  '5': { zh: '五年级', en: 'Grade 5' },
  '6': { zh: '六年级', en: 'Grade 6' },
  '7': { zh: '七年级', en: 'Grade 7' },
  '8': { zh: '八年级', en: 'Grade 8' },
  '9': { zh: '九年级', en: 'Grade 9' },
};

/** Common textbook editions, offered as suggestions (the field is free text). */
export const TEXTBOOK_EDITIONS = [
  '人教版',
  '部编版',
  '北师大版',
  '浙教版',
  '外研版',
  '苏教版',
  '沪教版',
  '湘教版',
] as const;

/** How a file is previewed in the browser. */
export type MediaClass = 'video' | 'audio' | 'image' | 'pdf' | 'document' | 'link';

/** Size limits by media class: large videos are chunked, never held in memory. */
export const MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/** Each PUT of an upload carries at most this many bytes. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/** Reloads within this window count once (点播量 without double counting). */
export const VIEW_DEDUP_MINUTES = 30;
