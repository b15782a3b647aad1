/**
 * Monthly quota compliance of a mentor–apprentice pair: the mentor observes at least `quota` of the
 * apprentice's lessons each month (seed 001: "每月要听结对教师一节课以上"). Counts come from SQL;
 * this decides which months are judged and whether the pair is behind.
 */
export interface MonthCount {
  month: string; // YYYY-MM
  observations: number;
}

export interface Compliance {
  months: (MonthCount & { met: boolean; judged: boolean })[];
  monthsJudged: number;
  monthsMet: number;
  rate: number | null;
  /** The last judged month missed the quota: the mentor is behind now. */
  behind: boolean;
}

/** The current month is still open, so it is shown but not judged; months in `exempt` (winter and summer holidays) neither. */
export function compliance(
  counts: readonly MonthCount[],
  quota: number,
  currentMonth: string,
  exempt: readonly string[] = ['02', '07', '08'],
): Compliance {
  const months = counts.map((c) => {
    const judged = c.month < currentMonth && !exempt.includes(c.month.slice(5, 7));
    return { ...c, judged, met: c.observations >= quota };
  });
  const judged = months.filter((m) => m.judged);
  const met = judged.filter((m) => m.met).length;
  const last = judged[judged.length - 1];
  return {
    months,
    monthsJudged: judged.length,
    monthsMet: met,
    rate: judged.length ? Math.round((met / judged.length) * 1000) / 1000 : null,
    behind: !!last && !last.met,
  };
}
