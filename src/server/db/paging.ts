/**
 * One way to page a list: `page` is 1-based, `pageSize` bounded by the schema (`pageQuery` in
 * shared/validation.ts). SQL lists use `.$call(paged(q))`; raw SQL takes `pageOffset(q)`; a list
 * that must be built in memory (small, per-scope) takes `pageSlice`.
 */
export interface PageRequest {
  page: number;
  pageSize: number;
}

export const pageOffset = (q: PageRequest): number => (q.page - 1) * q.pageSize;

/** For Kysely's `$call`: limit and offset of the requested page. */
export function paged(q: PageRequest) {
  return <QB extends { limit(n: number): QB; offset(n: number): QB }>(qb: QB): QB =>
    qb.limit(q.pageSize).offset(pageOffset(q));
}

export const pageSlice = <T>(items: T[], q: PageRequest): T[] => items.slice(pageOffset(q), pageOffset(q) + q.pageSize);
