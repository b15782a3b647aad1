/**
 * Item analysis for a class report, as pure functions of the class's score matrix:
 * - difficulty P = mean item score / item full mark (higher = easier, as Chinese reports use 难度);
 * - discrimination D = P(top 27% by subject total) − P(bottom 27%), the classic upper–lower index;
 * - knowledge points: score rate over the items tagged with each point, weakest first.
 */
export interface ItemDef {
  id: number;
  itemNo: string;
  fullMark: number;
  knowledgePoints: string[];
}
export interface StudentItems {
  studentId: number;
  total: number;
  /** item id → score */
  scores: Map<number, number>;
}

export function groupSize(n: number): number {
  return n < 2 ? 0 : Math.max(1, Math.round(n * 0.27));
}

export function itemAnalysis(items: ItemDef[], students: StudentItems[]) {
  const ranked = [...students].sort((a, b) => b.total - a.total || a.studentId - b.studentId);
  const g = groupSize(ranked.length);
  const upper = ranked.slice(0, g);
  const lower = ranked.slice(ranked.length - g);
  const p = (group: StudentItems[], item: ItemDef) => {
    const answered = group.filter((s) => s.scores.has(item.id));
    if (!answered.length) return null;
    return answered.reduce((sum, s) => sum + s.scores.get(item.id)!, 0) / answered.length / item.fullMark;
  };
  return items.map((item) => {
    const answered = students.filter((s) => s.scores.has(item.id)).length;
    const pu = g ? p(upper, item) : null;
    const pl = g ? p(lower, item) : null;
    return {
      itemId: item.id,
      itemNo: item.itemNo,
      fullMark: item.fullMark,
      knowledgePoints: item.knowledgePoints,
      n: answered,
      difficulty: p(students, item),
      discrimination: pu === null || pl === null ? null : pu - pl,
    };
  });
}

/** Score rate per knowledge point: Σ scores on its items / Σ full marks of those items, weakest first. */
export function knowledgePointRates(
  items: ItemDef[],
  students: StudentItems[],
): { tag: string; rate: number; items: number }[] {
  const acc = new Map<string, { got: number; possible: number; items: Set<number> }>();
  for (const item of items) {
    for (const tag of item.knowledgePoints) {
      const a = acc.get(tag) ?? { got: 0, possible: 0, items: new Set<number>() };
      a.items.add(item.id);
      for (const s of students) {
        const v = s.scores.get(item.id);
        if (v === undefined) continue;
        a.got += v;
        a.possible += item.fullMark;
      }
      acc.set(tag, a);
    }
  }
  return [...acc.entries()]
    .filter(([, a]) => a.possible > 0)
    .map(([tag, a]) => ({ tag, rate: a.got / a.possible, items: a.items.size }))
    .sort((x, y) => x.rate - y.rate || x.tag.localeCompare(y.tag));
}

/** Counts in bands of a tenth of the full mark; the full mark itself falls in the last band. */
export function distributionBands(fullMark: number, counts: { band: number; n: number }[]) {
  const width = fullMark / 10;
  return Array.from({ length: 10 }, (_, i) => ({
    from: Math.round(i * width * 100) / 100,
    to: Math.round((i + 1) * width * 100) / 100,
    n: counts.filter((c) => c.band === i).reduce((s, c) => s + c.n, 0),
  }));
}
