import { z } from 'zod';

/**
 * The one contract for pupils by grade in the annual statistics (学校年报): keys '1' … '12'
 * (小学 1–6, 初中 7–9, 高中 10–12). The statistics API, the import, the export, the demo generator
 * and the balance rules all use these keys and nothing else.
 */
export const STUDENT_GRADES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'] as const;
export type StudentGrade = (typeof STUDENT_GRADES)[number];

export const PRIMARY_GRADES = ['1', '2', '3', '4', '5', '6'] as const satisfies readonly StudentGrade[];
export const JUNIOR_GRADES = ['7', '8', '9'] as const satisfies readonly StudentGrade[];
export const SENIOR_GRADES = ['10', '11', '12'] as const satisfies readonly StudentGrade[];

export const GRADE_NAMES_ZH: Record<StudentGrade, string> = {
  '1': '一',
  '2': '二',
  '3': '三',
  '4': '四',
  '5': '五',
  '6': '六',
  '7': '七',
  '8': '八',
  '9': '九',
  '10': '高一',
  '11': '高二',
  '12': '高三',
};

export const studentGradeSchema = z.enum(STUDENT_GRADES);
/** Pupils per grade; a key outside '1'…'12' (e.g. the old 'g1') is refused. */
export const studentsByGradeSchema = z.partialRecord(studentGradeSchema, z.number().int().min(0).max(100000));

/** Old records wrote 'g1'…'g12'; maps either form to the contract key, or null for anything else. */
export function normalizeGradeKey(key: string): StudentGrade | null {
  const k = key.trim().replace(/^g/i, '');
  return (STUDENT_GRADES as readonly string[]).includes(k) ? (k as StudentGrade) : null;
}

/** Pupils in the given grades of one record (missing grades count 0). */
export function pupilsIn(byGrade: Partial<Record<string, number>>, grades: readonly StudentGrade[]): number {
  return grades.reduce((s, g) => s + (byGrade[g] ?? 0), 0);
}

/**
 * A grade in words, the one way the app writes it: 六年级 / 高一 in Chinese, "Grade 6" in English
 * (never "6年级"). Anything outside 1–12 is written as given.
 */
export function gradeName(grade: number | string, lang: 'zh' | 'en' = 'zh'): string {
  const key = normalizeGradeKey(String(grade));
  if (!key) return String(grade);
  if (lang === 'en') return `Grade ${key}`;
  return Number(key) >= 10 ? GRADE_NAMES_ZH[key] : `${GRADE_NAMES_ZH[key]}年级`;
}

/** The junior-school names bureaus also write: 初一 … 初三 for grades 7–9. */
const JUNIOR_NAMES_ZH: Record<string, number> = { 初一: 7, 初二: 8, 初三: 9 };

/**
 * The grade a bureau's text names, the inverse of gradeName: 六年级 / 六 → 6, 初一 → 7, 高一 → 10;
 * digits pass through. Null for anything else.
 */
export function gradeFromWords(text: string): number | null {
  const word = text.trim().replace(/年级$/, '');
  if (/^\d+$/.test(word)) return Number(word);
  if (JUNIOR_NAMES_ZH[word] !== undefined) return JUNIOR_NAMES_ZH[word];
  const key = STUDENT_GRADES.find((g) => GRADE_NAMES_ZH[g] === word);
  return key ? Number(key) : null;
}
