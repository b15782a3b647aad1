import type { Subject } from '../../../shared/enums.js';
import type {
  ExchangeAssignment,
  ExchangeResult,
  ExchangeSettings,
  ExchangeShortage,
  ExchangeSupply,
  PlanPoint,
} from '../../../shared/planner.schemas.js';
import { solveTransport } from './assignment.engine.js';
import { roadKm, round1, round2 } from './geo.js';
import { exchangeKind, shortagesOf, supplyOf, type StaffedSchool } from './exchange.rules.js';

/**
 * Optimal exchange matching: every shortage needs `slotsNeeded` weekly days; every spare supply
 * offers `slots`. Per subject this is a transportation problem solved exactly; an "unmatched"
 * column with a cost above any real assignment makes the optimum cover as many days as possible
 * first and travel as little as possible second. Locks and forbidden pairs edit the cost matrix.
 */
export interface ExchangeInput {
  /** schools that may receive (weak, rural …) */
  receivers: StaffedSchool[];
  /** schools that may send (strong) */
  senders: StaffedSchool[];
}

const UNMATCHED = 1e10; // > any Σ of real costs in metres, exact in doubles

export const shortageKey = (schoolId: number, subject: string) => `${schoolId}:${subject}`;

export function matchExchanges(input: ExchangeInput, settings: ExchangeSettings): ExchangeResult {
  const started = performance.now();
  const subjects = settings.subjects as Subject[];
  const shortages: (ExchangeShortage & { school: StaffedSchool })[] = [];
  for (const school of input.receivers) {
    for (const s of shortagesOf(school, subjects)) {
      shortages.push({
        key: shortageKey(school.id, s.subject),
        schoolId: school.id,
        schoolName: school.name,
        subject: s.subject,
        reason: s.reason,
        slotsNeeded: s.slotsNeeded,
        slotsMatched: 0,
        unmatchedReason: null,
        school,
      });
    }
  }
  const supplies: (ExchangeSupply & { school: StaffedSchool; candidates: { id: number; name: string }[] })[] = [];
  for (const school of input.senders) {
    for (const s of supplyOf(school, subjects, settings)) {
      supplies.push({
        key: shortageKey(school.id, s.subject),
        schoolId: school.id,
        schoolName: school.name,
        subject: s.subject,
        spareTeachers: s.spareTeachers,
        slots: s.slots,
        slotsUsed: 0,
        school,
        candidates: s.candidates,
      });
    }
  }
  const buildMs = performance.now() - started;

  const lockOf = new Map(settings.locks.map((l) => [l.shortageKey, l.supplierSchoolId]));
  const forbidden = new Set(settings.forbidden.map((f) => `${f.shortageKey}>${f.supplierSchoolId}`));
  const assignments: ExchangeAssignment[] = [];
  let objective = 0;
  const t1 = performance.now();

  for (const subject of subjects) {
    const need = shortages.filter((s) => s.subject === subject);
    if (!need.length) continue;
    const give = supplies.filter((s) => s.subject === subject);
    const m = give.length + 1; // last column: unmatched
    const rowShortage: number[] = [];
    need.forEach((s, k) => {
      for (let u = 0; u < s.slotsNeeded; u++) rowShortage.push(k);
    });
    const n = rowShortage.length;
    const km = need.map((s) => give.map((g) => roadKm(s.school, g.school, settings.detourFactor)));
    const allowed = need.map((s, k) =>
      give.map((g, j) => {
        if (forbidden.has(`${s.key}>${g.schoolId}`)) return false;
        const lock = lockOf.get(s.key);
        if (lock !== undefined) return lock === g.schoolId;
        return km[k]![j]! <= settings.maxDistanceKm;
      }),
    );
    const cost = new Float64Array(n * m);
    for (let r = 0; r < n; r++) {
      const k = rowShortage[r]!;
      for (let j = 0; j < give.length; j++) cost[r * m + j] = allowed[k]![j] ? Math.round(km[k]![j]! * 1000) : Infinity;
      cost[r * m + give.length] = UNMATCHED;
    }
    const capacity = [...give.map((g) => g.slots), n];
    const solved = solveTransport({ rows: n, cols: m, capacity, cost });
    if (!solved.feasible) throw new Error('exchange matching with an unmatched column cannot be infeasible');

    // aggregate units into (shortage, supplier) assignments
    const slots = new Map<string, number>();
    for (let r = 0; r < n; r++) {
      const j = solved.assignment[r]!;
      if (j === give.length) continue;
      const key = `${rowShortage[r]}:${j}`;
      slots.set(key, (slots.get(key) ?? 0) + 1);
    }
    for (const [key, count] of slots) {
      const [k, j] = key.split(':').map(Number) as [number, number];
      const s = need[k]!;
      const g = give[j]!;
      s.slotsMatched += count;
      const teacher =
        g.candidates[Math.min(g.candidates.length - 1, Math.floor(g.slotsUsed / settings.slotsPerTeacher))] ?? null;
      g.slotsUsed += count;
      const distanceKm = km[k]![j]!;
      objective += distanceKm * count;
      let best = -1;
      for (let jj = 0; jj < give.length; jj++)
        if (allowed[k]![jj] && (best < 0 || km[k]![jj]! < km[k]![best]!)) best = jj;
      const extraKm = round2(distanceKm - km[k]![best]!);
      const locked = lockOf.get(s.key) === g.schoolId;
      assignments.push({
        shortageKey: s.key,
        schoolId: s.schoolId,
        schoolName: s.schoolName,
        supplierSchoolId: g.schoolId,
        supplierName: g.schoolName,
        subject,
        slots: count,
        distanceKm: round2(distanceKm),
        kind: exchangeKind(s.slotsNeeded, settings.supportThresholdSlots),
        locked,
        suggestedTeacherId: teacher?.id ?? null,
        suggestedTeacherName: teacher?.name ?? null,
        why: locked
          ? { code: 'locked', altSchoolName: null, extraKm: 0 }
          : extraKm > 0
            ? { code: 'capacity', altSchoolName: give[best]!.schoolName, extraKm }
            : { code: 'nearest', altSchoolName: null, extraKm: 0 },
      });
    }
    need.forEach((s, k) => {
      if (s.slotsMatched >= s.slotsNeeded) return;
      const anyInRange = give.some((_, j) => km[k]![j]! <= settings.maxDistanceKm);
      const anyAllowed = allowed[k]!.some(Boolean);
      s.unmatchedReason = !anyInRange ? 'no_supply_in_range' : !anyAllowed ? 'all_forbidden' : 'supply_exhausted';
    });
  }
  const solveMs = performance.now() - t1;

  const points = new Map<string, PlanPoint>();
  for (const s of shortages) points.set(String(s.schoolId), point(s.school, 'member'));
  for (const g of supplies) points.set(String(g.schoolId), point(g.school, 'core'));
  const shortageSlots = shortages.reduce((x, s) => x + s.slotsNeeded, 0);
  const matchedSlots = shortages.reduce((x, s) => x + s.slotsMatched, 0);
  assignments.sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'zh') || a.subject.localeCompare(b.subject));
  return {
    status: 'optimal',
    provenOptimal: true,
    solver: 'ssp',
    objectiveKm: round1(objective),
    shortages: shortages.map(({ school: _s, ...rest }) => rest),
    supplies: supplies.map(({ school: _s, candidates: _c, ...rest }) => rest),
    assignments,
    points: [...points.values()],
    totals: {
      shortageSlots,
      matchedSlots,
      totalDistanceKm: round1(objective),
      worstDistanceKm: round1(Math.max(0, ...assignments.map((a) => a.distanceKm))),
    },
    infeasibility: null,
    timings: { buildMs: round1(buildMs), solveMs: round1(solveMs), totalMs: round1(performance.now() - started) },
  };
}

function point(s: StaffedSchool, role: 'core' | 'member'): PlanPoint {
  return {
    id: String(s.id),
    name: s.name,
    latitude: s.latitude,
    longitude: s.longitude,
    role,
    level: s.level,
    regionCode: s.regionCode,
    capacity: null,
    load: 0,
  };
}
