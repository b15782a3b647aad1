/**
 * Double-booking on the sync-class calendar, as a pure function: two sync classes that overlap in
 * time conflict when they share the host teacher, or when one class (host or receiving, identified
 * by school and class name) is booked in both.
 */
export interface SyncSlot {
  id: number;
  title: string;
  startsAt: string;
  endsAt: string;
  hostTeacherId: number;
  hostSchoolId: number;
  hostClass: string;
  receiving: { schoolId: number; className: string }[];
}

export interface Conflict {
  a: number;
  b: number;
  reason: 'teacher' | 'class';
  /** the teacher id or the class key ("schoolId:班级") */
  what: string;
}

/** Class names compare without spaces and full-width brackets: "三(2)班" = "三（2）班". */
export function classKey(schoolId: number, className: string): string {
  const norm = className.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
  return `${schoolId}:${norm}`;
}

function classesOf(s: SyncSlot): Set<string> {
  const keys = new Set<string>([classKey(s.hostSchoolId, s.hostClass)]);
  for (const r of s.receiving) keys.add(classKey(r.schoolId, r.className));
  return keys;
}

const overlaps = (a: SyncSlot, b: SyncSlot) =>
  Date.parse(a.startsAt) < Date.parse(b.endsAt) && Date.parse(b.startsAt) < Date.parse(a.endsAt);

/** Every conflicting pair (a < b by position after sorting by start), each reason at most once per pair. */
export function findConflicts(slots: readonly SyncSlot[]): Conflict[] {
  const sorted = [...slots].sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt) || x.id - y.id);
  const out: Conflict[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    const aEnd = Date.parse(a.endsAt);
    const aClasses = classesOf(a);
    // sweep: later slots that start before this one ends
    for (let j = i + 1; j < sorted.length && Date.parse(sorted[j]!.startsAt) < aEnd; j++) {
      const b = sorted[j]!;
      if (a.id === b.id || !overlaps(a, b)) continue;
      if (a.hostTeacherId === b.hostTeacherId)
        out.push({ a: a.id, b: b.id, reason: 'teacher', what: String(a.hostTeacherId) });
      const shared = [...classesOf(b)].find((k) => aClasses.has(k));
      if (shared) out.push({ a: a.id, b: b.id, reason: 'class', what: shared });
    }
  }
  return out;
}

/** Conflicts of one candidate (a new or edited class) against the booked ones. */
export function conflictsWith(candidate: SyncSlot, booked: readonly SyncSlot[]): Conflict[] {
  return findConflicts([candidate, ...booked.filter((s) => s.id !== candidate.id)]).filter(
    (c) => c.a === candidate.id || c.b === candidate.id,
  );
}
