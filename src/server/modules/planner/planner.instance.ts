import type { PairingInstance, PairingSettings } from '../../../shared/planner.schemas.js';
import type { SchoolLevel } from '../../../shared/enums.js';
import type { StaffedSchool } from './exchange.rules.js';
import type { CurrentMembership, PlannerSchoolRow, StaffRow } from './planner.repo.js';

/**
 * Turns registry rows into planner inputs. Cores are 优质 (strong) schools; members are 薄弱 (weak)
 * or rural schools (and 潜力 potential ones when asked). In tree mode a member in a town, or one
 * with teaching points, is a township centre; the other rural schools are villages.
 */
export function isCore(s: PlannerSchoolRow) {
  return s.quality_tier === 'strong';
}
export function isMember(s: PlannerSchoolRow, includePotential: boolean) {
  if (isCore(s)) return false;
  return (
    s.quality_tier === 'weak' || s.location_class === 'rural' || (includePotential && s.quality_tier === 'potential')
  );
}

/** Support units a member needs in the generalised model: larger schools need more. */
export const demandOf = (s: PlannerSchoolRow) => (s.classes >= 18 ? 2 : 1);

export function registryInstance(
  schools: PlannerSchoolRow[],
  memberships: CurrentMembership[],
  settings: PairingSettings,
): PairingInstance {
  const tree = settings.mode === 'tree';
  // tree mode (Enshi): urban strong schools lead township centres — every town school and every
  // rural school with teaching points — and each centre leads the remaining village schools
  const isTreeCore = (s: PlannerSchoolRow) => isCore(s) && s.location_class === 'urban';
  const isCentre = (s: PlannerSchoolRow) =>
    !isTreeCore(s) && (s.location_class === 'town' || (s.location_class === 'rural' && s.has_teaching_points));
  const cores = schools.filter(tree ? isTreeCore : isCore);
  const members = schools.filter((s) =>
    tree
      ? !isTreeCore(s) && (isCentre(s) || isMember(s, settings.includePotential))
      : isMember(s, settings.includePotential),
  );
  const coreIds = new Set(cores.map((c) => c.id));
  const centreIds = new Set(tree ? members.filter(isCentre).map((m) => m.id) : []);
  const current = new Map<number, number>();
  for (const m of memberships) {
    if (current.has(m.school_id)) continue;
    const core = m.core_ids.find((id) => coreIds.has(id) || centreIds.has(id));
    if (core !== undefined) current.set(m.school_id, core);
  }
  const point = (s: PlannerSchoolRow) => ({
    id: String(s.id),
    name: s.name,
    latitude: s.latitude,
    longitude: s.longitude,
    level: s.level as SchoolLevel,
    regionCode: s.region_code,
  });
  return {
    cores: cores.map((c) => ({ ...point(c), capacity: settings.defaultCapacity })),
    members: members.map((m) => {
      const cur = current.get(m.id);
      // a village's current partner counts only if it is a centre, a centre's only if it is a core
      const valid =
        cur !== undefined &&
        (settings.mode !== 'tree' || (centreIds.has(m.id) ? coreIds.has(cur) : centreIds.has(cur) || coreIds.has(cur)));
      return {
        ...point(m),
        demand: settings.model === 'gap' ? demandOf(m) : 1,
        currentCoreId: valid ? String(cur) : null,
        ...(settings.mode === 'tree' ? { kind: centreIds.has(m.id) ? ('centre' as const) : ('village' as const) } : {}),
      };
    }),
  };
}

export function staffedSchools(schools: PlannerSchoolRow[], teachers: StaffRow[]): StaffedSchool[] {
  const bySchool = new Map<number, StaffRow[]>();
  for (const t of teachers) {
    const list = bySchool.get(t.school_id) ?? [];
    list.push(t);
    bySchool.set(t.school_id, list);
  }
  return schools.map((s) => ({
    id: s.id,
    name: s.name,
    level: s.level as SchoolLevel,
    classes: s.classes,
    latitude: s.latitude,
    longitude: s.longitude,
    regionCode: s.region_code,
    teachers: (bySchool.get(s.id) ?? []).map((t) => ({
      id: t.id,
      name: t.name,
      subjects: t.subjects,
      majorSubject: t.major_subject,
      posts: t.posts,
      honours: t.honours,
    })),
  }));
}
