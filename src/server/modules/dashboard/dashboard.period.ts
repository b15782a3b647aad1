/**
 * The dashboard's calendar, as pure functions (the school year runs September to August; the
 * autumn term Sep–Jan, the spring term Feb–Jul; dates are Asia/Shanghai, UTC+8 all year).
 * Kept here rather than borrowed from a feature module so the dashboard stands without it.
 */
const SHANGHAI_MS = 8 * 3600 * 1000;

export function shanghaiToday(now: Date = new Date()): string {
  return new Date(now.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** 2026 for any date from 2026-09-01 to 2027-08-31. */
export function schoolYearOf(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? y : y - 1;
}

export function schoolYearLabel(year: number): string {
  return `${year}–${year + 1}`;
}

/** The dates a school year or one of its terms covers, inclusive. */
export function periodOf(schoolYear: number, semester: string | null): { from: string; to: string } {
  if (semester?.endsWith('-1')) return { from: `${schoolYear}-09-01`, to: `${schoolYear + 1}-01-31` };
  if (semester?.endsWith('-2')) return { from: `${schoolYear + 1}-02-01`, to: `${schoolYear + 1}-07-31` };
  return { from: `${schoolYear}-09-01`, to: `${schoolYear + 1}-08-31` };
}

export function semestersOf(schoolYear: number): [string, string] {
  return [`${schoolYear}-${schoolYear + 1}-1`, `${schoolYear}-${schoolYear + 1}-2`];
}
