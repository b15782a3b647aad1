/**
 * GB/T 2260 codes: province 330000, city 330400, county 330481, township 330481001 (9 digits).
 * A region's descendants share its significant prefix, so scope checks are prefix matches.
 */
/** The root of the hierarchy: a scope over the whole country (the bootstrap administrator's). */
export const NATION_CODE = '000000';

export function regionLevel(code: string): 0 | 1 | 2 | 3 | 4 {
  if (code === NATION_CODE) return 0;
  if (code.length === 9) return 4;
  if (code.endsWith('0000')) return 1;
  if (code.endsWith('00')) return 2;
  return 3;
}

export function regionPrefix(code: string): string {
  switch (regionLevel(code)) {
    case 0:
      return '';
    case 1:
      return code.slice(0, 2);
    case 2:
      return code.slice(0, 4);
    case 3:
      return code.slice(0, 6);
    default:
      return code;
  }
}

export function regionContains(ancestor: string, code: string): boolean {
  return code.startsWith(regionPrefix(ancestor));
}

/** Statistical codes of development zones use 7x in the county digits (e.g. 330471). */
export function isStatisticalCode(code: string): boolean {
  return code.length === 6 && code[4] === '7';
}
