import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * Substring search on names that an index serves, for Chinese as well as Latin text. pg_trgm splits
 * words on non-alphanumeric characters and is not in every embedded build, so names are indexed by
 * their 1- and 2-character substrings instead: `gongjin_grams(name)` (registry migration
 * 20261204_1500_list_search_grams) is an immutable SQL function behind a GIN expression index, and a
 * search for 王丽 first asks the index for names holding the bigram 王丽 (a one-character search asks
 * for the character), then keeps the exact `like '%王丽%'` test on those few rows.
 */
export function nameContains(column: string, term: string, op: 'like' | 'ilike'): Expression<SqlBool> {
  const col = sql.ref(column);
  const pattern = `%${term}%`;
  const exact = op === 'like' ? sql<SqlBool>`${col} like ${pattern}` : sql<SqlBool>`${col} ilike ${pattern}`;
  // a term holding LIKE's own wildcards keeps its old meaning (a pattern), which grams cannot serve
  if (/[%_\\]/.test(term)) return exact;
  // like first: where the planner filters rows instead of using the index (a common surname, a
  // page read in name order), an OR arm is evaluated left to right and like is far cheaper
  return sql<SqlBool>`(${exact} and gongjin_grams(${col}) @> gongjin_grams_query(${term}))`;
}
