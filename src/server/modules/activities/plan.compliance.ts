import type { ActivityKind, ComplianceStatus } from '../../../shared/activities.schemas.js';
import { shanghaiDate, shanghaiMonth, type SemesterRange } from '../../../shared/activities.semester.js';

/**
 * Work-plan compliance (done / due / behind, by target, school and month) as a pure function.
 *
 * Rules, so a lead can check them by hand:
 * - An activity counts for a target when its kind matches and, where the target names them, a
 *   participating school, the grade, the subject and the month (Asia/Shanghai) match. Only
 *   activities that have started by `asOf` count.
 * - Semester targets fall due pro rata by completed months: due = ⌊count × ended months / term
 *   months⌋ (all of it once the term is over). A single-month target is due when its month has ended.
 * - Monthly targets ask for `count` in every month of the term; a month's surplus does not fill
 *   another month, so `done` credits at most `count` per month.
 * - Status: done when the target is met; upcoming before the term (or its month) starts; behind
 *   when done < due (for monthly targets: any ended month short); otherwise on track.
 */
export interface TargetSpec {
  id: number;
  kind: ActivityKind;
  count: number;
  cadence: 'semester' | 'monthly';
  schoolId: number | null;
  grade: number | null;
  subject: string | null;
  month: string | null;
}

export interface DoneActivity {
  id: number;
  kind: ActivityKind;
  startsAt: string;
  schoolIds: number[];
  grade: number | null;
  subject: string | null;
}

export interface MonthCell {
  month: string;
  target: number | null;
  done: number;
  status: ComplianceStatus | null;
}

export interface TargetCompliance {
  targetId: number;
  target: number;
  done: number;
  due: number;
  status: ComplianceStatus;
  months: MonthCell[];
  activityIds: number[];
}

export interface ComplianceResult {
  rows: TargetCompliance[];
  bySchool: { schoolId: number | null; target: number; done: number; due: number; behind: number }[];
  byMonth: { month: string; done: number; target: number; behind: number }[];
  summary: { targets: number; done: number; behind: number; rate: number };
}

export function matches(t: TargetSpec, a: DoneActivity): boolean {
  if (a.kind !== t.kind) return false;
  if (t.schoolId !== null && !a.schoolIds.includes(t.schoolId)) return false;
  if (t.grade !== null && a.grade !== t.grade) return false;
  if (t.subject !== null && a.subject !== t.subject) return false;
  if (t.month !== null && t.cadence === 'semester' && shanghaiMonth(a.startsAt) !== t.month) return false;
  return true;
}

type Phase = 'future' | 'current' | 'ended';
const phaseOf = (month: string, asOfMonth: string): Phase =>
  month > asOfMonth ? 'future' : month === asOfMonth ? 'current' : 'ended';

function monthStatus(done: number, target: number, phase: Phase): ComplianceStatus {
  if (done >= target) return 'done';
  if (phase === 'future') return 'upcoming';
  return phase === 'ended' ? 'behind' : 'on_track';
}

/**
 * How far a target is behind, for a reminder. A monthly target counts its ended months that fell
 * short: October's missing observation is not made up by two in November (done and due may then be
 * equal, and "short by 0" would hide it). Other targets: due minus done.
 */
export function shortfall(row: Pick<TargetCompliance, 'done' | 'due' | 'months'>): {
  missing: number;
  shortMonths: string[];
} {
  const short = row.months.filter((m) => m.status === 'behind' && m.target !== null);
  if (!short.length) return { missing: Math.max(0, row.due - row.done), shortMonths: [] };
  return {
    missing: short.reduce((s, m) => s + Math.max(0, m.target! - m.done), 0),
    shortMonths: short.map((m) => m.month),
  };
}

export function computeCompliance(
  semester: SemesterRange,
  targets: readonly TargetSpec[],
  activities: readonly DoneActivity[],
  asOf: string,
): ComplianceResult {
  const asOfTime = Date.parse(asOf);
  const asOfDate = shanghaiDate(asOf);
  const asOfMonth = asOfDate.slice(0, 7);
  const started = activities.filter((a) => Date.parse(a.startsAt) <= asOfTime);
  const ended = semester.months.filter((m) => phaseOf(m, asOfMonth) === 'ended').length;
  const termOver = asOfDate > semester.end;
  const termAhead = asOfDate < semester.start;

  const rows: TargetCompliance[] = targets.map((t) => {
    const hits = started.filter((a) => matches(t, a));
    const perMonth = new Map<string, number>();
    for (const a of hits) perMonth.set(shanghaiMonth(a.startsAt), (perMonth.get(shanghaiMonth(a.startsAt)) ?? 0) + 1);
    const activityIds = hits.map((a) => a.id);

    if (t.cadence === 'monthly') {
      const months = semester.months.map((m): MonthCell => {
        const done = perMonth.get(m) ?? 0;
        return { month: m, target: t.count, done, status: monthStatus(done, t.count, phaseOf(m, asOfMonth)) };
      });
      const target = t.count * months.length;
      const done = months.reduce((s, c) => s + Math.min(c.done, t.count), 0);
      const due = t.count * (termOver ? months.length : ended);
      const status: ComplianceStatus =
        done >= target
          ? 'done'
          : months.some((c) => c.status === 'behind')
            ? 'behind'
            : termAhead
              ? 'upcoming'
              : 'on_track';
      return { targetId: t.id, target, done, due, status, months, activityIds };
    }

    const months = semester.months.map((m): MonthCell => {
      const own = t.month === m;
      const done = perMonth.get(m) ?? 0;
      return {
        month: m,
        target: own ? t.count : null,
        done,
        status: own ? monthStatus(done, t.count, phaseOf(m, asOfMonth)) : null,
      };
    });
    const done = hits.length;
    let due: number;
    let status: ComplianceStatus;
    if (t.month !== null) {
      const phase = termOver ? 'ended' : phaseOf(t.month, asOfMonth);
      due = phase === 'ended' ? t.count : 0;
      status = monthStatus(done, t.count, phase);
    } else {
      due = termOver ? t.count : Math.floor((t.count * ended) / semester.months.length);
      status = done >= t.count ? 'done' : termAhead ? 'upcoming' : done < due ? 'behind' : 'on_track';
    }
    return { targetId: t.id, target: t.count, done, due, status, months, activityIds };
  });

  const credited = (r: TargetCompliance) => Math.min(r.done, r.target);
  const schoolMap = new Map<
    number | null,
    { schoolId: number | null; target: number; done: number; due: number; behind: number }
  >();
  rows.forEach((r, i) => {
    const key = targets[i]!.schoolId;
    const e = schoolMap.get(key) ?? { schoolId: key, target: 0, done: 0, due: 0, behind: 0 };
    e.target += r.target;
    e.done += credited(r);
    e.due += r.due;
    if (r.status === 'behind') e.behind += 1;
    schoolMap.set(key, e);
  });
  const byMonth = semester.months.map((m) => {
    let done = 0;
    let target = 0;
    let behind = 0;
    for (const r of rows) {
      const c = r.months.find((x) => x.month === m);
      if (!c) continue;
      done += c.done;
      target += c.target ?? 0;
      if (c.status === 'behind') behind += 1;
    }
    return { month: m, done, target, behind };
  });
  const totalTarget = rows.reduce((s, r) => s + r.target, 0);
  const totalDone = rows.reduce((s, r) => s + credited(r), 0);
  return {
    rows,
    bySchool: [...schoolMap.values()].sort((a, b) => (a.schoolId ?? 0) - (b.schoolId ?? 0)),
    byMonth,
    summary: {
      targets: totalTarget,
      done: totalDone,
      behind: rows.filter((r) => r.status === 'behind').length,
      rate: totalTarget ? Math.round((totalDone / totalTarget) * 1000) / 1000 : 1,
    },
  };
}
