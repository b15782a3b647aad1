import type { SchoolLevel } from '../../../shared/enums.js';
import type { CoreInput, MemberInput, PairingInstance, PairingSettings } from '../../../shared/planner.schemas.js';
import { roadKm } from './geo.js';

/**
 * Pairing rules as plain functions: which member may pair with which core, and what a pair costs.
 * The solver only sees the resulting cost matrix.
 */

export type Ineligible = 'forbidden' | 'level' | 'region' | 'too_far';

/** Schools that teach both stages (九年一贯制, 十二年一贯制, 完全中学) can pair with either stage. */
const COVERS: Partial<Record<SchoolLevel, readonly SchoolLevel[]>> = {
  nine_year: ['primary', 'junior', 'nine_year'],
  twelve_year: ['primary', 'junior', 'nine_year', 'twelve_year', 'complete_secondary'],
  complete_secondary: ['junior', 'complete_secondary'],
};
export function levelsCompatible(a: SchoolLevel | undefined, b: SchoolLevel | undefined): boolean {
  if (!a || !b || a === b) return true;
  return (COVERS[a]?.includes(b) ?? false) || (COVERS[b]?.includes(a) ?? false);
}

export interface Site {
  id: string;
  name?: string | undefined;
  latitude: number;
  longitude: number;
  level?: SchoolLevel | undefined;
  regionCode?: string | undefined;
}

/** Looks up travel cost between two schools: imported minutes, or road-like km. */
export interface TravelCost {
  unit: 'km' | 'min';
  km(member: Site, core: Site): number;
  cost(member: Site, core: Site): number;
}

export function travelCost(instance: PairingInstance, settings: PairingSettings): TravelCost {
  const km = (m: Site, c: Site) => roadKm(m, c, settings.detourFactor);
  const matrix = instance.travelMatrix;
  if (!matrix) return { unit: 'km', km, cost: km };
  const rowOf = new Map(matrix.memberIds.map((id, i) => [id, i]));
  const colOf = new Map(matrix.coreIds.map((id, j) => [id, j]));
  return {
    unit: 'min',
    km,
    cost: (m, c) => {
      const v = matrix.minutes[rowOf.get(m.id) ?? -1]?.[colOf.get(c.id) ?? -1];
      // validation guarantees every needed cell; a gap here would be a programming error
      if (v === null || v === undefined) throw new Error(`travel matrix has no cell ${m.id} → ${c.id}`);
      return v;
    },
  };
}

export interface EligibilityContext {
  settings: PairingSettings;
  forbidden: Set<string>;
  travel: TravelCost;
}
export const pairKey = (memberId: string, coreId: string) => `${memberId}\u0000${coreId}`;

export function eligibility(member: Site, core: Site, ctx: EligibilityContext): Ineligible | null {
  if (ctx.forbidden.has(pairKey(member.id, core.id))) return 'forbidden';
  if (ctx.settings.sameLevel && !levelsCompatible(member.level, core.level)) return 'level';
  if (!ctx.settings.allowCrossRegion && member.regionCode && core.regionCode && member.regionCode !== core.regionCode)
    return 'region';
  if (ctx.settings.maxDistanceKm !== null && ctx.travel.km(member, core) > ctx.settings.maxDistanceKm) return 'too_far';
  return null;
}

/** One solving stage: tier 1 pairs members (or township centres) with cores; tier 2 villages with centres. */
export interface Stage {
  tier: 1 | 2;
  members: MemberInput[];
  cores: (CoreInput & { role: 'core' | 'centre' })[];
}

export function stagesOf(instance: PairingInstance, settings: PairingSettings): Stage[] {
  const cap = (id: string, fallback: number) => settings.capacities[id] ?? fallback;
  const cores = instance.cores.map((c) => ({ ...c, capacity: cap(c.id, c.capacity), role: 'core' as const }));
  if (settings.mode === 'flat') return [{ tier: 1, members: instance.members, cores }];
  const centres = instance.members.filter((m) => m.kind !== 'village');
  const villages = instance.members.filter((m) => m.kind === 'village');
  const stages: Stage[] = [{ tier: 1, members: centres, cores }];
  if (villages.length) {
    stages.push({
      tier: 2,
      members: villages,
      cores: centres.map((c) => ({
        id: c.id,
        name: c.name,
        latitude: c.latitude,
        longitude: c.longitude,
        level: c.level,
        regionCode: c.regionCode,
        capacity: cap(c.id, settings.villageCapacity),
        role: 'centre' as const,
      })),
    });
  }
  return stages;
}

/** Costs are solved in integer thousandths (metres, or thousandths of a minute) so the arithmetic is exact. */
export const COST_SCALE = 1000;
