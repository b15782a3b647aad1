/**
 * School terms (学期), as pure functions shared by server and web; dates are Beijing dates
 * (beijing-time.ts).
 *
 * A semester key is '2025-2026-1' (autumn term, Sep 1 – Jan 31) or '2025-2026-2' (spring term,
 * Feb 1 – Jul 31). August belongs to no term.
 */
import {
  SHANGHAI_OFFSET_MS,
  schoolYearOfDate,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiInstant,
  shanghaiMonth,
  todayShanghai,
} from './beijing-time.js';

// the Beijing-time helpers, for the many callers that import them with the terms
export {
  SHANGHAI_OFFSET_MS,
  schoolYearOfDate,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiInstant,
  shanghaiMonth,
  todayShanghai,
};
export const SEMESTER_KEY = /^(\d{4})-(\d{4})-([12])$/;

export interface SemesterRange {
  key: string;
  /** first day, 'YYYY-MM-DD' (Shanghai) */
  start: string;
  /** last day, 'YYYY-MM-DD' (Shanghai) */
  end: string;
  /** the months of the term, 'YYYY-MM', in order */
  months: string[];
}

export function isSemesterKey(key: string): boolean {
  const m = SEMESTER_KEY.exec(key);
  return !!m && Number(m[2]) === Number(m[1]) + 1;
}

/** The date range and months of a semester; null when the key is malformed. */
export function semesterRange(key: string): SemesterRange | null {
  const m = SEMESTER_KEY.exec(key);
  if (!m || Number(m[2]) !== Number(m[1]) + 1) return null;
  const y = Number(m[1]);
  if (m[3] === '1') {
    return {
      key,
      start: `${y}-09-01`,
      end: `${y + 1}-01-31`,
      months: [`${y}-09`, `${y}-10`, `${y}-11`, `${y}-12`, `${y + 1}-01`],
    };
  }
  const ny = y + 1;
  return {
    key,
    start: `${ny}-02-01`,
    end: `${ny}-07-31`,
    months: ['02', '03', '04', '05', '06', '07'].map((mm) => `${ny}-${mm}`),
  };
}

/** The semester a Shanghai date falls in; null in August (summer holiday). */
export function semesterOfDate(date: string): string | null {
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  if (mo >= 9) return `${y}-${y + 1}-1`;
  if (mo === 1) return `${y - 1}-${y}-1`;
  if (mo >= 2 && mo <= 7) return `${y - 1}-${y}-2`;
  return null;
}

export const semesterOfInstant = (instant: string | Date) => semesterOfDate(shanghaiDate(instant));

/** The two semester keys of a school year. */
export const semestersOfYear = (year: number) => [`${year}-${year + 1}-1`, `${year}-${year + 1}-2`];

/** Human label of a semester key: 2025–2026 学年第一学期. */
export function semesterLabel(key: string, lang: 'zh' | 'en' = 'zh'): string {
  const m = SEMESTER_KEY.exec(key);
  if (!m) return key;
  if (lang === 'en') return `${m[1]}–${m[2]} ${m[3] === '1' ? 'autumn' : 'spring'} term`;
  return `${m[1]}–${m[2]} 学年第${m[3] === '1' ? '一' : '二'}学期`;
}
