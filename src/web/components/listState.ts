import type { UrlState } from './useUrlState';

/** What a table change writes to the URL: the page always, the sort only when the user sorted. */
export type UrlPatch = Record<string, string | number | undefined>;

interface TablePaging {
  current?: number | undefined;
  pageSize?: number | undefined;
}
interface TableSorter {
  order?: 'ascend' | 'descend' | null | undefined;
  columnKey?: unknown;
  field?: unknown;
}

/**
 * antd Table's onChange → URL parameters. Paging keeps the sort; sorting writes `sort` (the column's
 * key, else its field) and `order` (asc/desc), or clears both when the user turned sorting off.
 */
export function tableChangeToUrl(
  paging: TablePaging,
  sorter: TableSorter | TableSorter[] | undefined,
  action: string | undefined,
): UrlPatch {
  const patch: UrlPatch = { page: paging.current, pageSize: paging.pageSize };
  if (action !== 'sort') return patch;
  const s = Array.isArray(sorter) ? sorter[0] : sorter;
  const field = s?.order ? String(s.columnKey ?? s.field) : undefined;
  return { ...patch, page: 1, sort: field, order: field ? (s?.order === 'descend' ? 'desc' : 'asc') : undefined };
}

/** A column's sortOrder from the URL, so a reload or a shared link shows the same arrow. */
export function sortOrderOf(state: UrlState, key: string): 'ascend' | 'descend' | null {
  return state.sort === key ? (state.order === 'desc' ? 'descend' : 'ascend') : null;
}

/** The patch that resets filters, sort and page. */
export function resetPatch(filterKeys: readonly string[]): Record<string, undefined> {
  return Object.fromEntries([...filterKeys, 'sort', 'order', 'page'].map((k) => [k, undefined]));
}

/** An estimated count as a reader would say it: 约 29.3 万 / about 293,000 (three significant figures). */
export function approxCount(n: number, lang: string): string {
  const digits = Math.max(0, Math.floor(Math.log10(Math.max(1, n))) - 2);
  const rounded = Math.round(n / 10 ** digits) * 10 ** digits;
  if (lang.startsWith('zh') && rounded >= 1e4) return `${Number((rounded / 1e4).toFixed(2)).toString()} 万`;
  return rounded.toLocaleString('en-US');
}
