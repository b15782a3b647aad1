/**
 * The dashboard's calendar, as pure functions (the school year runs September to August; the
 * autumn term Sep–Jan, the spring term Feb–Jul; dates are Asia/Shanghai, UTC+8 all year).
 * Today and the school year of a date come from the shared Beijing clock (shared/beijing-time.ts).
 */
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
