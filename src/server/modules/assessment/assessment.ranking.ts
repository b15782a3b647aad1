/**
 * Rankings with ties: equal totals share a rank and the next rank skips (1, 2, 2, 4 — competition
 * ranking, as league tables and bureau notices print them). Totals are compared at 2 decimals so
 * floating-point noise never splits a tie.
 */
export function rankWithTies<T>(items: readonly T[], score: (t: T) => number): { item: T; rank: number }[] {
  const key = (t: T) => Math.round(score(t) * 100);
  const sorted = [...items].sort((a, b) => key(b) - key(a));
  const out: { item: T; rank: number }[] = [];
  sorted.forEach((item, i) => {
    const prev = out[i - 1];
    const rank = prev && key(prev.item) === key(item) ? prev.rank : i + 1;
    out.push({ item, rank });
  });
  return out;
}

/** 总发展指数 of a region: the mean of its communities' published indices, each community counting once. */
export function regionIndex(totals: readonly number[]): number | null {
  if (!totals.length) return null;
  return Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 100) / 100;
}
